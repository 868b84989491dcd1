/**
 * Where an engine diagnostic goes in the editor's document. The engine reports 1-based
 * line:column positions (columns count UTF-16 code units, as JavaScript strings do, the same unit
 * CodeMirror offsets use); the editor wants document offsets. The text may have changed since the
 * engine looked at it (the user keeps typing while the worker answers), so every position is
 * clamped into the current document rather than dropped, and a position that names no line at all
 * goes on line 1 so the problem is still shown somewhere.
 */
import type { Diagnostic as EngineDiagnostic, Severity } from '../engine/model';

/** The lines of a document. CodeMirror's `Text` satisfies it, so does {@link linesOf}. */
export interface LineSource {
  /** How many lines (at least 1: an empty document has one empty line). */
  readonly lines: number;
  /** Line `n` (1-based): its start and end offsets (end excludes the line break) and its text. */
  line(n: number): { readonly from: number; readonly to: number; readonly text: string };
}

/**
 * The lines of a string, with offsets as CodeMirror counts them: it normalises every line break
 * (`\r\n`, `\r`, `\n`) to one character.
 */
export function linesOf(text: string): LineSource {
  const texts = text.split(/\r\n?|\n/);
  const starts: number[] = [];
  let offset = 0;
  for (const t of texts) {
    starts.push(offset);
    offset += t.length + 1;
  }
  return {
    lines: texts.length,
    line(n) {
      const text = texts[n - 1];
      if (text === undefined) throw new RangeError(`No line ${n} in a ${texts.length}-line text`);
      const from = starts[n - 1]!;
      return { from, to: from + text.length, text };
    },
  };
}

export interface ResolvedPosition {
  /** The 1-based line the position landed on. */
  readonly line: number;
  /** The 1-based column it landed on (may be one past the last character: the line's end). */
  readonly column: number;
  /** The document offset. */
  readonly offset: number;
  /** True when the requested line or column did not exist and was moved into the document. */
  readonly clamped: boolean;
}

const isPositiveInteger = (n: number): boolean => Number.isInteger(n) && n >= 1;

/**
 * The document offset of a 1-based line:column. A line that is not a positive integer (0, NaN, a
 * missing position) goes to line 1 column 1; a line past the end goes to the end of the document;
 * a column outside its line goes to the nearest end of that line.
 */
export function resolvePosition(doc: LineSource, line: number, column: number): ResolvedPosition {
  if (!isPositiveInteger(line)) {
    const first = doc.line(1);
    return { line: 1, column: 1, offset: first.from, clamped: true };
  }
  if (line > doc.lines) {
    const last = doc.line(doc.lines);
    return {
      line: doc.lines,
      column: last.text.length + 1,
      offset: last.to,
      clamped: true,
    };
  }
  const target = doc.line(line);
  const max = target.text.length + 1;
  if (!isPositiveInteger(column)) {
    return { line, column: 1, offset: target.from, clamped: true };
  }
  if (column > max) {
    return { line, column: max, offset: target.to, clamped: true };
  }
  return { line, column, offset: target.from + column - 1, clamped: false };
}

/**
 * The end (exclusive index into `text`) of the YAML token that starts at `index`: a quoted scalar up
 * to its closing quote (or the line's end when unclosed), otherwise the run of non-blank characters
 * without a trailing `:` or `,` (so `podSelector:` marks `podSelector`). A blank or the line's end
 * gives a one-character or empty range.
 */
export function tokenEnd(text: string, index: number): number {
  const start = Math.max(0, Math.min(index, text.length));
  const first = text[start];
  if (first === undefined) return start;
  if (first === '"' || first === "'") {
    let i = start + 1;
    while (i < text.length) {
      const c = text[i]!;
      if (first === '"' && c === '\\') {
        i += 2;
        continue;
      }
      if (c === first) {
        // '' inside a single-quoted scalar is an escaped quote, not the end.
        if (first === "'" && text[i + 1] === "'") {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return text.length;
  }
  if (/\s/.test(first)) return start + 1;
  let end = start;
  while (end < text.length && !/\s/.test(text[end]!)) end++;
  while (end - start > 1 && /[:,]/.test(text[end - 1]!)) end--;
  return end;
}

export interface DiagnosticRange extends ResolvedPosition {
  readonly from: number;
  readonly to: number;
}

/** The range to mark for a diagnostic at line:column: the token starting there. */
export function diagnosticRange(doc: LineSource, line: number, column: number): DiagnosticRange {
  const at = resolvePosition(doc, line, column);
  const { from: lineStart, text } = doc.line(at.line);
  const to = lineStart + tokenEnd(text, at.offset - lineStart);
  return { ...at, from: at.offset, to };
}

/** A diagnostic's text with the object and field it is about: `Kind ns/name: field.path: message`. */
export function diagnosticText(d: Pick<EngineDiagnostic, 'message' | 'object' | 'field'>): string {
  return `${d.object ? `${d.object}: ` : ''}${d.field ? `${d.field}: ` : ''}${d.message}`;
}

/** Shaped like `@codemirror/lint`'s Diagnostic, so it can be passed to `setDiagnostics` as is. */
export interface EditorDiagnostic {
  from: number;
  to: number;
  severity: Severity;
  message: string;
  source?: string;
}

/** The editor markers for engine diagnostics, in the same order, positions clamped into `doc`. */
export function toEditorDiagnostics(
  doc: LineSource,
  diagnostics: readonly EngineDiagnostic[],
): EditorDiagnostic[] {
  return diagnostics.map((d) => {
    // A diagnostic built outside the engine's types (a worker message) may lack its position.
    const pos = d.pos as EngineDiagnostic['pos'] | undefined;
    const { from, to } = diagnosticRange(doc, pos?.line ?? 0, pos?.column ?? 0);
    return { from, to, severity: d.severity, message: diagnosticText(d) };
  });
}

/** The line:column the problems list shows: the engine's own, or 1:1 when it names no place. */
export function reportedPosition(d: Pick<EngineDiagnostic, 'pos'>): {
  line: number;
  column: number;
} {
  const pos = d.pos as EngineDiagnostic['pos'] | undefined;
  const line = pos && isPositiveInteger(pos.line) ? pos.line : 1;
  const column = pos && line === pos.line && isPositiveInteger(pos.column) ? pos.column : 1;
  return { line, column };
}
