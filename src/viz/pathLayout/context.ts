/**
 * The sizes a path layout is built from (all from the font size, the legibility floor at scale 1)
 * and what it has placed so far (labels, anchors, nodes, network boxes, chips), with the helpers
 * that place a label.
 */
import type { Scene } from '../../scene/scene';
import type { LaidLine, LaidNode, LaidOut, Point } from '../layout';
import { abbreviate, textWidth } from '../text';
import { MIN_FONT, type Focus, type FocusOptions, type LaidChip, type LaidLabel } from './types';

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
export const fmt = (n: number): string => String(Math.round(n * 10) / 10);

/** Words of `text` in lines no wider than `width` (a word wider than a line gets its own). */
export function wrap(text: string, width: number, font: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines[lines.length - 1];
    if (last !== undefined && textWidth(`${last} ${word}`, font) <= width)
      lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

type LabelSpec = Omit<LaidLabel, 'box' | 'fontSize'> & { fontSize?: number };
type FittedSpec = Omit<LaidLabel, 'box' | 'fontSize' | 'text'> & {
  full: string;
  width: number;
  fontSize?: number;
};

/** One build of the layout: its sizes, and everything placed so far. */
export interface Ctx {
  readonly scene: Scene;
  readonly focus: Focus;
  /** The compact form (a short panel). */
  readonly compact: boolean;
  readonly f: number;
  readonly fTitle: number;
  readonly line: number;
  readonly pad: number;
  readonly gutter: number;
  readonly margin: number;
  readonly gapX: number;
  readonly drop: number;
  readonly layerH: number;
  readonly layerGap: number;
  /** How far under a segment's line its name's baseline sits. */
  readonly segDy: number;
  /** The panel's width. */
  readonly W: number;
  readonly expanded: ReadonlySet<string>;
  readonly whole: boolean;

  readonly labels: LaidLabel[];
  readonly anchors: Record<string, Point>;
  readonly owner: Record<string, string>;
  readonly chips: LaidChip[];
  readonly nodes: LaidNode[];
  readonly gateways: LaidOut[];
  readonly spines: LaidOut[];
  outside: LaidOut | null;
  readonly segments: LaidLine[];
  /** Places a label, its box estimated from its text. */
  readonly label: (l: LabelSpec) => void;
  /** A label cut to `width`, with the full text as its title when cut. */
  readonly fitted: (l: FittedSpec) => void;
}

export function createCtx(scene: Scene, focus: Focus, o: FocusOptions, compact: boolean): Ctx {
  const s = o.fontScale ?? 1;
  const f = MIN_FONT * s;
  const fTitle = Math.round(f * 1.15 * 10) / 10;
  const line = Math.round(f * (compact ? 1.3 : 1.45));
  const pad = Math.round(f * 0.6);
  const gutter = Math.round(f * 2.1);
  const margin = Math.round(f * 0.8);
  const gapX = Math.round(f * 1.2);
  const drop = compact ? Math.round(line * 1.3) : line * 2;
  const layerH = compact ? line + 2 : line + 6;
  const layerGap = compact ? 2 : 3;
  // A segment's name sits under its line, below the packet's ring (radius 10) resting there.
  const segDy = Math.max(line, Math.ceil(f * 0.92 + 11));
  const W = Math.max(o.width, 1);
  const expanded = o.expanded ?? new Set<string>();
  const whole = o.whole === true;

  const labels: LaidLabel[] = [];
  const anchors: Record<string, Point> = {};
  const owner: Record<string, string> = {};
  const label = (l: LabelSpec) => {
    const fontSize = l.fontSize ?? f;
    const w = textWidth(l.text, fontSize, l.mono);
    const x0 = l.anchor === 'start' ? l.x : l.anchor === 'end' ? l.x - w : l.x - w / 2;
    labels.push({
      ...l,
      fontSize,
      box: { x: x0, y: l.y - fontSize * 0.92, width: w, height: fontSize * 1.18 },
    });
  };
  const fitted = (l: FittedSpec) => {
    const { full, width, ...rest } = l;
    const text = abbreviate(full, width, l.fontSize ?? f, l.mono);
    label({ ...rest, text, ...(text !== full && !rest.title ? { title: full } : {}) });
  };
  return {
    scene,
    focus,
    compact,
    f,
    fTitle,
    line,
    pad,
    gutter,
    margin,
    gapX,
    drop,
    layerH,
    layerGap,
    segDy,
    W,
    expanded,
    whole,
    labels,
    anchors,
    owner,
    chips: [],
    nodes: [],
    gateways: [],
    spines: [],
    outside: null,
    segments: [],
    label,
    fitted,
  };
}
