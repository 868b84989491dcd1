/**
 * Calico's label selector language, as libcalico-go implements it (projectcalico/calico):
 * - tokenizer: libcalico-go/lib/selector/tokenizer/tokenizer.go
 * - grammar:   libcalico-go/lib/selector/parser/parser.go
 * - AST, evaluation and the canonical String(): libcalico-go/lib/selector/parser/ast.go
 * - set literals sorted and de-duplicated: libcalico-go/lib/selector/parser/stringset.go
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
import { sha224, toBase64Url } from '../hash';

// ---------------------------------------------------------------------------------------------
// The AST: plain data, structured-cloneable, so it can cross the worker boundary.
// ---------------------------------------------------------------------------------------------

/** Operators that compare one label with one string literal. */
export type SelectorValueOperator = 'eq' | 'ne' | 'contains' | 'startsWith' | 'endsWith';

export type SelectorNode =
  /** `all()`, and what the empty selector means. */
  | { readonly kind: 'all' }
  /** `global()`: see `SelectorEvalOptions` for what it matches. */
  | { readonly kind: 'global' }
  | { readonly kind: 'has'; readonly label: string }
  | { readonly kind: SelectorValueOperator; readonly label: string; readonly value: string }
  /** `values` sorted (by UTF-8 bytes, as Go sorts strings) and de-duplicated, as stringset.go does. */
  | { readonly kind: 'in' | 'notIn'; readonly label: string; readonly values: readonly string[] }
  | { readonly kind: 'not'; readonly operand: SelectorNode }
  /** At least two operands; the parser never builds a one-operand `and`/`or`. */
  | { readonly kind: 'and' | 'or'; readonly operands: readonly SelectorNode[] };

export interface ParsedSelector {
  readonly ast: SelectorNode;
  readonly canonical: string;
}

export type SelectorParseResult =
  { ok: true; selector: ParsedSelector } | { ok: false; error: string; column: number };

type Labels = Readonly<Record<string, string>>;

// ---------------------------------------------------------------------------------------------
// Tokenizer (tokenizer.go)
// ---------------------------------------------------------------------------------------------

type TokenKind =
  | 'label'
  | 'string'
  | '{'
  | '}'
  | ','
  | '=='
  | '!='
  | 'in'
  | 'not in'
  | '!'
  | 'contains'
  | 'starts with'
  | 'ends with'
  | 'all()'
  | 'has()'
  | 'global()'
  | '('
  | ')'
  | '&&'
  | '||'
  | 'eof';

interface Token {
  readonly kind: TokenKind;
  /** The label name, string literal contents or has() label; '' otherwise. */
  readonly value: string;
  /** 0-based offset of the token's first character. */
  readonly start: number;
}

class SelectorSyntaxError extends Error {
  constructor(
    message: string,
    readonly index: number,
  ) {
    super(message);
  }
}

/** tokenizer.go `MaxLabelLength`: a longer label is a syntax error. */
const MAX_LABEL_LENGTH = 512;

/** tokenizer.go `identifierChar`: label names are `[a-zA-Z0-9_./-]+`. */
function isIdentChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || // a-z
    (c >= 65 && c <= 90) || // A-Z
    (c >= 48 && c <= 57) || // 0-9
    c === 95 || // _
    c === 46 || // .
    c === 47 || // /
    c === 45 // -
  );
}

/** tokenizer.go `trimWhitespace`: only space and tab separate tokens (a newline is an error). */
function skipWhitespace(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) break;
    i++;
  }
  return i;
}

/** tokenizer.go `isWordBoundary`: the end of the text or any non-label character. */
function atWordBoundary(text: string, i: number): boolean {
  return i >= text.length || !isIdentChar(text.charCodeAt(i));
}

/** tokenizer.go `cutIdentifier`: the end of the label starting at `i`. */
function labelEnd(text: string, i: number): number {
  let end = i;
  while (end < text.length && isIdentChar(text.charCodeAt(end))) end++;
  if (end === i) {
    const ch = i < text.length ? describeChar(text, i) : 'end of selector';
    throw new SelectorSyntaxError(`expected a label name, found ${ch}`, i);
  }
  if (end - i > MAX_LABEL_LENGTH) {
    throw new SelectorSyntaxError(`label is too long (at most ${MAX_LABEL_LENGTH} characters)`, i);
  }
  return end;
}

function describeChar(text: string, i: number): string {
  const cp = text.codePointAt(i)!;
  if (cp === 10) return 'newline (only spaces and tabs may separate tokens)';
  if (cp === 13) return 'carriage return (only spaces and tabs may separate tokens)';
  return `character ${JSON.stringify(String.fromCodePoint(cp))}`;
}

/**
 * tokenizer.go `cutMultiWordPrefixCheckBreak`: `starts with`, `ends with`, `not in` with any
 * spaces (or none: `startswith`, `notin`) between the words, then a word boundary.
 * Returns the index after the operator, or -1.
 */
function matchWords(text: string, i: number, words: readonly string[]): number {
  let j = i;
  for (const word of words) {
    if (!text.startsWith(word, j)) return -1;
    j = skipWhitespace(text, j + word.length);
  }
  return atWordBoundary(text, j) ? j : -1;
}

/** tokenizer.go `cutPrefixCheckBreak`: a one-word operator followed by a word boundary. */
function matchWord(text: string, i: number, word: string): number {
  return text.startsWith(word, i) && atWordBoundary(text, i + word.length) ? i + word.length : -1;
}

const OPERATORS_AFTER_LABEL: readonly (readonly [TokenKind, readonly string[]])[] = [
  // Order as tokenizer.go tries them: `not in` before `in`.
  ['contains', ['contains']],
  ['starts with', ['starts', 'with']],
  ['ends with', ['ends', 'with']],
  ['not in', ['not', 'in']],
  ['in', ['in']],
];

const OPERATOR_LIST = '==, !=, in, not in, contains, starts with, ends with';

/** Optional spaces then `)`, as the has(/all(/global( cases require. */
function closingParen(text: string, i: number, what: string, start: number): number {
  const j = skipWhitespace(text, i);
  if (text.charCodeAt(j) !== 41 /* ) */) {
    throw new SelectorSyntaxError(
      `expected ")" to close the "${what}" from column ${start + 1}`,
      j,
    );
  }
  return j + 1;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, start: number, value = ''): void => {
    tokens.push({ kind, value, start });
  };
  for (;;) {
    i = skipWhitespace(text, i);
    if (i >= text.length) {
      push('eof', text.length);
      return tokens;
    }
    const start = i;
    const c = text.charCodeAt(i);
    switch (c) {
      case 40: // (
        push('(', start);
        i++;
        continue;
      case 41: // )
        push(')', start);
        i++;
        continue;
      case 123: // {
        push('{', start);
        i++;
        continue;
      case 125: // }
        push('}', start);
        i++;
        continue;
      case 44: // ,
        push(',', start);
        i++;
        continue;
      case 34: // "
      case 39: {
        // ' : a literal runs to the next quote of the same kind; there are no escapes.
        const close = text.indexOf(c === 34 ? '"' : "'", i + 1);
        if (close < 0) {
          throw new SelectorSyntaxError(
            `unterminated string (no closing ${c === 34 ? '"' : "'"})`,
            start,
          );
        }
        push('string', start, text.slice(i + 1, close));
        i = close + 1;
        continue;
      }
      case 61: // =
        if (text.charCodeAt(i + 1) !== 61) throw new SelectorSyntaxError('expected "=="', start);
        push('==', start);
        i += 2;
        continue;
      case 33: // !
        if (text.charCodeAt(i + 1) === 61) {
          push('!=', start);
          i += 2;
        } else {
          push('!', start);
          i++;
        }
        continue;
      case 38: // &
        if (text.charCodeAt(i + 1) !== 38) throw new SelectorSyntaxError('expected "&&"', start);
        push('&&', start);
        i += 2;
        continue;
      case 124: // |
        if (text.charCodeAt(i + 1) !== 124) throw new SelectorSyntaxError('expected "||"', start);
        push('||', start);
        i += 2;
        continue;
    }
    const last = tokens[tokens.length - 1];
    if (last?.kind === 'label') {
      // Straight after a label only an operator may follow (so `a b` fails here, not in the parser).
      let matched = false;
      for (const [kind, words] of OPERATORS_AFTER_LABEL) {
        const end = words.length === 1 ? matchWord(text, i, words[0]!) : matchWords(text, i, words);
        if (end >= 0) {
          push(kind, start);
          i = end;
          matched = true;
          break;
        }
      }
      if (!matched) {
        throw new SelectorSyntaxError(
          `expected an operator (${OPERATOR_LIST}) after label "${last.value}"`,
          start,
        );
      }
      continue;
    }
    // Note `has (a)` (with a space) is not has(): it reads as the label "has" and then fails.
    if (text.startsWith('has(', i)) {
      const labelStart = skipWhitespace(text, i + 4);
      const end = labelEnd(text, labelStart);
      i = closingParen(text, end, 'has(', start);
      push('has()', start, text.slice(labelStart, end));
      continue;
    }
    if (text.startsWith('all(', i)) {
      i = closingParen(text, i + 4, 'all(', start);
      push('all()', start);
      continue;
    }
    if (text.startsWith('global(', i)) {
      i = closingParen(text, i + 7, 'global(', start);
      push('global()', start);
      continue;
    }
    if (!isIdentChar(c)) {
      throw new SelectorSyntaxError(
        `unexpected ${describeChar(text, i)}; expected a label, has(), all(), global(), "!" or "("`,
        start,
      );
    }
    const end = labelEnd(text, i);
    push('label', start, text.slice(i, end));
    i = end;
  }
}

// ---------------------------------------------------------------------------------------------
// Parser (parser.go)
// ---------------------------------------------------------------------------------------------

function describeToken(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'end of selector';
    case 'label':
      return `label "${t.value}"`;
    case 'string':
      return `string ${quoteLiteral(t.value)}`;
    case 'has()':
      return `has(${t.value})`;
    default:
      return `"${t.kind}"`;
  }
}

const VALUE_OPERATORS: Partial<Record<TokenKind, SelectorValueOperator>> = {
  '==': 'eq',
  '!=': 'ne',
  contains: 'contains',
  'starts with': 'startsWith',
  'ends with': 'endsWith',
};

class SelectorParser {
  private pos = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token {
    // The token list always ends with 'eof', and the parser never steps past it.
    return this.tokens[this.pos]!;
  }

  parseRoot(): SelectorNode {
    // parser.go: an empty (or all-whitespace) selector is AllNode, printed "all()".
    if (this.peek().kind === 'eof') return { kind: 'all' };
    const node = this.parseOr();
    if (this.peek().kind !== 'eof') {
      throw new SelectorSyntaxError(
        `unexpected ${describeToken(this.peek())} after a complete expression (expected "&&", "||" or the end)`,
        this.peek().start,
      );
    }
    return node;
  }

  private parseOr(): SelectorNode {
    const first = this.parseAnd();
    if (this.peek().kind !== '||') return first;
    const operands = [first];
    while (this.peek().kind === '||') {
      this.pos++;
      operands.push(this.parseAnd());
    }
    return { kind: 'or', operands };
  }

  private parseAnd(): SelectorNode {
    const first = this.parseOperation();
    if (this.peek().kind !== '&&') return first;
    const operands = [first];
    while (this.peek().kind === '&&') {
      this.pos++;
      operands.push(this.parseOperation());
    }
    return { kind: 'and', operands };
  }

  private parseOperation(): SelectorNode {
    let negated = false;
    while (this.peek().kind === '!') {
      negated = !negated;
      this.pos++;
    }
    const node = this.parseOperand();
    return negated ? { kind: 'not', operand: node } : node;
  }

  private parseOperand(): SelectorNode {
    const t = this.peek();
    switch (t.kind) {
      case 'has()':
        this.pos++;
        return { kind: 'has', label: t.value };
      case 'all()':
        this.pos++;
        return { kind: 'all' };
      case 'global()':
        this.pos++;
        return { kind: 'global' };
      case '(': {
        this.pos++;
        const inner = this.parseOr();
        if (this.peek().kind !== ')') {
          throw new SelectorSyntaxError(
            `expected ")" to close the "(" from column ${t.start + 1}, found ${describeToken(this.peek())}`,
            this.peek().start,
          );
        }
        this.pos++;
        return inner;
      }
      case 'label':
        return this.parseComparison(t);
      case 'eof':
        throw new SelectorSyntaxError(
          'unexpected end of selector (expected a label, has(), all(), global(), "!" or "(")',
          t.start,
        );
      default:
        throw new SelectorSyntaxError(
          `unexpected ${describeToken(t)} (expected a label, has(), all(), global(), "!" or "(")`,
          t.start,
        );
    }
  }

  private parseComparison(labelTok: Token): SelectorNode {
    const label = labelTok.value;
    // parser.go demands three tokens (label, operator, operand) before looking at them.
    if (this.pos + 2 >= this.tokens.length) {
      throw new SelectorSyntaxError(
        `unexpected end of selector: expected an operator (${OPERATOR_LIST}) after label "${label}"`,
        this.tokens[this.tokens.length - 1]!.start,
      );
    }
    const op = this.tokens[this.pos + 1]!;
    const operand = this.tokens[this.pos + 2]!;
    const valueOp = VALUE_OPERATORS[op.kind];
    if (valueOp) {
      if (operand.kind !== 'string') {
        throw new SelectorSyntaxError(
          `expected a quoted string after "${op.kind}", found ${describeToken(operand)}`,
          operand.start,
        );
      }
      this.pos += 3;
      return { kind: valueOp, label, value: operand.value };
    }
    if (op.kind === 'in' || op.kind === 'not in') {
      if (operand.kind !== '{') {
        throw new SelectorSyntaxError(
          `expected "{" to start the set after "${op.kind}", found ${describeToken(operand)}`,
          operand.start,
        );
      }
      this.pos += 3;
      const values: string[] = [];
      // parser.go: strings separated by commas; a trailing comma before "}" is accepted.
      while (this.peek().kind === 'string') {
        values.push(this.peek().value);
        this.pos++;
        if (this.peek().kind !== ',') break;
        this.pos++;
      }
      if (this.peek().kind !== '}') {
        throw new SelectorSyntaxError(
          `expected "}" to close the "{" from column ${operand.start + 1}, found ${describeToken(this.peek())}`,
          this.peek().start,
        );
      }
      this.pos++;
      return { kind: op.kind === 'in' ? 'in' : 'notIn', label, values: toStringSet(values) };
    }
    throw new SelectorSyntaxError(
      `expected an operator (${OPERATOR_LIST}) after label "${label}", found ${describeToken(op)}`,
      op.start,
    );
  }
}

/**
 * Go compares strings byte by byte, i.e. UTF-8 order, which is code point order. JavaScript's `<`
 * compares UTF-16 code units, which disagrees for characters above U+FFFF versus U+E000..U+FFFF.
 */
function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800) x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
    if (y >= 0xd800) y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    return x - y;
  }
  return a.length - b.length;
}

/** stringset.go `ConvertToStringSetInPlace`: sorted, duplicates dropped. */
function toStringSet(values: readonly string[]): string[] {
  const sorted = [...values].sort(compareGoStrings);
  const out: string[] = [];
  for (const v of sorted) if (out.length === 0 || out[out.length - 1] !== v) out.push(v);
  return out;
}

function isStringSet(values: readonly string[]): boolean {
  for (let i = 1; i < values.length; i++) {
    if (compareGoStrings(values[i - 1]!, values[i]!) >= 0) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

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

/** ast.go `appendLabelOpAndQuotedString`: single quotes only when the value holds a `"`. */
function quoteLiteral(value: string): string {
  return value.includes('"') ? `'${value}'` : `"${value}"`;
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

/**
 * What `all()` and `global()` mean depends on where the selector sits.
 *
 * In libcalico-go's AST both simply match (ast.go `AllNode.Evaluate`, `GlobalNode.Evaluate` return
 * true): that is the default here, right for a policy's `selector` and a rule's `selector`.
 *
 * In a rule's `namespaceSelector`, Calico rewrites them before Felix sees the rule
 * (libcalico-go/lib/backend/syncersv1/updateprocessors/rules.go `getEndpointSelector`):
 * `all()` becomes `has(projectcalico.org/namespace)` (any namespaced endpoint or NetworkSet) and
 * `global()` becomes `!has(projectcalico.org/namespace)` (only non-namespaced resources: host
 * endpoints and GlobalNetworkSets). Set `namespaceSelectorFor` to get that meaning; evaluate the
 * namespace selector against the namespace's labels, or against `{}` for a non-namespaced resource.
 * (The rewrite is textual, so a string literal containing "all()" would change too; namespace label
 * values cannot contain parentheses, so the verdict is the same either way.)
 */
export interface SelectorEvalOptions {
  readonly namespaceSelectorFor?: 'namespaced' | 'non-namespaced';
}

/** The label's value, or undefined when absent (never an inherited property like `constructor`). */
function lookup(labels: Labels, key: string): string | undefined {
  const v = labels[key];
  return typeof v === 'string' ? v : undefined;
}

function scopeResult(kind: 'all' | 'global', opts: SelectorEvalOptions | undefined): boolean {
  const scope = opts?.namespaceSelectorFor;
  if (scope === undefined) return true;
  return kind === 'all' ? scope === 'namespaced' : scope === 'non-namespaced';
}

/**
 * Evaluates a selector against a label set with ast.go's semantics: `==`, `contains`, `starts
 * with`, `ends with`, `in` need the label present; `!=` and `not in` match when it is absent.
 */
export function evaluateSelector(
  node: SelectorNode,
  labels: Labels,
  opts?: SelectorEvalOptions,
): boolean {
  switch (node.kind) {
    case 'all':
    case 'global':
      return scopeResult(node.kind, opts);
    case 'has':
      return lookup(labels, node.label) !== undefined;
    case 'eq':
      return lookup(labels, node.label) === node.value;
    case 'ne':
      return lookup(labels, node.label) !== node.value;
    case 'contains': {
      const v = lookup(labels, node.label);
      return v !== undefined && v.includes(node.value);
    }
    case 'startsWith': {
      const v = lookup(labels, node.label);
      return v !== undefined && v.startsWith(node.value);
    }
    case 'endsWith': {
      const v = lookup(labels, node.label);
      return v !== undefined && v.endsWith(node.value);
    }
    case 'in': {
      const v = lookup(labels, node.label);
      return v !== undefined && node.values.includes(v);
    }
    case 'notIn': {
      const v = lookup(labels, node.label);
      return v === undefined || !node.values.includes(v);
    }
    case 'not':
      return !evaluateSelector(node.operand, labels, opts);
    case 'and':
      return node.operands.every((op) => evaluateSelector(op, labels, opts));
    case 'or':
      return node.operands.some((op) => evaluateSelector(op, labels, opts));
  }
}

export type SelectorMatcher = (labels: Labels) => boolean;

const matchAll: SelectorMatcher = () => true;
const matchNone: SelectorMatcher = () => false;

/** Sets beat a linear scan only past a handful of values. */
const SET_THRESHOLD = 8;

/**
 * Compiles a selector to a closure tree: the same answers as `evaluateSelector`, without the
 * per-call dispatch on node kinds (the engine evaluates selectors millions of times).
 */
export function compileSelector(node: SelectorNode, opts?: SelectorEvalOptions): SelectorMatcher {
  switch (node.kind) {
    case 'all':
    case 'global':
      return scopeResult(node.kind, opts) ? matchAll : matchNone;
    case 'has': {
      const key = node.label;
      return (labels) => typeof labels[key] === 'string';
    }
    case 'eq': {
      const { label: key, value } = node;
      return (labels) => labels[key] === value;
    }
    case 'ne': {
      const { label: key, value } = node;
      return (labels) => labels[key] !== value;
    }
    case 'contains': {
      const { label: key, value } = node;
      return (labels) => {
        const v = labels[key];
        return typeof v === 'string' && v.includes(value);
      };
    }
    case 'startsWith': {
      const { label: key, value } = node;
      return (labels) => {
        const v = labels[key];
        return typeof v === 'string' && v.startsWith(value);
      };
    }
    case 'endsWith': {
      const { label: key, value } = node;
      return (labels) => {
        const v = labels[key];
        return typeof v === 'string' && v.endsWith(value);
      };
    }
    case 'in':
    case 'notIn': {
      const key = node.label;
      const contains = compileMembership(node.values);
      if (node.kind === 'in') {
        return (labels) => {
          const v = labels[key];
          return typeof v === 'string' && contains(v);
        };
      }
      return (labels) => {
        const v = labels[key];
        return typeof v !== 'string' || !contains(v);
      };
    }
    case 'not': {
      const inner = compileSelector(node.operand, opts);
      return (labels) => !inner(labels);
    }
    case 'and': {
      const ops = node.operands.map((op) => compileSelector(op, opts));
      if (ops.length === 2) {
        const [a, b] = ops as [SelectorMatcher, SelectorMatcher];
        return (labels) => a(labels) && b(labels);
      }
      return (labels) => {
        for (const op of ops) if (!op(labels)) return false;
        return true;
      };
    }
    case 'or': {
      const ops = node.operands.map((op) => compileSelector(op, opts));
      if (ops.length === 2) {
        const [a, b] = ops as [SelectorMatcher, SelectorMatcher];
        return (labels) => a(labels) || b(labels);
      }
      return (labels) => {
        for (const op of ops) if (op(labels)) return true;
        return false;
      };
    }
  }
}

function compileMembership(values: readonly string[]): (v: string) => boolean {
  if (values.length === 0) return () => false;
  if (values.length === 1) {
    const only = values[0]!;
    return (v) => v === only;
  }
  if (values.length < SET_THRESHOLD) {
    const list = [...values];
    return (v) => list.includes(v);
  }
  const set = new Set(values);
  return (v) => set.has(v);
}

/**
 * ast.go `PrefixVisitor`: every label name gets `prefix` in front, as Calico does when it turns a
 * rule's namespaceSelector into an endpoint selector (`pcns.`) or a service account selector into
 * one (`pcsa.`) (updateprocessors/rules.go `parseSelectorAttachPrefix`).
 */
export function prefixSelectorLabels(node: SelectorNode, prefix: string): SelectorNode {
  switch (node.kind) {
    case 'all':
    case 'global':
      return node;
    case 'not':
      return { kind: 'not', operand: prefixSelectorLabels(node.operand, prefix) };
    case 'and':
    case 'or':
      return {
        kind: node.kind,
        operands: node.operands.map((op) => prefixSelectorLabels(op, prefix)),
      };
    default:
      return { ...node, label: prefix + node.label };
  }
}

/**
 * The selector's unique ID, ast.go `UniqueID()` = libcalico-go/lib/hash/unique_id.go
 * `MakeUniqueID("s", canonical)`: `s:` + base64url(SHA-224(`s:` + canonical)), unpadded.
 */
export function selectorUniqueId(canonical: string): string {
  return 's:' + toBase64Url(sha224('s:' + canonical));
}

/** felix/ipsets/ipset_defs.go `MaxIPSetNameLength`: the kernel's ipset name limit. */
const MAX_IPSET_NAME_LENGTH = 31;

/**
 * felix/ipsets/ipset_defs.go `NameForMainIPSet`: "cali" + IP version + main-set token "0", then
 * the set ID, cut to 31 characters. A selector-only IP set's ID is the selector's unique ID
 * (felix/calc/rule_scanner.go `IPSetData.UniqueID`), so names look like `cali40s:` + 23 characters.
 */
export function selectorIpSetName(canonical: string, ipVersion: 4 | 6 = 4): string {
  return mainIpSetName(selectorUniqueId(canonical), ipVersion);
}

/**
 * The IP set of a named port over a selector's endpoints (felix/calc/rule_scanner.go
 * `IPSetData.UniqueID`): ID `MakeUniqueID("n", selectorID + "," + protocol + "," + portName)`
 * with the protocol lower-case (ipsetmember `Protocol.String()`: `tcp`, `udp`, `sctp`, or `any`
 * for a rule without a protocol), named `cali40n:…`.
 * A named port in a rule without a selector uses `all()` as the selector.
 */
export function namedPortIpSetName(
  canonical: string,
  protocol: 'TCP' | 'UDP' | 'SCTP' | 'any',
  portName: string,
  ipVersion: 4 | 6 = 4,
): string {
  const content = `${selectorUniqueId(canonical)},${protocol.toLowerCase()},${portName}`;
  return mainIpSetName('n:' + toBase64Url(sha224('n:' + content)), ipVersion);
}

function mainIpSetName(setId: string, ipVersion: 4 | 6): string {
  return `cali${ipVersion}0${setId}`.slice(0, MAX_IPSET_NAME_LENGTH);
}
