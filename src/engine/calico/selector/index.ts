/**
 * Calico's label selector language, as libcalico-go implements it (projectcalico/calico):
 * - tokenizer: libcalico-go/lib/selector/tokenizer/tokenizer.go
 * - grammar:   libcalico-go/lib/selector/parser/parser.go
 * - AST, evaluation and the canonical String(): libcalico-go/lib/selector/parser/ast.go
 * - set literals sorted and de-duplicated: libcalico-go/lib/selector/parser/stringset.go
 * This index is the public face; the modules beside it follow those files (ast, tokenizer, parser,
 * parse with the canonical string, evaluate, ipsetNames).
 *
 * The canonical string matters beyond display: Felix names a selector's IP set after a hash of it
 * (see `selectorIpSetName`), so two spellings of one selector share an IP set exactly when their
 * canonical forms are equal.
 *
 * Grammar, as parser.go implements it (`||` binds loosest, then `&&`, then a run of `!`s):
 *   selector  := <empty> | or
 *   or        := and ("||" and)*
 *   and       := operation ("&&" operation)*
 *   operation := "!"* ( has(label) | all() | global() | "(" or ")"
 *                     | label ("==" | "!=" | contains | starts with | ends with) string
 *                     | label ("in" | "not in") "{" [string ("," string)* [","]] "}" )
 * A run of `!`s collapses to one negation or none (an even count cancels out).
 */
export type {
  ParsedSelector,
  SelectorNode,
  SelectorParseResult,
  SelectorValueOperator,
} from './ast';
export { canonicalSelector, parseCalicoSelector } from './parse';
export {
  compileSelector,
  evaluateSelector,
  prefixSelectorLabels,
  type SelectorEvalOptions,
  type SelectorMatcher,
} from './evaluate';
export { namedPortIpSetName, selectorIpSetName, selectorUniqueId } from './ipsetNames';
