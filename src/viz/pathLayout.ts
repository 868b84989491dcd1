/**
 * The path-focused layout (the default picture): the nodes a walk touches drawn in full, the
 * source node left and the destination node right with the network between them; on those nodes
 * only the pods on the path (the others collapse into a "+3 pods" chip); nodes off the path
 * collapse into chips ("node-4 · 50 pods") that expand on demand. "Whole cluster" is the same
 * layout with every node and pod expanded.
 *
 * Pure: sizes come from the font size (11 px at scale 1, the legibility floor) and the panel's
 * size; the layout adapts instead of shrinking:
 * - a panel narrower than two node columns need (every layer, pod and veth name in full) stacks
 *   the destination node under the source node, the network between them;
 * - a panel shorter than the walk's picture gets the compact form (node name and address on one
 *   line, pod name and address on one line, lower layer rows, the segment and tunnel names on one
 *   line); what still does not fit is panned to, never scaled below the floor.
 * Every label is placed here, with its box, so a unit test can check that no two labels overlap,
 * and the packet's resting points (anchors) sit in a gutter column at the right of pods and
 * layers, never on text.
 */
import type { Scene, SceneNode, ScenePod } from '../scene/scene';
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
  /** The destination node under the source node (a narrow panel). */
  readonly stacked: boolean;
  /** The compact form (a short panel). */
  readonly compact: boolean;
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

/**
 * The path-focused layout of `scene` for a walk touching `focus`, in a panel of `o.width` ×
 * `o.height`: the regular form when the walk's picture fits the height, else the compact form.
 */
export function layoutPath(scene: Scene, focus: Focus, o: FocusOptions): FocusLayout {
  const regular = build(scene, focus, o, false);
  if (regular.focusBox.height <= o.height) return regular;
  const compact = build(scene, focus, o, true);
  return compact.focusBox.height < regular.focusBox.height ? compact : regular;
}

function build(scene: Scene, focus: Focus, o: FocusOptions, compact: boolean): FocusLayout {
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
  // The packet rests on a network box's left edge: its text starts after the marker's ring.
  const inset = Math.round(f);
  const M =
    columnItems > 0 ? Math.min(Math.max(widest + pad + inset, 6 * f), 12 * f + inset) : 2 * f;

  const shownPods = (node: SceneNode): readonly ScenePod[] =>
    whole || expanded.has(node.id) || !main.includes(node)
      ? node.pods
      : node.pods.filter((p) => focus.pods.has(p.id));
  // The width a node needs for its names to read in full: layers, pods, veths, its own name.
  const needWidth = (node: SceneNode): number => {
    const texts = [
      textWidth(node.name, fTitle) + (node.routeReflectorId ? textWidth('RR', f) + 2 * pad : 0),
      ...node.layers.map((l) => textWidth(l.label, f)),
      ...shownPods(node).flatMap((p) => [textWidth(p.name, f), textWidth(p.veth, f, true)]),
    ];
    return Math.ceil(Math.max(...texts) + 3 * pad + gutter + 1);
  };

  // Two nodes side by side with the network between when both fit at the width their names
  // need; else the destination node under the source node.
  const hasColumn = columnItems > 0 || main.length > 1;
  const between = hasColumn ? M + (main.length > 1 ? 2 : 1) * gapX : 0;
  const need = Math.max(10 * f, ...main.map(needWidth));
  const stacked = main.length > 1 && main.length * need + between > W - 2 * margin;
  const mesh = main.length > 1 && scene.sessions.some((x) => full.has(x.a) && full.has(x.b));
  // A stacked pair with a BGP session between its nodes keeps a lane at the left for the arc.
  const lane = stacked && mesh ? f : 0;
  const cols = stacked ? 1 : Math.max(1, main.length);
  const avail = stacked ? W - 2 * margin - lane : W - 2 * margin - between;
  const N = Math.floor(Math.min(Math.max(avail / cols, 10 * f), 32 * f));
  const rowWidth = stacked ? N + lane : cols * N + between;
  const left = margin + Math.max(0, (W - 2 * margin - rowWidth) / 2) + lane;

  const caption: Point = { x: margin, y: margin + f };
  const top = margin + line + pad;

  const layoutNode = (node: SceneNode, x: number, y: number): LaidNode => {
    const shown = shownPods(node);
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
    // Compact: the address on the name's line when both fit (the AS then goes in the tooltip).
    const ipW = textWidth(node.internalIP, f);
    const ipBeside = compact && nameW + f + ipW <= right - x - pad;
    if (
      !ipBeside &&
      node.as !== undefined &&
      textWidth(`AS ${node.as}`, f) + nameW + pad <= right - x - pad
    ) {
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
    if (ipBeside) {
      label({
        key: `${node.id}:ip`,
        owner: node.id,
        cls: 'node-address',
        text: node.internalIP,
        ...(node.as !== undefined ? { title: `${node.internalIP}, AS ${node.as}` } : {}),
        x: right,
        y: nameY,
        anchor: 'end',
      });
      right -= ipW + f;
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
    let hy = nameY + line;
    if (!ipBeside) {
      fitted({
        key: `${node.id}:ip`,
        owner: node.id,
        cls: 'node-address',
        full: node.internalIP,
        width: inner - gutter,
        x: x + pad,
        y: hy,
        anchor: 'start',
      });
      hy += line;
    }
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
      y: hy,
      anchor: 'start',
    });
    anchors[node.id] = { x: gx, y: nameY + line - f / 3 };
    owner[node.id] = node.id;

    let cy = hy + f * 0.3 + pad / 2;
    const pods = shown.map((p: ScenePod) => {
      const textW = inner - pad - gutter;
      const fullKey = `${p.namespace}/${p.name}`;
      const nameText = textWidth(fullKey, f) <= textW ? fullKey : p.name;
      // Compact: the pod's address on its name's line when both fit.
      const ipOnName =
        compact && textWidth(nameText, f) + f + textWidth(p.ip, f) <= textW
          ? nameText
          : compact && textWidth(p.name, f) + f + textWidth(p.ip, f) <= textW
            ? p.name
            : null;
      const rows = ipOnName !== null ? 2 : 3;
      const podH = rows * line + pad;
      const box = { x: x + pad, y: cy, width: inner, height: podH };
      const l1 = cy + pad / 2 + f;
      fitted({
        key: `${p.id}:name`,
        owner: p.id,
        cls: 'pod-name',
        full: ipOnName ?? nameText,
        title: `${p.key}, ${p.ip}`,
        width: ipOnName !== null ? textW - textWidth(p.ip, f) - f : textW,
        x: box.x + pad / 2,
        y: l1,
        anchor: 'start',
      });
      label({
        key: `${p.id}:ip`,
        owner: p.id,
        cls: 'pod-ip',
        text: p.ip,
        x: ipOnName !== null ? box.x + pad / 2 + textW : box.x + pad / 2,
        y: ipOnName !== null ? l1 : l1 + line,
        anchor: ipOnName !== null ? 'end' : 'start',
      });
      const vethY = l1 + (rows - 1) * line;
      fitted({
        key: `${p.id}:veth`,
        owner: p.id,
        id: p.vethId,
        cls: 'veth',
        full: p.veth,
        title: `host side of ${p.key}'s veth: ${p.veth}`,
        width: textW,
        x: box.x + pad / 2,
        y: vethY,
        anchor: 'start',
        mono: true,
      });
      anchors[p.id] = { x: gx, y: l1 - f / 3 };
      anchors[p.vethId] = { x: gx, y: vethY - f / 3 };
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
        // Only a detail that fits (an address is kept whole by abbreviate, even when too wide).
        if ((detail === l.detail || detail.length >= 8) && textWidth(detail, f) <= detailRoom)
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
      cy += layerH + layerGap;
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
  const gateways: LaidOut[] = [];
  const spines: LaidOut[] = [];
  let outside: LaidOut | null = null;
  const segments: LaidLine[] = [];
  const drawnSegs = scene.segments.filter((seg) => main.some((n) => seg.nodes.includes(n.name)));
  const segOf = (n: SceneNode) => drawnSegs.find((seg) => seg.nodes.includes(n.name));

  /** One network box of lines of text at (bx, by), `bw` wide. */
  const boxed = (
    id: string,
    texts: readonly string[],
    cls: readonly string[],
    bx: number,
    by: number,
    bw: number,
    title?: string,
  ): LaidOut => {
    const h = texts.length * line + pad;
    const box = { x: bx, y: by, width: bw, height: h };
    texts.forEach((t, i) =>
      fitted({
        key: `${id}:${i}`,
        owner: id,
        cls: cls[i] ?? 'box-detail',
        full: t,
        ...(title ? { title } : {}),
        width: bw - pad - inset,
        x: bx + (bw + inset - pad) / 2,
        y: by + pad / 2 + f + i * line,
        anchor: 'middle',
      }),
    );
    anchors[id] = { x: box.x, y: box.y + h / 2 };
    return { id, box };
  };
  /** The network's boxes in order (the outside, spines, gateways), each placed by `at`. */
  const networkBoxes = (at: (texts: readonly string[]) => { x: number; y: number }) => {
    if (showOutside) {
      const texts = wrap(`☁ ${scene.outside.label}`, M - pad - inset, f);
      const p = at(texts);
      outside = boxed(
        scene.outside.id,
        texts,
        ['box-title', 'box-title', 'box-title'],
        p.x,
        p.y,
        M,
      );
    }
    for (const x of spineList) {
      const texts = spineLines(x);
      const p = at(texts);
      spines.push(boxed(x.id, texts, ['box-title'], p.x, p.y, M));
    }
    for (const g of gws) {
      const texts = gwLines(g);
      const p = at(texts);
      gateways.push(
        boxed(
          g.id,
          texts,
          ['box-title'],
          p.x,
          p.y,
          M,
          g.kind === 'tor'
            ? `Top-of-rack switch ${g.name} (${g.ip}), AS ${g.as ?? ''}`
            : `The subnet's router ${g.ip}: routes node addresses, not pod ranges`,
        ),
      );
    }
  };
  /** A segment's line at `segY` across its members' drops and its gateway's riser. */
  const segmentAt = (
    seg: Scene['segments'][number],
    members: readonly LaidNode[],
    segY: number,
    riserX: number | null,
    labelAt: { x: number; y: number; anchor: 'start' | 'end'; width: number },
  ) => {
    const gw = gateways.find((g) => g.id === seg.gatewayId);
    const riser = gw && riserX !== null ? riserX : null;
    const xs = [...members.map((n) => n.drop.x), ...(riser !== null ? [riser] : [])];
    const x1 = Math.min(...xs);
    const x2 = Math.max(...xs);
    const start = Math.min(x1, ...members.map((n) => n.box.x + pad));
    const lines: (readonly [Point, Point])[] = [
      [
        { x: start, y: segY },
        { x: Math.max(x2, start + 4 * f), y: segY },
      ],
    ];
    if (gw && riser !== null) {
      const end = gw.box.y > segY ? gw.box.y : gw.box.y + gw.box.height;
      lines.push([
        { x: riser, y: segY },
        { x: riser, y: end },
      ]);
    }
    const anchor =
      members.length > 1 && members[0]!.drop.x !== members[1]!.drop.x
        ? { x: (members[0]!.drop.x + members[1]!.drop.x) / 2, y: segY }
        : members.length > 1
          ? { x: members[0]!.drop.x, y: segY }
          : { x: (x1 + x2) / 2, y: segY };
    segments.push({ id: seg.id, lines, anchor });
    anchors[seg.id] = anchor;
    fitted({
      key: `${seg.id}:label`,
      owner: seg.id,
      cls: 'segment-label',
      full: `L2 ${seg.subnet}`,
      title: `L2 segment ${seg.subnet}: ${seg.nodes.join(', ')}`,
      width: labelAt.width,
      x: labelAt.x,
      y: labelAt.y,
      anchor: labelAt.anchor,
    });
  };

  let y: number;
  let colX = left + N + gapX;
  if (!stacked) {
    // Side by side: source node, the network column, destination node; segments under the row.
    const mainX = main.map((_, i) => (i === 0 ? left : colX + M + gapX));
    main.forEach((n, i) => nodes.push(layoutNode(n, mainX[i]!, top)));
    let cy = top;
    networkBoxes((texts) => {
      const p = { x: colX, y: cy };
      cy += texts.length * line + pad + line;
      return p;
    });
    const rowBottom = Math.max(cy - line, ...nodes.map((n) => n.box.y + n.box.height));
    const segY = rowBottom + drop;
    nodes.forEach((n, i) => (nodes[i] = { ...n, drop: { x: n.exit.x, y: segY } }));
    drawnSegs.forEach((seg, si) => {
      const members = nodes.filter((n) => seg.nodes.includes(n.name));
      const riserX = drawnSegs.length > 1 ? colX + M * (si === 0 ? 0.3 : 0.7) : colX + M / 2;
      const rightSide = drawnSegs.length > 1 && si === 1;
      const m0 = members[0]!;
      segmentAt(seg, members, segY, riserX, {
        x: rightSide ? m0.box.x + m0.box.width : m0.box.x,
        y: segY + segDy,
        anchor: rightSide ? 'end' : 'start',
        width: N,
      });
    });
    y = segY + segDy + 4;
  } else {
    // Stacked: the source node on top, its segment under it, the network's boxes in a row that
    // wraps, the destination's segment (when it is another one) and the destination node.
    const [src, dst] = main as [SceneNode, SceneNode];
    const first = layoutNode(src, left, top);
    const gx = first.exit.x;
    const segA = segOf(src);
    const segB = segOf(dst);
    const segAY = first.box.y + first.box.height + drop;
    nodes.push({ ...first, drop: { x: gx, y: segAY } });
    let cy = segAY + segDy + pad;
    // The boxes keep clear of the destination's cable when it rises through their row.
    const rowRight = segA === segB ? gx - gutter : left + N;
    let bx = left;
    let rowH = 0;
    colX = left;
    networkBoxes((texts) => {
      const h = texts.length * line + pad;
      if (bx > left && bx + M > rowRight) {
        bx = left;
        cy += rowH + pad;
        rowH = 0;
      }
      const p = { x: bx, y: cy };
      bx += M + gapX;
      rowH = Math.max(rowH, h);
      return p;
    });
    const rowBottom = rowH > 0 ? cy + rowH : segAY + segDy;
    const segBY = segA === segB || !segB ? segAY : rowBottom + drop;
    const secondTop = segBY === segAY ? rowBottom + drop : segBY + segDy + pad;
    const second = layoutNode(dst, left, secondTop);
    // The destination's cable rises from its top to its segment.
    const exit2 = { x: second.exit.x, y: second.box.y };
    nodes.push({ ...second, exit: exit2, drop: { x: exit2.x, y: segBY } });
    const labelRoom = gx - gutter / 2 - 10 - left;
    const centerOf = (id: string | undefined) => {
      const g = gateways.find((x) => x.id === id);
      return g ? g.box.x + g.box.width / 2 : null;
    };
    if (segA)
      segmentAt(
        segA,
        nodes.filter((n) => segA.nodes.includes(n.name)),
        segAY,
        centerOf(segA.gatewayId),
        { x: left, y: segAY + segDy, anchor: 'start', width: labelRoom },
      );
    if (segB && segB !== segA)
      segmentAt(segB, [nodes[1]!], segBY, centerOf(segB.gatewayId), {
        x: left,
        y: segBY + segDy,
        anchor: 'start',
        width: labelRoom,
      });
    y = second.box.y + second.box.height + 4;
  }

  // Links and sessions between what is drawn.
  const centers: Record<string, Point> = {};
  for (const x of [...gateways, ...spines, ...(outside ? [outside as LaidOut] : [])])
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
    const na = laidById.get(x.a);
    const nb = laidById.get(x.b);
    if (na && nb && stacked) {
      // Along the left lane, from the upper node's lower left to the lower node's upper left.
      const [upper, lower] = na.box.y < nb.box.y ? [na, nb] : [nb, na];
      const a = { x: upper.box.x, y: upper.box.y + upper.box.height - line };
      const b = { x: lower.box.x, y: lower.box.y + line };
      const c = { x: upper.box.x - 2 * lane, y: (a.y + b.y) / 2 };
      const mid = { x: (a.x + 2 * c.x + b.x) / 4, y: c.y };
      anchors[x.id] = mid;
      return [
        {
          id: x.id,
          d: `M${fmt(a.x)},${fmt(a.y)}Q${fmt(c.x)},${fmt(c.y)} ${fmt(b.x)},${fmt(b.y)}`,
          mid,
        },
      ];
    }
    if (na && nb) {
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
    const node = na ?? nb;
    const other = [...gateways, ...spines].find((g) => g.id === (na ? x.b : x.a));
    if (node && other && !stacked) {
      // Side by side: straight across the gap between the node and its switch, at the switch's
      // middle, instead of through the node's box.
      const gy = Math.min(
        Math.max(other.box.y + other.box.height / 2, node.box.y + line),
        node.box.y + node.box.height - line,
      );
      const toRight = other.box.x > node.box.x;
      const a = { x: toRight ? node.box.x + node.box.width : node.box.x, y: gy };
      const b = { x: toRight ? other.box.x : other.box.x + other.box.width, y: gy };
      const mid = { x: (a.x + b.x) / 2, y: gy };
      anchors[x.id] = mid;
      return [{ id: x.id, d: `M${fmt(a.x)},${fmt(a.y)}L${fmt(b.x)},${fmt(b.y)}`, mid }];
    }
    const mid = { x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 };
    anchors[x.id] = mid;
    return [{ id: x.id, d: `M${fmt(p.x)},${fmt(p.y)}L${fmt(q.x)},${fmt(q.y)}`, mid }];
  });

  // The tunnel along what it rides on, its name on a line of its own (compact: beside the
  // segment's name when both fit).
  let tunnel: LaidLine | null = null;
  if (scene.tunnel && (whole || focus.network.has(scene.tunnel.id) || main.length > 0)) {
    const betweenGws: (readonly [Point, Point])[] = [];
    for (let i = 1; i < gateways.length; i++)
      betweenGws.push([centers[gateways[i - 1]!.id]!, centers[gateways[i]!.id]!]);
    const lines = scene.tunnel.crossSubnetOnly
      ? betweenGws
      : [...segments.map((x) => x.lines[0]!), ...betweenGws];
    if (lines.length > 0) {
      const first = lines[0]!;
      const anchor = scene.tunnel.crossSubnetOnly
        ? { x: first[0].x, y: (first[0].y + first[1].y) / 2 }
        : (segments[0]?.anchor ?? first[0]);
      tunnel = { id: scene.tunnel.id, lines, anchor };
      anchors[scene.tunnel.id] = anchor;
      const text = `⊂ ${scene.tunnel.label} ⊃`;
      const segLabel = !stacked && segments.length === 1 ? lastSegmentLabel(labels) : undefined;
      const besideX = segLabel ? segLabel.box.x + segLabel.box.width + f : 0;
      const beside =
        compact &&
        segLabel !== undefined &&
        segLabel.anchor === 'start' &&
        besideX + textWidth(text, f) <= W - margin;
      if (!beside) y += line;
      fitted({
        key: 'tunnel:label',
        owner: scene.tunnel.id,
        cls: 'tunnel-label',
        full: text,
        title: `${scene.tunnel.label}: device ${scene.tunnel.device} on every node`,
        width: beside ? W - margin - besideX : W - 2 * margin,
        x: beside ? besideX : margin,
        y: beside ? segLabel.y : y,
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

  // Chips for the nodes off the path, in rows that wrap (expanded ones are drawn in full below).
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
  [...gateways, ...spines, ...(outside ? [outside as LaidOut] : [])].forEach((b) => grow(b.box));
  chips.forEach((c) => grow(c.box));
  labels.forEach((l) => grow(l.box));
  return {
    width,
    height,
    fontSize: f,
    stacked,
    compact,
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

const lastSegmentLabel = (labels: readonly LaidLabel[]): LaidLabel | undefined =>
  [...labels].reverse().find((l) => l.cls === 'segment-label');
