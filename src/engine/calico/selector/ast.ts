/** The selector AST: plain data, structured-cloneable, so it can cross the worker boundary
 * (libcalico-go/lib/selector/parser/ast.go). */

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

export type Labels = Readonly<Record<string, string>>;
