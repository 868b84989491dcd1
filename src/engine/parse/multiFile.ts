/**
 * Several manifest files in one scenario text. The app keeps a scenario as one text (the editor,
 * the URL); imported files are joined into it with a marker comment line before each file,
 *
 *   # --- file: pods.yaml ---
 *
 * and split back before loading, so each file keeps its own name and line numbers in diagnostics
 * (`pods.yaml:12:5`). A marker is a YAML comment, so the joined text is itself valid YAML and a
 * tool that ignores the markers (the smallest fix, an editor) still reads it. A text without
 * markers is one file, as before.
 */
import type { SourcePos } from '../model';
import type { ManifestFile } from './load';

const MARKER = /^# --- file: (.+?) ---[ \t]*\r?$/;
const MARKERS = /^# --- file: (.+?) ---[ \t]*\r?$/gm;

export const fileMarker = (name: string): string => `# --- file: ${name} ---`;

/** A file of a joined text, with the text line its first line is on (1-based). */
export interface ScenarioPart extends ManifestFile {
  readonly firstLine: number;
}

/**
 * Names a marker line cannot carry: a line break would end the marker, and a name ending in
 * " ---" would read back shorter.
 */
export function safeFileName(name: string): string {
  const flat = name.replace(/[\r\n]+/g, ' ').trim();
  return flat.replace(/( ---)+$/, '').trim() || 'untitled.yaml';
}

/**
 * The files as one text: each after its marker line, each ending with a newline. Documents stay
 * apart across files: a file that does not open with `---` starts a new document after the
 * marker because the previous file's last document ended with an explicit `---`.
 */
export function joinScenarioFiles(files: readonly ManifestFile[]): string {
  return uniqueNames(files)
    .map((f, i) => {
      const body = f.text.endsWith('\n') || f.text === '' ? f.text : `${f.text}\n`;
      // A marker is a comment inside the previous file's last document; the `---` line after it
      // ends that document, so every file's first document is its own.
      return `${i > 0 ? '---\n' : ''}${fileMarker(f.name)}\n${body}`;
    })
    .join('');
}

/** Safe names, a repeated one numbered (`a.yaml`, `a (2).yaml`), so a position names one file. */
export function uniqueNames<F extends ManifestFile>(files: readonly F[]): F[] {
  const used = new Set<string>();
  return files.map((f) => {
    const base = safeFileName(f.name);
    let name = base;
    for (let n = 2; used.has(name); n++) {
      const dot = base.lastIndexOf('.');
      name = dot > 0 ? `${base.slice(0, dot)} (${n})${base.slice(dot)}` : `${base} (${n})`;
    }
    used.add(name);
    return { ...f, name };
  });
}

/**
 * The files of a scenario text. Text before the first marker (when not blank) is `fallbackName`;
 * a file's lines are counted from its marker's next line. Without markers: the text as one file.
 */
export function splitScenarioText(text: string, fallbackName: string): ScenarioPart[] {
  MARKERS.lastIndex = 0;
  const marks = [...text.matchAll(MARKERS)];
  if (marks.length === 0) return [{ name: fallbackName, text, firstLine: 1 }];
  const parts: ScenarioPart[] = [];
  let line = 1;
  let at = 0;
  let name = fallbackName;
  const push = (end: number) => {
    const body = stripSeparator(text.slice(at, end));
    if (name !== fallbackName || body.trim() !== '')
      parts.push({ name, text: body, firstLine: line });
  };
  for (const m of marks) {
    push(m.index);
    line += countLines(text, at, m.index) + 1;
    name = m[1]!;
    at = m.index + m[0].length + (text[m.index + m[0].length] === '\n' ? 1 : 0);
  }
  push(text.length);
  return parts;
}

/** The `---` that `joinScenarioFiles` puts before a marker belongs to neither file. */
function stripSeparator(body: string): string {
  return body.replace(/(^|\n)---[ \t]*\r?\n?$/, '$1');
}

function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Whether a text holds file markers (a cheap test before splitting). */
export const hasFileMarkers = (text: string): boolean =>
  text.includes('# --- file: ') && text.split('\n').some((l) => MARKER.test(l));

/**
 * Where a position read from one of the split files is in the joined text: the editor shows the
 * joined text, the diagnostics name the file. Positions of other files are returned as they are.
 */
export function joinedPosition(
  parts: readonly ScenarioPart[],
  pos: SourcePos,
): { line: number; column: number } {
  const part = parts.find((p) => p.name === pos.file);
  return { line: part ? part.firstLine + pos.line - 1 : pos.line, column: pos.column };
}
