/**
 * Text metrics without measuring: a conservative width per character (wider than Chromium's and
 * Firefox's sans-serif at the same size), so a label laid out to fit does fit once drawn. Labels
 * that do not fit are abbreviated at a word or segment boundary, never in the middle of a word.
 */

/** Average advance of one character, in em, for the proportional and the monospace face. */
const EM = { sans: 0.6, mono: 0.62 } as const;

/** The estimated width of `text` at `fontSize` (symbols outside Latin count as a full em). */
export function textWidth(text: string, fontSize: number, mono = false): number {
  let ems = 0;
  for (const ch of text) ems += ch.charCodeAt(0) > 0x2000 ? 1 : mono ? EM.mono : EM.sans;
  return ems * fontSize;
}

/** Where a label may be cut: after a space, a comma, a dash, a slash, a dot, an underscore. */
const BOUNDARY = /[\s,;:/_-]/;

/**
 * `text` if it fits `width`, else the longest prefix that ends at a word or segment boundary plus
 * `…`. A single word too long for the box keeps its whole first segment: a label reads in full or
 * stops at a boundary, never mid-word.
 */
export function abbreviate(text: string, width: number, fontSize: number, mono = false): string {
  if (textWidth(text, fontSize, mono) <= width) return text;
  let best = '';
  for (let i = 1; i < text.length; i++) {
    if (!BOUNDARY.test(text[i]!) && !BOUNDARY.test(text[i - 1]!)) continue;
    const head = text.slice(0, i).replace(/[\s,;:/_-]+$/, '');
    if (head.length === 0) continue;
    if (textWidth(`${head}…`, fontSize, mono) <= width) best = head;
    else break;
  }
  if (best) return `${best}…`;
  const first = text.split(BOUNDARY)[0] ?? text;
  return first.length < text.length ? `${first}…` : text;
}

/** Kept for callers that shorten to a width (now at a boundary, see `abbreviate`). */
export const fitText = (text: string, width: number, fontSize: number): string =>
  abbreviate(text, width, fontSize);
