/**
 * The selector string `kubectl get -l` takes, parsed as apimachinery's `labels.Parse` does
 * (kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/labels/selector.go: Lexer, Parser,
 * NewRequirement), into the `metav1.LabelSelector` the rest of the engine matches with.
 *
 *   selector    := "" | requirement ("," requirement)*
 *   requirement := ["!"] KEY [ ("=" | "==" | "!=") VALUE | ("in" | "notin") "(" VALUES ")" ]
 *
 * - Comma is AND; there is no OR. Spaces, tabs, CR and LF between tokens are ignored.
 * - `a` alone means Exists and `!a` DoesNotExist; `a!=b` and `a notin (b)` also match objects
 *   without `a` (selector.go `Requirement.Matches`).
 * - `a=` and `a in ()` mean the empty value; `in`/`notin` are keywords only in operator position,
 *   so `in in (in)` is a valid selector.
 * - Keys and values are validated as the API server validates labels.
 * - `>` and `<` (integer comparison) are valid for kubectl but a `metav1.LabelSelector`, which
 *   policies use, cannot express them, so they are rejected here with a message saying so.
 */
import type { LabelSelector, LabelSelectorRequirement } from './labels';
import { labelKeyProblem, labelValueProblem } from './parse/reader';

export type KubectlSelectorParseResult =
  { ok: true; selector: LabelSelector } | { ok: false; error: string; column: number };

type TokenKind =
  'identifier' | 'in' | 'notin' | '(' | ')' | ',' | '!' | '=' | '==' | '!=' | '>' | '<' | 'eof';

interface Token {
  readonly kind: TokenKind;
  readonly literal: string;
  /** 0-based offset of the token's first character. */
  readonly start: number;
}

/** selector.go `isWhitespace`. */
const isWhitespace = (c: number): boolean => c === 32 || c === 9 || c === 13 || c === 10;

/** selector.go `isSpecialSymbol`: these end an identifier wherever they appear. */
const isSpecialSymbol = (c: number): boolean =>
  c === 61 || c === 33 || c === 40 || c === 41 || c === 44 || c === 62 || c === 60; // = ! ( ) , > <

const SINGLE_SYMBOLS: Readonly<Record<string, TokenKind>> = {
  '=': '=',
  '!': '!',
  '(': '(',
  ')': ')',
  ',': ',',
  '>': '>',
  '<': '<',
};

/**
 * selector.go `Lexer`: the parser scans every token before parsing. Special symbols are read
 * greedily (`!=`, `==`, else one character); anything else up to whitespace or a special symbol is
 * an identifier, or the keyword `in`/`notin` when it is exactly that.
 */
function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  for (;;) {
    while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
    if (i >= text.length) {
      tokens.push({ kind: 'eof', literal: '', start: text.length });
      return tokens;
    }
    const start = i;
    const c = text.charCodeAt(i);
    if (isSpecialSymbol(c)) {
      const two = text.slice(i, i + 2);
      if (two === '==' || two === '!=') {
        tokens.push({ kind: two, literal: two, start });
        i += 2;
      } else {
        const one = text[i]!;
        tokens.push({ kind: SINGLE_SYMBOLS[one]!, literal: one, start });
        i++;
      }
      continue;
    }
    while (i < text.length) {
      const d = text.charCodeAt(i);
      if (isWhitespace(d) || isSpecialSymbol(d)) break;
      i++;
    }
    const word = text.slice(start, i);
    const kind: TokenKind = word === 'in' ? 'in' : word === 'notin' ? 'notin' : 'identifier';
    tokens.push({ kind, literal: word, start });
  }
}

class KubectlSelectorError extends Error {
  constructor(
    message: string,
    readonly index: number,
  ) {
    super(message);
  }
}

function describe(t: Token): string {
  return t.kind === 'eof' ? 'end of selector' : `"${t.literal}"`;
}

type ParsedOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | '=' | '!=';

interface ParsedRequirement {
  readonly key: string;
  readonly operator: ParsedOperator;
  /** Sorted and de-duplicated, as `sets.String.List()` returns them. */
  readonly values: readonly string[];
}

class KubectlSelectorParser {
  private pos = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  /**
   * selector.go `lookahead`/`consume`: where a value may stand (`Values` context), the keywords
   * `in` and `notin` are plain identifiers.
   */
  private peek(valuesContext: boolean): Token {
    const t = this.tokens[this.pos]!;
    return valuesContext && (t.kind === 'in' || t.kind === 'notin')
      ? { ...t, kind: 'identifier' }
      : t;
  }

  private next(valuesContext: boolean): Token {
    const t = this.peek(valuesContext);
    // Never step past 'eof', so a second read of it stays in bounds.
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  parse(): ParsedRequirement[] {
    const requirements: ParsedRequirement[] = [];
    let t = this.peek(true);
    if (t.kind === 'eof') return requirements;
    if (t.kind !== 'identifier' && t.kind !== '!') {
      throw new KubectlSelectorError(
        `found ${describe(t)}, expected a label key, "!" or the end of the selector`,
        t.start,
      );
    }
    for (;;) {
      requirements.push(this.parseRequirement());
      t = this.next(true);
      if (t.kind === 'eof') return requirements;
      if (t.kind !== ',') {
        throw new KubectlSelectorError(
          `found ${describe(t)}, expected "," or the end of the selector`,
          t.start,
        );
      }
      const after = this.peek(true);
      if (after.kind !== 'identifier' && after.kind !== '!') {
        throw new KubectlSelectorError(
          `found ${describe(after)}, expected a label key or "!" after ","`,
          after.start,
        );
      }
    }
  }

  private parseRequirement(): ParsedRequirement {
    let t = this.next(true);
    const negated = t.kind === '!';
    if (negated) t = this.next(true);
    if (t.kind !== 'identifier') {
      throw new KubectlSelectorError(`found ${describe(t)}, expected a label key`, t.start);
    }
    const key = t.literal;
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) throw new KubectlSelectorError(keyProblem, t.start);

    // selector.go `parseRequirement`: `!key` ends the requirement whatever follows (a following
    // operator is then reported as a misplaced token); a bare key before "," or the end is Exists.
    if (negated) return { key, operator: 'DoesNotExist', values: [] };
    const following = this.peek(true).kind;
    if (following === 'eof' || following === ',') return { key, operator: 'Exists', values: [] };

    const op = this.next(false);
    switch (op.kind) {
      case 'in':
      case 'notin':
        return { key, operator: op.kind === 'in' ? 'In' : 'NotIn', values: this.parseValues() };
      case '=':
      case '==':
      case '!=':
        return {
          key,
          operator: op.kind === '!=' ? '!=' : '=',
          values: [this.parseExactValue()],
        };
      case '>':
      case '<':
        throw new KubectlSelectorError(
          `"${op.kind}" (integer comparison) is not supported: kubectl accepts it, but a metav1.LabelSelector cannot express it`,
          op.start,
        );
      default:
        throw new KubectlSelectorError(
          `found ${describe(op)} after label key "${key}", expected an operator (=, ==, !=, in, notin), "," or the end of the selector`,
          op.start,
        );
    }
  }

  /** selector.go `parseValues` and `parseIdentifiersList`, including their empty-value rules. */
  private parseValues(): string[] {
    const open = this.next(true);
    if (open.kind !== '(') {
      throw new KubectlSelectorError(`found ${describe(open)}, expected "("`, open.start);
    }
    const first = this.peek(true);
    if (first.kind === ')') {
      // `in ()` is the set holding only the empty value.
      this.next(true);
      return [''];
    }
    if (first.kind !== 'identifier' && first.kind !== ',') {
      throw new KubectlSelectorError(
        `found ${describe(first)}, expected a value, "," or ")"`,
        first.start,
      );
    }
    const values = new Set<string>();
    // NewRequirement validates values only after the whole list has parsed, so syntax errors win.
    const valueTokens: Token[] = [];
    for (;;) {
      const t = this.next(true);
      if (t.kind === 'identifier') {
        valueTokens.push(t);
        values.add(t.literal);
        const after = this.peek(true);
        if (after.kind === ',') continue;
        if (after.kind === ')') break;
        throw new KubectlSelectorError(
          `found ${describe(after)}, expected "," or ")"`,
          after.start,
        );
      }
      if (t.kind === ',') {
        // A comma with nothing before or after it stands for the empty value: `(,a)`, `(a,)`, `(a,,b)`.
        if (values.size === 0) values.add('');
        const after = this.peek(true);
        if (after.kind === ')') {
          values.add('');
          break;
        }
        if (after.kind === ',') values.add('');
        continue;
      }
      throw new KubectlSelectorError(`found ${describe(t)}, expected a value or ","`, t.start);
    }
    this.next(true); // the ")"
    for (const t of valueTokens) this.checkValue(t);
    return [...values].sort();
  }

  /** selector.go `parseExactValue`: `a=` before "," or the end means the empty value. */
  private parseExactValue(): string {
    const t = this.peek(true);
    if (t.kind === 'eof' || t.kind === ',') return '';
    this.next(true);
    if (t.kind !== 'identifier') {
      throw new KubectlSelectorError(`found ${describe(t)}, expected a value`, t.start);
    }
    this.checkValue(t);
    return t.literal;
  }

  private checkValue(t: Token): void {
    const problem = labelValueProblem(t.literal);
    if (problem) throw new KubectlSelectorError(problem, t.start);
  }
}

function toLabelSelector(requirements: readonly ParsedRequirement[]): LabelSelector {
  const matchLabels: Record<string, string> = {};
  const matchExpressions: LabelSelectorRequirement[] = [];
  for (const r of requirements) {
    switch (r.operator) {
      case '=':
        // A second `k=v` for the same key cannot share matchLabels; as `k in (v)` it is the same test.
        if (Object.hasOwn(matchLabels, r.key)) {
          matchExpressions.push({ key: r.key, operator: 'In', values: r.values });
        } else {
          matchLabels[r.key] = r.values[0]!;
        }
        break;
      case '!=':
        // selector.go matches NotEquals exactly as NotIn: true when the key is absent.
        matchExpressions.push({ key: r.key, operator: 'NotIn', values: r.values });
        break;
      case 'Exists':
      case 'DoesNotExist':
        matchExpressions.push({ key: r.key, operator: r.operator });
        break;
      case 'In':
      case 'NotIn':
        matchExpressions.push({ key: r.key, operator: r.operator, values: r.values });
        break;
    }
  }
  return {
    ...(Object.keys(matchLabels).length > 0 ? { matchLabels } : {}),
    ...(matchExpressions.length > 0 ? { matchExpressions } : {}),
  };
}

/**
 * Parses a `kubectl get -l` selector. The empty string selects everything (`{}`). Errors carry the
 * 1-based column of the offending token, e.g. `found ")", expected a label key at column 7`.
 */
export function parseKubectlSelector(text: string): KubectlSelectorParseResult {
  try {
    const requirements = new KubectlSelectorParser(lex(text)).parse();
    return { ok: true, selector: toLabelSelector(requirements) };
  } catch (e) {
    if (e instanceof KubectlSelectorError) {
      const column = e.index + 1;
      return { ok: false, error: `${e.message} at column ${column}`, column };
    }
    throw e;
  }
}
