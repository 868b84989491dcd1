/** The selector tokenizer (libcalico-go/lib/selector/tokenizer/tokenizer.go). */

export type TokenKind =
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

export interface Token {
  readonly kind: TokenKind;
  /** The label name, string literal contents or has() label; '' otherwise. */
  readonly value: string;
  /** 0-based offset of the token's first character. */
  readonly start: number;
}

export class SelectorSyntaxError extends Error {
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

export const OPERATOR_LIST = '==, !=, in, not in, contains, starts with, ends with';

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

export function tokenize(text: string): Token[] {
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
