/**
 * The path-focused layout (the default picture): the nodes a walk touches drawn in full, the
 * source node left and the destination node right with the network between them; on those nodes
 * only the pods on the path (the others collapse into a "+3 pods" chip); nodes off the path
 * collapse into chips ("node-4 · 50 pods") that expand on demand. "Whole cluster" is the same
 * layout with every node and pod expanded.
 *
 * Pure: sizes come from the font size (11 px at scale 1, the legibility floor) and the panel's
 * width; the layout grows in height instead of shrinking. Every label is placed here, with its
 * box, so a unit test can check that no two labels overlap, and the packet's resting points
 * (anchors) sit in a gutter column at the right of pods and layers, never on text.
 */
import type { Scene, SceneNode, ScenePod } from '../datapath/scene';
import type { Box, LaidEdge, LaidLine, LaidNode, LaidOut, Point } from './layout';
import { abbreviate, textWidth } from './text';

/** The smallest font any topology label is drawn at (CSS px at zoom 1). */
export const MIN_FONT = 11;

export interface Focus {
  /** Node ids the walk touches, in the order it first touches them. */
  readonly nodes: readonly string[];
  /** Pod ids on the path (a hop at the pod or its veth). */
  readonly pods: ReadonlySet<string>;
  /** Other element ids on the path: segments, gateways, spines, the outside, the tunnel. */
  readonly network: ReadonlySet<string>;
}

export const NO_FOCUS: Focus = { nodes: [], pods: new Set(), network: new Set() };

/** What a walk touches, from the element ids of its hops' places (and their `via`). */
export function pathFocus(scene: Scene, ids: readonly string[]): Focus {
  const ownerOf = new Map<string, { node: string; pod?: string }>();
  for (const n of scene.nodes) {
    ownerOf.set(n.id, { node: n.id });
    if (n.routeReflectorId) ownerOf.set(n.routeReflectorId, { node: n.id });
    for (const l of n.layers) ownerOf.set(l.id, { node: n.id });
    for (const p of n.pods) {
      ownerOf.set(p.id, { node: n.id, pod: p.id });
      ownerOf.set(p.vethId, { node: n.id, pod: p.id });
    }
  }
  const nodes: string[] = [];
  const pods = new Set<string>();
  const network = new Set<string>();
  for (const id of ids) {
    const o = ownerOf.get(id);
    if (!o) {
      network.add(id);
      continue;
    }
    if (!nodes.includes(o.node)) nodes.push(o.node);
    if (o.pod) pods.add(o.pod);
  }
  return { nodes, pods, network };
}

export interface FocusOptions {
  readonly width: number;
  readonly height: number;
  /** Multiplies every font and size (presenter mode: 16/11). */
  readonly fontScale?: number;
  /** Off-path nodes drawn in full (expanded chips); a path node listed here shows all its pods. */
  readonly expanded?: ReadonlySet<string>;
  /** Every node and pod in full: the "Whole cluster" view. */
  readonly whole?: boolean;
}

export interface LaidLabel {
  /** Unique within the layout. */
  readonly key: string;
  /** The element whose group holds the label. */
  readonly owner: string;
  /** An element id the text itself stands for (a veth). */
  readonly id?: string;
  readonly cls: string;
  readonly text: string;
  /** The tooltip: the full name when abbreviated, or an explanation. */
  readonly title?: string;
  /** Baseline point. */
  readonly x: number;
  readonly y: number;
  readonly anchor: 'start' | 'middle' | 'end';
  readonly fontSize: number;
  readonly mono?: boolean;
  /** The label's extent (estimated, never smaller than drawn). */
  readonly box: Box;
}

export interface LaidChip {
  /** `chip:node:…` for a collapsed node, `chip:pods:…` for a node's collapsed pods. */
  readonly id: string;
  readonly kind: 'node' | 'pods';
  /** The node's id. */
  readonly node: string;
  readonly count: number;
  readonly expanded: boolean;
  readonly box: Box;
}

export interface FocusLayout {
  readonly width: number;
  readonly height: number;
  readonly fontSize: number;
  readonly nodes: readonly LaidNode[];
  readonly segments: readonly LaidLine[];
  readonly gateways: readonly LaidOut[];
  readonly spines: readonly LaidOut[];
  readonly outside: LaidOut | null;
  readonly links: readonly LaidEdge[];
  readonly sessions: readonly LaidEdge[];
  readonly tunnel: LaidLine | null;
  readonly note: LaidOut | null;
  readonly chips: readonly LaidChip[];
  readonly labels: readonly LaidLabel[];
  /** The baseline of the packet's caption line (outer headers, delivered, dropped). */
  readonly caption: Point;
  /** What the view frames when the drawing is larger than the panel: the walk's row. */
  readonly focusBox: Box;
  readonly anchors: Readonly<Record<string, Point>>;
  readonly owner: Readonly<Record<string, string>>;
}

export const nodeChipId = (nodeId: string): string => `chip:${nodeId}`;
export const podsChipId = (nodeId: string): string => `chip:pods:${nodeId}`;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const fmt = (n: number): string => String(Math.round(n * 10) / 10);

/** Words of `text` in lines no wider than `width` (a word wider than a line gets its own). */
function wrap(text: string, width: number, font: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines[lines.length - 1];
    if (last !== undefined && textWidth(`${last} ${word}`, font) <= width)
      lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

export function layoutPath(scene: Scene, focus: Focus, o: FocusOptions): FocusLayout {
  const s = o.fontScale ?? 1;
  const f = MIN_FONT * s;
  const fTitle = Math.round(f * 1.15 * 10) / 10;
  const line = Math.round(f * 1.45);
  const pad = Math.round(f * 0.6);
  const gutter = Math.round(f * 2.1);
  const margin = Math.round(f * 0.8);
  const gapX = Math.round(f * 1.2);
  const drop = line * 2;
  const W = Math.max(o.width, 1);
  const expanded = o.expanded ?? new Set<string>();
  const whole = o.whole === true;

  const labels: LaidLabel[] = [];
  const anchors: Record<string, Point> = {};
  const owner: Record<string, string> = {};
  const label = (l: Omit<LaidLabel, 'box' | 'fontSize'> & { fontSize?: number }) => {
    const fontSize = l.fontSize ?? f;
    const w = textWidth(l.text, fontSize, l.mono);
    const x0 = l.anchor === 'start' ? l.x : l.anchor === 'end' ? l.x - w : l.x - w / 2;
    labels.push({
      ...l,
      fontSize,
      box: { x: x0, y: l.y - fontSize * 0.92, width: w, height: fontSize * 1.18 },
    });
  };
  /** A label cut to `width`, with the full text as its title when cut. */
  const fitted = (
    l: Omit<LaidLabel, 'box' | 'fontSize' | 'text'> & {
      full: string;
      width: number;
      fontSize?: number;
    },
  ) => {
    const { full, width, ...rest } = l;
    const text = abbreviate(full, width, l.fontSize ?? f, l.mono);
    label({ ...rest, text, ...(text !== full && !rest.title ? { title: full } : {}) });
  };

  const byId = new Map(scene.nodes.map((n) => [n.id, n]));
  const pathNodes = focus.nodes.filter((id) => byId.has(id));
  const main = (pathNodes.length > 0 ? pathNodes : whole ? scene.nodes.map((n) => n.id) : [])
    .slice(0, 2)
    .map((id) => byId.get(id)!);
  const full = new Set(main.map((n) => n.id));
  const extra = scene.nodes.filter(
    (n) => !full.has(n.id) && (whole || expanded.has(n.id) || pathNodes.includes(n.id)),
  );
  for (const n of extra) full.add(n.id);

  // The network column: what the path crosses between the nodes.
  const onPath = (id: string) => whole || focus.network.has(id);
  const gws = scene.gateways.filter((g) => onPath(g.id));
  const spineList = scene.spines.filter((x) => onPath(x.id));
  const showOutside = onPath(scene.outside.id);
  const columnItems = gws.length + spineList.length + (showOutside ? 1 : 0);
  const gwLines = (g: Scene['gateways'][number]) => [
    g.kind === 'tor' ? `⇄ ${g.name}` : '⊕ router',
    g.ip,
    ...(g.as !== undefined ? [`AS ${g.as}`] : []),
  ];
  const spineLines = (x: Scene['spines'][number]) => [`⇅ ${x.name}`, `AS ${x.as}`];
  const widest = Math.max(
    0,
    ...gws.flatMap(gwLines).map((t) => textWidth(t, f)),
    ...spineList.flatMap(spineLines).map((t) => textWidth(t, f)),
    showOutside ? textWidth('☁ outside', f) : 0,
  );
  const M = columnItems > 0 ? Math.min(Math.max(widest + 2 * pad, 6 * f), 12 * f) : 2 * f;

  // Node width from the panel's width: two nodes side by side with the network between.
  const cols = Math.max(1, main.length);
  const hasColumn = columnItems > 0 || main.length > 1;
  const avail = W - 2 * margin - (hasColumn ? M + (main.length > 1 ? 2 : 1) * gapX : 0);
  const N = Math.floor(Math.min(Math.max(avail / cols, 10 * f), 32 * f));
  const rowWidth = cols * N + (hasColumn ? M + (main.length > 1 ? 2 : 1) * gapX : 0);
  const left = margin + Math.max(0, (W - 2 * margin - rowWidth) / 2);

  const caption: Point = { x: margin, y: margin + f };
  const top = margin + line + pad;

  const layoutNode = (node: SceneNode, x: number, y: number): LaidNode => {
    const allPods = whole || expanded.has(node.id) || !main.includes(node);
    const shown = allPods ? node.pods : node.pods.filter((p) => focus.pods.has(p.id));
    const hidden = node.pods.length - shown.length;
    const gx = x + N - pad - gutter / 2;
    const inner = N - 2 * pad;
    // Header: name (with the RR badge and AS at its right), address, pod ranges.
    const nameY = y + pad + fTitle;
    let right = x + N - pad - gutter;
    let badge: LaidOut | undefined;
    if (node.routeReflectorId) {
      const bw = textWidth('RR', f) + pad;
      const box = { x: right - bw, y: nameY - f, width: bw, height: f * 1.3 };
      badge = { id: node.routeReflectorId, box };
      label({
        key: `${node.id}:rr`,
        owner: node.routeReflectorId,
        cls: 'rr-label',
        text: 'RR',
        x: box.x + bw / 2,
        y: nameY,
        anchor: 'middle',
      });
      anchors[node.routeReflectorId] = { x: gx, y: nameY - f / 3 };
      owner[node.routeReflectorId] = node.id;
      right = box.x - pad / 2;
    }
    const nameW = textWidth(node.name, fTitle);
    if (node.as !== undefined && textWidth(`AS ${node.as}`, f) + nameW + pad <= right - x - pad) {
      label({
        key: `${node.id}:as`,
        owner: node.id,
        cls: 'node-as',
        text: `AS ${node.as}`,
        x: right,
        y: nameY,
        anchor: 'end',
      });
      right -= textWidth(`AS ${node.as}`, f) + pad;
    }
    fitted({
      key: `${node.id}:name`,
      owner: node.id,
      cls: 'node-name',
      full: node.name,
      width: right - x - pad,
      x: x + pad,
      y: nameY,
      anchor: 'start',
      fontSize: fTitle,
    });
    fitted({
      key: `${node.id}:ip`,
      owner: node.id,
      cls: 'node-address',
      full: node.internalIP,
      width: inner - gutter,
      x: x + pad,
      y: nameY + line,
      anchor: 'start',
    });
    const ranges = node.podRanges;
    const allRanges = `${ranges.caption} ${ranges.cidrs.join(', ')}`;
    // All ranges with their caption, else the first and how many more, else the ranges alone
    // (the caption and the explanation stay in the tooltip).
    const more = ranges.cidrs.length > 1 ? ` +${ranges.cidrs.length - 1}` : '';
    const rangeText =
      [allRanges, `${ranges.caption} ${ranges.cidrs[0]}${more}`, `${ranges.cidrs[0]}${more}`].find(
        (t) => textWidth(t, f) <= inner - gutter,
      ) ?? `${ranges.cidrs[0]}${more}`;
    fitted({
      key: `${node.id}:ranges`,
      owner: node.id,
      cls: 'node-cidr',
      full: rangeText,
      title: ranges.title,
      width: inner - gutter,
      x: x + pad,
      y: nameY + 2 * line,
      anchor: 'start',
    });
    anchors[node.id] = { x: gx, y: nameY + line - f / 3 };
    owner[node.id] = node.id;

    let cy = y + pad + 3 * line + pad / 2;
    const podH = 3 * line + pad;
    const pods = shown.map((p: ScenePod) => {
      const box = { x: x + pad, y: cy, width: inner, height: podH };
      const textW = inner - pad - gutter;
      const l1 = cy + pad / 2 + f;
      const fullKey = `${p.namespace}/${p.name}`;
      fitted({
        key: `${p.id}:name`,
        owner: p.id,
        cls: 'pod-name',
        full: textWidth(fullKey, f) <= textW ? fullKey : p.name,
        title: `${p.key}, ${p.ip}`,
        width: textW,
        x: box.x + pad / 2,
        y: l1,
        anchor: 'start',
      });
      label({
        key: `${p.id}:ip`,
        owner: p.id,
        cls: 'pod-ip',
        text: p.ip,
        x: box.x + pad / 2,
        y: l1 + line,
        anchor: 'start',
      });
      fitted({
        key: `${p.id}:veth`,
        owner: p.id,
        id: p.vethId,
        cls: 'veth',
        full: p.veth,
        title: `host side of ${p.key}'s veth: ${p.veth}`,
        width: textW,
        x: box.x + pad / 2,
        y: l1 + 2 * line,
        anchor: 'start',
        mono: true,
      });
      anchors[p.id] = { x: gx, y: l1 - f / 3 };
      anchors[p.vethId] = { x: gx, y: l1 + 2 * line - f / 3 };
      owner[p.id] = node.id;
      owner[p.vethId] = node.id;
      cy += podH + pad / 2;
      return { id: p.id, vethId: p.vethId, key: p.key, box };
    });
    if (hidden > 0) {
      const text = `+${plural(hidden, 'pod')}`;
      const box = { x: x + pad, y: cy, width: textWidth(text, f) + 2 * pad, height: line + 2 };
      chips.push({
        id: podsChipId(node.id),
        kind: 'pods',
        node: node.id,
        count: hidden,
        expanded: false,
        box,
      });
      label({
        key: `${node.id}:pods-chip`,
        owner: podsChipId(node.id),
        cls: 'chip-label',
        text,
        x: box.x + pad,
        y: box.y + (box.height + f) / 2 - 2,
        anchor: 'start',
      });
      cy += box.height + pad / 2;
    }
    const layerH = line + 6;
    const layers = node.layers.map((l) => {
      const box = { x: x + pad, y: cy, width: inner, height: layerH };
      const base = cy + (layerH + f) / 2 - 2;
      const room = inner - pad - gutter;
      const name = abbreviate(l.label, room, f);
      label({
        key: `${l.id}:label`,
        owner: l.id,
        cls: 'layer-label',
        text: name,
        title: `${l.label}: ${l.detail}`,
        x: box.x + pad / 2,
        y: base,
        anchor: 'start',
      });
      const detailRoom = room - textWidth(name, f) - f;
      if (detailRoom >= 5 * f) {
        const detail = abbreviate(l.detail, detailRoom, f);
        if (detail === l.detail || detail.length >= 8)
          label({
            key: `${l.id}:detail`,
            owner: l.id,
            cls: 'layer-detail',
            text: detail,
            x: box.x + box.width - gutter,
            y: base,
            anchor: 'end',
          });
      }
      anchors[l.id] = { x: gx, y: cy + layerH / 2 };
      owner[l.id] = node.id;
      cy += layerH + 3;
      return { id: l.id, kind: l.kind, box };
    });
    const box = { x, y, width: N, height: cy - y + pad };
    const exit = { x: gx, y: box.y + box.height };
    return {
      id: node.id,
      name: node.name,
      box,
      pods,
      layers,
      ...(badge ? { badge } : {}),
      exit,
      drop: exit,
    };
  };

  const chips: LaidChip[] = [];
  const nodes: LaidNode[] = [];
  const colX = left + N + gapX;
  const mainX = main.map((_, i) => (i === 0 ? left : colX + M + gapX));
  main.forEach((n, i) => nodes.push(layoutNode(n, mainX[i]!, top)));

  // The network column, top to bottom: the outside, spines, gateways.
  const gateways: LaidOut[] = [];
  const spines: LaidOut[] = [];
  let outside: LaidOut | null = null;
  let cy = top;
  const boxed = (id: string, texts: readonly string[], cls: string[], title?: string) => {
    const h = texts.length * line + pad;
    const box = { x: colX, y: cy, width: M, height: h };
    texts.forEach((t, i) =>
      fitted({
        key: `${id}:${i}`,
        owner: id,
        cls: cls[i] ?? 'box-detail',
        full: t,
        ...(title ? { title } : {}),
        width: M - 2 * pad,
        x: colX + M / 2,
        y: cy + pad / 2 + f + i * line,
        anchor: 'middle',
      }),
    );
    anchors[id] = { x: box.x, y: box.y + h / 2 };
    cy += h + line;
    return { id, box };
  };
  if (showOutside)
    outside = boxed(scene.outside.id, wrap(`☁ ${scene.outside.label}`, M - 2 * pad, f), [
      'box-title',
      'box-title',
      'box-title',
    ]);
  for (const x of spineList) spines.push(boxed(x.id, spineLines(x), ['box-title']));
  for (const g of gws)
    gateways.push(
      boxed(
        g.id,
        gwLines(g),
        ['box-title'],
        g.kind === 'tor'
          ? `Top-of-rack switch ${g.name} (${g.ip}), AS ${g.as ?? ''}`
          : `The subnet's router ${g.ip}: routes node addresses, not pod ranges`,
      ),
    );

  // Segments under the main row, with risers up to their gateways.
  const rowBottom = Math.max(cy - line, ...nodes.map((n) => n.box.y + n.box.height));
  const segY = rowBottom + drop;
  const segments: LaidLine[] = [];
  const drawnSegs = scene.segments.filter((seg) => main.some((n) => seg.nodes.includes(n.name)));
  const mainLaid = nodes.slice(0, main.length);
  const withDrop = (n: LaidNode): LaidNode => ({ ...n, drop: { x: n.exit.x, y: segY } });
  mainLaid.forEach((n, i) => (nodes[i] = withDrop(n)));
  drawnSegs.forEach((seg, si) => {
    const members = nodes.slice(0, main.length).filter((n) => seg.nodes.includes(n.name));
    const gw = gateways.find((g) => g.id === seg.gatewayId);
    const riserX = gw
      ? drawnSegs.length > 1
        ? colX + M * (si === 0 ? 0.3 : 0.7)
        : colX + M / 2
      : null;
    const xs = [...members.map((n) => n.drop.x), ...(riserX !== null ? [riserX] : [])];
    const x1 = Math.min(...xs);
    const x2 = Math.max(...xs);
    const lines: (readonly [Point, Point])[] = [
      [
        { x: Math.min(x1, members[0]!.box.x + pad), y: segY },
        { x: Math.max(x2, x1 + 4 * f), y: segY },
      ],
    ];
    if (gw && riserX !== null)
      lines.push([
        { x: riserX, y: segY },
        { x: riserX, y: gw.box.y + gw.box.height },
      ]);
    const anchor =
      members.length > 1
        ? { x: (members[0]!.drop.x + members[1]!.drop.x) / 2, y: segY }
        : { x: (x1 + x2) / 2, y: segY };
    segments.push({ id: seg.id, lines, anchor });
    anchors[seg.id] = anchor;
    const rightSide = drawnSegs.length > 1 && si === 1;
    const m0 = members[0]!;
    fitted({
      key: `${seg.id}:label`,
      owner: seg.id,
      cls: 'segment-label',
      full: `L2 ${seg.subnet}`,
      title: `L2 segment ${seg.subnet}: ${seg.nodes.join(', ')}`,
      width: N,
      x: rightSide ? m0.box.x + m0.box.width : m0.box.x,
      y: segY + line,
      anchor: rightSide ? 'end' : 'start',
    });
  });
  let y = segY + line + 4;

  // Links and sessions between what is drawn.
  const centers: Record<string, Point> = {};
  for (const x of [...gateways, ...spines, ...(outside ? [outside] : [])])
    centers[x.id] = { x: x.box.x + x.box.width / 2, y: x.box.y + x.box.height / 2 };
  const links: LaidEdge[] = scene.links.flatMap((l) => {
    const a = centers[l.a];
    const b = centers[l.b];
    if (!a || !b) return [];
    const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    anchors[l.id] = mid;
    return [{ id: l.id, d: `M${fmt(a.x)},${fmt(a.y)}L${fmt(b.x)},${fmt(b.y)}`, mid }];
  });
  const laidById = new Map(nodes.map((n) => [n.id, n]));
  const port = (id: string): Point | undefined => {
    const n = laidById.get(id);
    if (n) return { x: n.box.x + n.box.width * 0.3, y: n.box.y + n.box.height };
    const c = centers[id];
    const g = [...gateways, ...spines].find((x) => x.id === id);
    return c && g ? { x: g.box.x, y: c.y } : undefined;
  };
  const sessions: LaidEdge[] = scene.sessions.flatMap((x) => {
    const p = port(x.a);
    const q = port(x.b);
    if (!p || !q) return [];
    if (laidById.has(x.a) && laidById.has(x.b)) {
      const c = { x: (p.x + q.x) / 2, y: p.y + drop * 0.9 };
      const mid = { x: c.x, y: (p.y + c.y) / 2 };
      anchors[x.id] = mid;
      return [
        {
          id: x.id,
          d: `M${fmt(p.x)},${fmt(p.y)}Q${fmt(c.x)},${fmt(c.y)} ${fmt(q.x)},${fmt(q.y)}`,
          mid,
        },
      ];
    }
    const mid = { x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 };
    anchors[x.id] = mid;
    return [{ id: x.id, d: `M${fmt(p.x)},${fmt(p.y)}L${fmt(q.x)},${fmt(q.y)}`, mid }];
  });

  // The tunnel along what it rides on, its name on a line of its own.
  let tunnel: LaidLine | null = null;
  if (scene.tunnel && (whole || focus.network.has(scene.tunnel.id) || main.length > 0)) {
    const between: (readonly [Point, Point])[] = [];
    for (let i = 1; i < gateways.length; i++)
      between.push([centers[gateways[i - 1]!.id]!, centers[gateways[i]!.id]!]);
    const lines = scene.tunnel.crossSubnetOnly
      ? between
      : [...segments.map((x) => x.lines[0]!), ...between];
    if (lines.length > 0) {
      const first = lines[0]!;
      const anchor = scene.tunnel.crossSubnetOnly
        ? { x: first[0].x, y: (first[0].y + first[1].y) / 2 }
        : (segments[0]?.anchor ?? first[0]);
      tunnel = { id: scene.tunnel.id, lines, anchor };
      anchors[scene.tunnel.id] = anchor;
      y += line;
      fitted({
        key: 'tunnel:label',
        owner: scene.tunnel.id,
        cls: 'tunnel-label',
        full: `⊂ ${scene.tunnel.label} ⊃`,
        title: `${scene.tunnel.label}: device ${scene.tunnel.device} on every node`,
        width: W - 2 * margin,
        x: margin,
        y,
        anchor: 'start',
      });
    }
  }
  let note: LaidOut | null = null;
  if (scene.note) {
    y += line;
    const w = Math.min(textWidth(scene.note.label, f), W - 2 * margin);
    note = { id: scene.note.id, box: { x: margin, y: y - f, width: w, height: line } };
    anchors[note.id] = { x: margin + w / 2, y: y - f / 2 };
    fitted({
      key: 'note:label',
      owner: scene.note.id,
      cls: 'scene-note-label',
      full: scene.note.label,
      title: scene.note.title,
      width: W - 2 * margin,
      x: margin,
      y,
      anchor: 'start',
    });
  }
  const focusBottom = y + pad;

  // Chips for the nodes off the path (expanded ones are drawn in full below them).
  y += pad;
  let x = margin;
  let rowH = 0;
  if (!whole)
    for (const n of scene.nodes) {
      if (main.includes(n) || pathNodes.includes(n.id)) continue;
      const text = `${expanded.has(n.id) ? '▾' : '▸'} ${n.name} · ${plural(n.pods.length, 'pod')}`;
      const w = textWidth(text, f) + 2 * pad;
      const h = line + 4;
      if (x > margin && x + w > W - margin) {
        x = margin;
        y += rowH + pad / 2;
      }
      if (rowH === 0) y += 0;
      const box = { x, y, width: w, height: h };
      chips.push({
        id: nodeChipId(n.id),
        kind: 'node',
        node: n.id,
        count: n.pods.length,
        expanded: expanded.has(n.id),
        box,
      });
      label({
        key: `${n.id}:chip`,
        owner: nodeChipId(n.id),
        cls: 'chip-label',
        text,
        title: `${n.name} (${n.internalIP}): ${plural(n.pods.length, 'pod')}, off the path`,
        x: x + pad,
        y: y + (h + f) / 2 - 2,
        anchor: 'start',
      });
      x += w + pad;
      rowH = h;
    }
  if (rowH > 0) y += rowH + pad;

  // Expanded nodes (and the whole cluster's others): rows of full nodes below.
  const perRow = Math.max(1, Math.floor((W - 2 * margin + gapX) / (N + gapX)));
  let rowTop = y + pad;
  let rowMax = 0;
  extra.forEach((n, i) => {
    const col = i % perRow;
    if (col === 0 && i > 0) {
      rowTop += rowMax + gapX;
      rowMax = 0;
    }
    const laid = layoutNode(n, margin + col * (N + gapX), rowTop);
    nodes.push(laid);
    rowMax = Math.max(rowMax, laid.box.height);
  });
  if (extra.length > 0) y = rowTop + rowMax;

  // The extent: everything placed, plus the margin.
  let width = W;
  let height = y + margin;
  const grow = (b: Box) => {
    width = Math.max(width, b.x + b.width + margin);
    height = Math.max(height, b.y + b.height + margin);
  };
  nodes.forEach((n) => grow(n.box));
  [...gateways, ...spines, ...(outside ? [outside] : [])].forEach((b) => grow(b.box));
  chips.forEach((c) => grow(c.box));
  labels.forEach((l) => grow(l.box));
  return {
    width,
    height,
    fontSize: f,
    nodes,
    segments,
    gateways,
    spines,
    outside,
    links,
    sessions,
    tunnel,
    note,
    chips,
    labels,
    caption,
    focusBox: { x: 0, y: 0, width, height: Math.min(height, focusBottom) },
    anchors,
    owner,
  };
}
