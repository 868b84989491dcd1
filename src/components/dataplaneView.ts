/**
 * The Dataplane panel's list, as data: which lines of a node's dump show with some sections
 * collapsed, each line's place in the tree (level, position in its set), and the search matches.
 * Pure, so it is tested without a DOM; DataplanePanel.tsx draws it.
 */
import type { DumpLine } from '../engine/dumpLines';
import { formatRef, type SourcePos } from '../engine/model';
import type { ClusterView } from '../engine/clusterView';
import { hasFileMarkers, joinedPosition, splitScenarioText } from '../engine/parse/multiFile';

export interface TreeItem {
  /** Index of the line in the dump. */
  readonly line: number;
  /** 1: a section title or a line outside every section; 2: a line inside a section. */
  readonly level: 1 | 2;
  /** 1-based position among the items of its level in its parent, and how many there are. */
  readonly posinset: number;
  readonly setsize: number;
  /** For a section title: whether its lines show. */
  readonly expanded?: boolean;
}

/** Sections a dump opens collapsed: the long lists no walk points into. */
export const COLLAPSED_AT_FIRST: readonly string[] = ['filter/:', 'nat/:', 'identity'];

/** The items that show when `collapsed` sections hide their lines. */
export function treeItems(lines: readonly DumpLine[], collapsed: ReadonlySet<string>): TreeItem[] {
  // Sizes first: items at level 1, and lines in each section.
  let top = 0;
  const inSection = new Map<string, number>();
  for (const l of lines) {
    if (l.section === '' || l.kind === 'section') top++;
    else inSection.set(l.section, (inSection.get(l.section) ?? 0) + 1);
  }
  const items: TreeItem[] = [];
  let topPos = 0;
  let childPos = 0;
  lines.forEach((l, i) => {
    if (l.section === '' || l.kind === 'section') {
      childPos = 0;
      const section = l.kind === 'section';
      items.push({
        line: i,
        level: 1,
        posinset: ++topPos,
        setsize: top,
        ...(section ? { expanded: !collapsed.has(l.id) } : {}),
      });
      return;
    }
    childPos++;
    if (collapsed.has(l.section)) return;
    items.push({
      line: i,
      level: 2,
      posinset: childPos,
      setsize: inSection.get(l.section) ?? 0,
    });
  });
  return items;
}

/** Lines whose text contains `query` (case-insensitive), in order; none for a blank query. */
export function searchLines(lines: readonly DumpLine[], query: string): number[] {
  const q = query.trim().toLowerCase();
  if (q === '') return [];
  const out: number[] = [];
  lines.forEach((l, i) => {
    if (l.text.toLowerCase().includes(q)) out.push(i);
  });
  return out;
}

/** The text cut around each occurrence of `query` (case-insensitive): odd parts are matches. */
export function splitMatches(text: string, query: string): string[] {
  const q = query.trim().toLowerCase();
  if (q === '') return [text];
  const parts: string[] = [];
  const lower = text.toLowerCase();
  let from = 0;
  for (let at = lower.indexOf(q); at >= 0; at = lower.indexOf(q, from)) {
    parts.push(text.slice(from, at), text.slice(at, at + q.length));
    from = at + q.length;
  }
  parts.push(text.slice(from));
  return parts;
}

/** A word of a dump line, or the whitespace between two, cut around the search's matches. */
export interface LineWord {
  readonly space: boolean;
  readonly parts: readonly { readonly text: string; readonly match: boolean }[];
}

/**
 * A line as the panel shows it: its words (kept whole where they fit, the line wrapping between
 * them) and the whitespace between them as printed, each cut where `query` matches (a match may run
 * over several words). Joined again the parts are the line.
 */
export function lineWords(text: string, query: string): LineWord[] {
  // The matches as [from, to) ranges of the text.
  const matches: [number, number][] = [];
  let at = 0;
  splitMatches(text, query).forEach((part, i) => {
    if (i % 2 === 1) matches.push([at, at + part.length]);
    at += part.length;
  });
  const words: LineWord[] = [];
  let from = 0;
  for (const piece of text.split(/(\s+)/)) {
    if (piece === '') continue;
    const to = from + piece.length;
    // Cut at each match's ends that fall inside the piece.
    const cuts = new Set([from, to]);
    for (const [a, b] of matches) {
      if (a > from && a < to) cuts.add(a);
      if (b > from && b < to) cuts.add(b);
    }
    const points = [...cuts].sort((x, y) => x - y);
    const parts = points.slice(1).map((end, i) => {
      const start = points[i]!;
      return {
        text: text.slice(start, end),
        match: matches.some(([a, b]) => a <= start && end <= b),
      };
    });
    words.push({ space: /^\s/.test(piece), parts });
    from = to;
  }
  return words;
}

/** Where the policy a dump row names (`formatRef`: `NetworkPolicy shop/allow-web`) is written. */
export function policyPosition(cluster: ClusterView | null, ref: string): SourcePos | null {
  if (!cluster) return null;
  const all = [...cluster.k8sPolicies, ...cluster.ciliumPolicies, ...cluster.calicoPolicies];
  return all.find((p) => formatRef(p.ref) === ref)?.ref.pos ?? null;
}

/**
 * The policy written in the YAML document that holds `line` of `text` (documents split at `---`),
 * as formatRef prints it; null when that document is no policy. Asked at every cursor move and
 * keystroke in the editor.
 */
export function policyAtLine(
  cluster: ClusterView | null,
  text: string,
  line: number,
): string | null {
  if (!cluster) return null;
  const doc = documentLines(text, line);
  if (!doc) return null;
  const all = [...cluster.k8sPolicies, ...cluster.ciliumPolicies, ...cluster.calicoPolicies];
  // A text of imported files: the engine's lines are each file's own (scenarioFiles.ts).
  const parts = hasFileMarkers(text) ? splitScenarioText(text, '') : [];
  const found = all.find((p) => {
    const at = joinedPosition(parts, p.ref.pos).line;
    return at >= doc.first && at <= doc.last;
  });
  return found ? formatRef(found.ref) : null;
}

/**
 * The first and last line (1-based, inclusive) of the YAML document that holds `line` of `text`:
 * documents are split at lines that start with `---`, such a line closing the document before it;
 * lines end at CR LF, CR or LF. Null for a line past the text. One pass up to the end of that
 * document, making no line strings (splitting the 3.4 MB bench into its 200,000 lines was ~12 ms
 * at every cursor move).
 */
export function documentLines(text: string, line: number): { first: number; last: number } | null {
  if (line < 1) return null;
  let first = 1;
  let n = 1;
  let i = 0;
  for (;;) {
    const separator = text.startsWith('---', i);
    if (separator && n >= line) return { first, last: n };
    if (separator) first = n + 1;
    let end = i;
    while (end < text.length) {
      const c = text.charCodeAt(end);
      if (c === 10 || c === 13) break;
      end++;
    }
    if (end >= text.length) return n >= line ? { first, last: n } : null;
    i = end + (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? 2 : 1);
    n++;
  }
}
