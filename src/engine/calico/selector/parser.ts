/** The selector grammar (libcalico-go/lib/selector/parser/parser.go) and string sets
 * (stringset.go). */
import type { SelectorNode, SelectorValueOperator } from './ast';
import { OPERATOR_LIST, SelectorSyntaxError, type Token, type TokenKind } from './tokenizer';

/** ast.go `appendLabelOpAndQuotedString`: single quotes only when the value holds a `"`. */
export function quoteLiteral(value: string): string {
  return value.includes('"') ? `'${value}'` : `"${value}"`;
}

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

export class SelectorParser {
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
export function toStringSet(values: readonly string[]): string[] {
  const sorted = [...values].sort(compareGoStrings);
  const out: string[] = [];
  for (const v of sorted) if (out.length === 0 || out[out.length - 1] !== v) out.push(v);
  return out;
}

export function isStringSet(values: readonly string[]): boolean {
  for (let i = 1; i < values.length; i++) {
    if (compareGoStrings(values[i - 1]!, values[i]!) >= 0) return false;
  }
  return true;
}
