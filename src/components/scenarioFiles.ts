/**
 * The editor shows the scenario as one text; a text joined from imported files
 * (engine/parse/multiFile.ts) loads as those files, so the engine's positions name a file and
 * its own line. These place them on the joined text's lines, keeping the file's for the label.
 */
import type { Diagnostic, SourcePos } from '../engine/model';
import { hasFileMarkers, joinedPosition, splitScenarioText } from '../engine/parse/multiFile';

export interface PlacedDiagnostic extends Diagnostic {
  /** Where the file itself has it, when the text holds several files. */
  readonly filePos?: SourcePos;
}

/** The diagnostics with `pos.line` a line of `text`; unchanged for a text without file markers. */
export function placeInText(
  text: string,
  diagnostics: readonly Diagnostic[],
): readonly PlacedDiagnostic[] {
  if (!hasFileMarkers(text)) return diagnostics;
  const parts = importedParts(text);
  return diagnostics.map((d) => {
    const pos = d.pos as SourcePos | undefined;
    if (!pos || !parts.some((p) => p.name === pos.file)) return d;
    const { line } = joinedPosition(parts, pos);
    return { ...d, pos: { ...pos, line }, filePos: pos };
  });
}

/** "pods.yaml:12:5" for a diagnostic placed from a file of a joined text, else null. */
export const fileLabel = (d: PlacedDiagnostic): string | null =>
  d.filePos ? `${d.filePos.file}:${d.filePos.line}:${d.filePos.column}` : null;

/** Where a position the engine read is in `text` (a file's own line moved to the joined text's). */
export function positionInText(text: string, pos: SourcePos): { line: number; column: number } {
  if (!hasFileMarkers(text)) return { line: pos.line, column: pos.column };
  return joinedPosition(importedParts(text), pos);
}

/** The marked files; text before the first marker is the scenario's own, counted from line 1. */
const importedParts = (text: string) => splitScenarioText(text, '').filter((p) => p.name !== '');
