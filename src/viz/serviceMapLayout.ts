/**
 * Where the service map's boxes and edges go (issue 17), as a pure function of the map and the
 * room: one column of boxes, the namespaces as labelled groups in name order and what is outside
 * them (world, nodes, unknown addresses) below, so the map reads in a drawer 300 to 640 px wide.
 * Edges are arcs beside the column (an arc diagram): those going down on the right, those going up
 * on the left, so a pair of workloads talking both ways shows as two arcs, one per side. Arcs nest
 * (a longer span bulges further and leaves its box higher, or enters it lower), and an edge's label
 * is placed only where it hides no box and no other label. Deterministic: the same map and room
 * give the same picture, nothing is simulated.
 */
import type { ServiceMapEdge } from '../datapath/flows/serviceMap';
import type { Box, DrawingSize, Point } from './layout';
import type { DrawnServiceMap, MapBox } from './serviceMapFold';
import { abbreviate, textWidth } from './text';

export type EdgeVerdict = 'forwarded' | 'dropped' | 'mixed' | 'error';

export interface MapLayoutOptions {
  /** The room's width in px; the layout is at least wide enough for its boxes. */
  readonly width: number;
  /** The labels' font size in px (the panel's, so the projector theme's larger type gets room). */
  readonly fontSize: number;
  /** The namespaces fold on a click (serviceMapFold.ts): an open group is named `▾ ns`, as its
   * folded box is `▸ ns`. */
  readonly foldable?: boolean;
}

export interface LaidGroup {
  readonly namespace: string;
  readonly box: Box;
  /** The namespace's name, shortened to the group's width. */
  readonly label: string;
}

export interface LaidMapBox {
  readonly id: string;
  readonly kind: MapBox['kind'];
  /** The box's namespace, or the folded namespace it stands for. */
  readonly namespace: string | undefined;
  readonly box: Box;
  /** `ns/name`, or the label of a box outside namespaces: the tooltip and the accessible name. */
  readonly title: string;
  /** The name as drawn, shortened to the box. */
  readonly name: string;
  /** Beside the name: `2 pods`, `Service`, `outside`; a folded namespace's `8 workloads`, or `8`
   * where the words do not fit (its count is always drawn). */
  readonly detail: string;
  /** The detail in words whatever is drawn (`8 workloads`): the tooltip and the accessible name. */
  readonly detailInFull: string;
}

export interface LaidLabel {
  readonly text: string;
  /** The label's box (its text is drawn centred in it). */
  readonly box: Box;
}

export interface LaidMapEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly side: 'left' | 'right' | 'loop';
  readonly verdict: EdgeVerdict;
  /** The arc as an SVG path, from the source to the target (the arrowhead at its end). */
  readonly d: string;
  /** The arc's farthest point from the column (its label is centred there). */
  readonly apex: Point;
  /**
   * Where a drop's ✕ goes when its line has no label: the apex, or further along the arc where it
   * covers no box, label or other ✕; null for a line with a label, a forwarded one, or one with no
   * free place (its dashes and its accessible name still say the drop).
   */
  readonly mark: Point | null;
  /** Ports (and both counts on a mixed edge), when there was room. */
  readonly label: LaidLabel | null;
}

export interface ServiceMapLayout extends DrawingSize {
  readonly groups: readonly LaidGroup[];
  readonly boxes: readonly LaidMapBox[];
  readonly edges: readonly LaidMapEdge[];
}

export function edgeVerdict(e: ServiceMapEdge): EdgeVerdict {
  const kinds = (e.forwarded > 0 ? 1 : 0) + (e.dropped > 0 ? 1 : 0) + (e.errors > 0 ? 1 : 0);
  if (kinds > 1) return 'mixed';
  if (e.dropped > 0) return 'dropped';
  if (e.errors > 0) return 'error';
  return 'forwarded';
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What an edge says in words: its counts, then its ports (the aria-label and the list's title). */
export function edgeCounts(e: ServiceMapEdge): string {
  const parts = [`${e.forwarded} forwarded`, `${e.dropped} dropped`];
  if (e.errors > 0) parts.push(`${e.errors} not walked`);
  return parts.join(', ');
}

/** `ns/name` for a box in a namespace, `namespace ns` for a folded one, its label otherwise. */
export const boxTitle = (b: MapBox): string =>
  b.kind === 'namespace'
    ? `namespace ${b.label}`
    : b.namespace !== undefined
      ? `${b.namespace}/${b.label}`
      : b.label;

/** The namespace a box is drawn under: its own, or the one a folded box stands for. */
const namespaceOf = (b: MapBox): string | undefined =>
  b.kind === 'namespace' ? b.label : b.namespace;

/** The name drawn in a box: a folded namespace's says it opens (▸). */
const drawnName = (b: MapBox): string => (b.kind === 'namespace' ? `▸ ${b.label}` : b.label);

function boxDetail(b: MapBox): string {
  switch (b.kind) {
    case 'namespace':
      return plural(b.members, 'workload');
    case 'workload':
      return plural(b.pods.length, 'pod');
    case 'service':
      return 'Service';
    case 'node':
      return 'node';
    case 'world':
      return 'outside';
    case 'unknown':
      return 'unknown';
  }
}

/** The edge's label, longest first: both counts when it is mixed, then its ports (three at most). */
function edgeTexts(e: ServiceMapEdge, verdict: EdgeVerdict): string[] {
  const ports =
    e.ports.length > 3
      ? `${e.ports.slice(0, 2).join(' ')} +${e.ports.length - 2}`
      : e.ports.join(' ');
  if (verdict === 'dropped') return ports ? [`✕ ${ports}`] : [];
  if (verdict !== 'mixed') return ports ? [ports] : [];
  const counts = [
    `${e.forwarded}✓`,
    `${e.dropped}✕`,
    ...(e.errors > 0 ? [`${e.errors}?`] : []),
  ].join(' ');
  return ports ? [`${counts} · ${ports}`, counts] : [counts];
}

const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const r1 = (n: number) => Math.round(n * 10) / 10;

export function layoutServiceMap(
  map: DrawnServiceMap,
  options: MapLayoutOptions,
): ServiceMapLayout {
  const fs = options.fontSize;
  if (!(fs > 0)) throw new Error(`layoutServiceMap: fontSize must be positive, got ${fs}`);
  const ids = new Set(map.boxes.map((b) => b.id));
  for (const e of map.edges)
    for (const end of [e.source, e.target])
      if (!ids.has(end))
        throw new Error(`service map (${map.cni}) edge ${e.id}: no box ${end} among its boxes`);

  const detailFs = fs * 0.85;
  // Box names are bold: wider than textWidth's estimate for regular type (DejaVu Sans Bold runs
  // ~12% wider), measured as if the type were that much larger.
  const bold = fs * 1.12;
  const minGutter = fs * 4;
  const minBox = fs * 7;
  const width = Math.max(options.width, minBox + 2 * minGutter);
  // One line per box (its name, then its pod count at the right), as wide as the longest needs
  // (up to 14 em): the rest is room for the arcs.
  const longest = Math.max(
    0,
    ...map.boxes.map(
      (b) => textWidth(drawnName(b), bold) + fs * 0.6 + textWidth(boxDetail(b), detailFs),
    ),
    ...map.namespaces.map((ns) => textWidth(`namespace ${ns}`, fs * 0.85)),
  );
  const wanted = Math.min(fs * 14, Math.max(minBox, longest + fs * 1.2));
  // Whole pixels, so the arcs start exactly on the boxes' sides.
  const gutter = Math.round(Math.max(minGutter, (width - wanted) / 2));
  const boxW = Math.round(width - 2 * gutter);
  const boxH = fs * 1.9;
  const boxGap = fs * 0.8;
  const groupPad = fs * 0.5;
  const groupHead = fs * 1.6;
  const groupGap = fs * 1.1;

  // The column: each namespace's boxes in the map's order (workloads, then Services), or its
  // folded box, in name order; then the boxes outside namespaces.
  const namespaces = [...new Set(map.boxes.flatMap((b) => namespaceOf(b) ?? []))].sort(byText);
  const ordered: MapBox[] = [
    ...namespaces.flatMap((ns) => map.boxes.filter((b) => namespaceOf(b) === ns)),
    ...map.boxes.filter((b) => namespaceOf(b) === undefined),
  ];
  const groups: LaidGroup[] = [];
  const boxes: LaidMapBox[] = [];
  let y = groupPad;
  let current: string | undefined;
  let groupTop = 0;
  const closeGroup = () => {
    if (current === undefined) return;
    groups.push({
      namespace: current,
      box: {
        x: gutter - groupPad,
        y: groupTop,
        width: boxW + 2 * groupPad,
        height: y - boxGap + groupPad - groupTop,
      },
      label: abbreviate(
        options.foldable ? `▾ ${current}` : `namespace ${current}`,
        boxW + 2 * groupPad - fs,
        detailFs,
      ),
    });
    y += groupPad + groupGap - boxGap;
  };
  for (const b of ordered) {
    if (b.namespace !== current) {
      closeGroup();
      current = b.namespace;
      if (current !== undefined) {
        groupTop = y;
        y += groupHead;
      }
    }
    // The pod count gives way when the name would run into it (the box's title still says it); a
    // folded namespace's count stays, as its bare number where the words do not fit (its tooltip and
    // accessible name say them).
    const full = boxDetail(b);
    const beside = (text: string) =>
      textWidth(drawnName(b), bold) + fs * 1.6 + textWidth(text, detailFs) <= boxW;
    const detail = beside(full) ? full : b.kind === 'namespace' ? String(b.members) : '';
    // A bare number needs less of a gap from the name than words do.
    const pad = detail === full ? fs * 1.6 : fs * 1.3;
    boxes.push({
      id: b.id,
      kind: b.kind,
      namespace: namespaceOf(b),
      box: { x: gutter, y, width: boxW, height: boxH },
      title: boxTitle(b),
      name: abbreviate(drawnName(b), boxW - pad - textWidth(detail, detailFs), bold),
      detail,
      detailInFull: full,
    });
    y += boxH + boxGap;
  }
  closeGroup();
  const height = Math.max(y - boxGap + groupPad, boxH + 2 * groupPad);

  const row = new Map(boxes.map((b, i) => [b.id, i]));

  // Where each arc meets its boxes: per box and side, arcs to boxes above enter at the top (the
  // nearest highest), arcs to boxes below at the bottom (the farthest highest), self-loops between:
  // so nested arcs do not cross where they meet a box.
  interface Arc {
    readonly edge: ServiceMapEdge;
    readonly side: 'left' | 'right' | 'loop';
    readonly upper: number;
    readonly lower: number;
  }
  const arcs: Arc[] = map.edges.map((edge) => {
    const s = row.get(edge.source)!;
    const t = row.get(edge.target)!;
    return {
      edge,
      side: s === t ? 'loop' : s < t ? 'right' : 'left',
      upper: Math.min(s, t),
      lower: Math.max(s, t),
    };
  });
  const slots = new Map<string, number>(); // `${arc id}|${row}` -> y
  for (const side of ['left', 'right'] as const) {
    for (let i = 0; i < boxes.length; i++) {
      const here = arcs.filter(
        (a) =>
          (a.side === side && (a.upper === i || a.lower === i)) ||
          (side === 'right' && a.side === 'loop' && a.upper === i),
      );
      const above = here
        .filter((a) => a.side !== 'loop' && a.lower === i)
        .sort((a, b) => b.upper - a.upper || byText(a.edge.id, b.edge.id));
      const loops = here.filter((a) => a.side === 'loop');
      const below = here
        .filter((a) => a.side !== 'loop' && a.upper === i)
        .sort((a, b) => b.lower - a.lower || byText(a.edge.id, b.edge.id));
      const order = [...above, ...loops, ...below];
      const box = boxes[i]!.box;
      const inset = fs * 0.35;
      const step = (box.height - 2 * inset) / (order.length + 1);
      order.forEach((a, k) => slots.set(`${a.edge.id}|${i}`, box.y + inset + step * (k + 1)));
    }
  }

  const maxBulge = gutter - fs * 0.4;
  const minBulge = Math.min(maxBulge, fs * 1.3);
  const maxSpan = Math.max(1, ...arcs.map((a) => a.lower - a.upper));
  const taken: Box[] = [
    ...boxes.map((b) => b.box),
    ...groups.map((g) => ({ ...g.box, height: groupHead })),
  ];
  const labelFs = detailFs;
  const labelH = labelFs * 1.3;

  // Labels go to the shorter arcs first: they have the least room.
  // Each arc's cubic (from x at y0, bulging to cx, to x at y1), to place a drop's ✕ along it.
  const curves = new Map<number, { x: number; cx: number; y0: number; y1: number }>();
  const laid = arcs.map((a, i): LaidMapEdge => {
    const e = a.edge;
    const verdict = edgeVerdict(e);
    const from = row.get(e.source)!;
    const to = row.get(e.target)!;
    const y0 = slots.get(`${e.id}|${from}`)!;
    if (a.side === 'loop') {
      const x = gutter + boxW;
      const s = fs * 0.9;
      return {
        id: e.id,
        source: e.source,
        target: e.target,
        side: 'loop',
        verdict,
        d: `M${r1(x)},${r1(y0 - s * 0.4)} C${r1(x + s * 2.2)},${r1(y0 - s * 1.3)} ${r1(x + s * 2.2)},${r1(y0 + s * 1.3)} ${r1(x)},${r1(y0 + s * 0.4)}`,
        apex: { x: r1(x + s * 1.65), y: r1(y0) },
        label: null,
        mark: null,
      };
    }
    const y1 = slots.get(`${e.id}|${to}`)!;
    const span = a.lower - a.upper;
    const bulge =
      maxBulge <= minBulge || maxSpan <= 1
        ? minBulge
        : minBulge + ((maxBulge - minBulge) * (span - 1)) / (maxSpan - 1);
    const x = a.side === 'right' ? gutter + boxW : gutter;
    const sign = a.side === 'right' ? 1 : -1;
    const cx = x + sign * bulge;
    curves.set(i, { x, cx, y0, y1 });
    return {
      id: e.id,
      source: e.source,
      target: e.target,
      side: a.side,
      verdict,
      d: `M${r1(x)},${r1(y0)} C${r1(cx)},${r1(y0)} ${r1(cx)},${r1(y1)} ${r1(x)},${r1(y1)}`,
      // The cubic's point at t = 0.5.
      apex: { x: r1(x + sign * bulge * 0.75), y: r1((y0 + y1) / 2) },
      label: null,
      mark: null,
    };
  });

  const order = laid
    .map((l, i) => ({ l, i, span: arcs[i]!.lower - arcs[i]!.upper, mixed: l.verdict === 'mixed' }))
    .filter((o) => o.l.side !== 'loop')
    .sort((a, b) => Number(b.mixed) - Number(a.mixed) || a.span - b.span || byText(a.l.id, b.l.id));
  // A drop's ✕ stays visible: another edge's label keeps off it.
  const marks = laid.map((l) => {
    const m = fs * 0.5;
    return l.verdict === 'forwarded'
      ? null
      : { x: l.apex.x - m, y: l.apex.y - m, width: 2 * m, height: 2 * m };
  });
  const labelled = [...laid];
  for (const { l, i } of order) {
    const fits = (text: string): LaidLabel | null => {
      const w = textWidth(text, labelFs) + labelFs * 0.6;
      const top = r1(l.apex.y - labelH / 2);
      // Centred on the apex, else shifted away from the column; never over a box, a
      // group's name, another label or another drop's ✕.
      // Or beyond the apex, away from the column, still on its own arc.
      const nudge = fs * 0.3;
      const xs = [l.apex.x - w / 2, l.side === 'left' ? l.apex.x + nudge - w : l.apex.x - nudge];
      for (const x0 of xs) {
        const x = Math.min(Math.max(x0, 1), width - w - 1);
        if (x > l.apex.x || x + w < l.apex.x) continue;
        const box: Box = { x: r1(x), y: top, width: r1(w), height: r1(labelH) };
        if (taken.some((t) => overlaps(t, box))) continue;
        if (marks.some((m, k) => k !== i && m !== null && overlaps(m, box))) continue;
        return { text, box };
      }
      return null;
    };
    for (const text of edgeTexts(arcs[i]!.edge, l.verdict)) {
      const label = fits(text);
      if (!label) continue;
      taken.push(label.box);
      labelled[i] = { ...l, label };
      break;
    }
  }

  return {
    width: r1(width),
    height: r1(height),
    fontSize: fs,
    groups,
    boxes,
    edges: placeMarks(labelled, curves, taken, fs),
  };
}

/** Where along its arc (the cubic's t) a drop's ✕ may go: the apex first, then further out. */
const MARK_TS = [0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78, 0.15, 0.85];

/**
 * A drop's ✕ (drawn where its line has no label) at its apex, or, when that covers a box, a label or
 * another ✕, the nearest point along its own arc that covers none; none if no point is free.
 */
function placeMarks(
  edges: readonly LaidMapEdge[],
  curves: ReadonlyMap<number, { x: number; cx: number; y0: number; y1: number }>,
  taken: readonly Box[],
  fs: number,
): LaidMapEdge[] {
  const m = fs * 0.5;
  const around = (p: Point): Box => ({ x: p.x - m, y: p.y - m, width: 2 * m, height: 2 * m });
  const placed: Box[] = [];
  return edges.map((e, i) => {
    if (e.label || (e.verdict !== 'dropped' && e.verdict !== 'mixed')) return { ...e, mark: null };
    const c = curves.get(i);
    const points = c
      ? MARK_TS.map((t) => ({
          x: r1(c.x + (c.cx - c.x) * 3 * t * (1 - t)),
          y: r1(c.y0 + (c.y1 - c.y0) * t * t * (3 - 2 * t)),
        }))
      : [e.apex];
    const free = points.find((p) => {
      const box = around(p);
      return !taken.some((t) => overlaps(t, box)) && !placed.some((t) => overlaps(t, box));
    });
    if (free) placed.push(around(free));
    return { ...e, mark: free ?? null };
  });
}
