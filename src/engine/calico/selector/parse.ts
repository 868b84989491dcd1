/** Parsing a selector, and its canonical string (ast.go `String()`). */
import type { SelectorNode, SelectorParseResult, SelectorValueOperator } from './ast';
import { isStringSet, quoteLiteral, SelectorParser, toStringSet } from './parser';
import { SelectorSyntaxError, tokenize } from './tokenizer';

/**
 * Parses a Calico selector. The empty (or all-blank) selector is `all()`, as parser.go makes it.
 * Errors name a 1-based column, e.g. `expected "}" to close the "{" from column 8, found end of
 * selector at column 14`.
 */
export function parseCalicoSelector(text: string): SelectorParseResult {
  try {
    const ast = new SelectorParser(tokenize(text)).parseRoot();
    return { ok: true, selector: { ast, canonical: canonicalSelector(ast) } };
  } catch (e) {
    if (e instanceof SelectorSyntaxError) {
      const column = e.index + 1;
      return { ok: false, error: `${e.message} at column ${column}`, column };
    }
    if (e instanceof RangeError) {
      return { ok: false, error: 'selector is nested too deeply', column: 1 };
    }
    throw e;
  }
}

const VALUE_OPERATOR_TEXT: Record<SelectorValueOperator, string> = {
  eq: ' == ',
  ne: ' != ',
  contains: ' contains ',
  startsWith: ' starts with ',
  endsWith: ' ends with ',
};

/**
 * Calico's canonical form, as ast.go's `collectFragments` prints it: `a == "b"`, `has(a)`,
 * `a in {"x", "y"}` (sorted, de-duplicated), `!` glued to its operand, and every `&&`/`||` group in
 * parentheses, including the outermost: `(a == "b" && has(c))`.
 *
 * Note a Calico quirk this keeps: `!(!a == "b")` prints as `!!a == "b"`, which parses back (the `!`s
 * collapse) as `a == "b"`, so canonicalisation is idempotent only after one round trip.
 */
export function canonicalSelector(node: SelectorNode): string {
  switch (node.kind) {
    case 'all':
      return 'all()';
    case 'global':
      return 'global()';
    case 'has':
      return `has(${node.label})`;
    case 'eq':
    case 'ne':
    case 'contains':
    case 'startsWith':
    case 'endsWith':
      return node.label + VALUE_OPERATOR_TEXT[node.kind] + quoteLiteral(node.value);
    case 'in':
    case 'notIn': {
      // Hand-built nodes (e.g. a service account name list) get the parser's normalisation too.
      const values = isStringSet(node.values) ? node.values : toStringSet(node.values);
      const op = node.kind === 'in' ? ' in {' : ' not in {';
      return node.label + op + values.map(quoteLiteral).join(', ') + '}';
    }
    case 'not':
      return '!' + canonicalSelector(node.operand);
    case 'and':
      return '(' + node.operands.map(canonicalSelector).join(' && ') + ')';
    case 'or':
      return '(' + node.operands.map(canonicalSelector).join(' || ') + ')';
  }
}
