/**
 * Pure layout for the topology: where each node's box goes in a panel. No DOM, no d3 selections, so
 * it is unit-tested and reused by the renderer and by hit-testing alike.
 */
import type { LayerKind, Scene } from '../datapath/scene';

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface NodeLayoutOptions {
  readonly width: number;
  readonly height: number;
  /** Space around and between boxes. */
  readonly gap?: number;
  /** Boxes never get narrower than this; more nodes wrap onto another row. */
  readonly minNodeWidth?: number;
}

/**
 * Lays `count` node boxes out in rows of equal width, as many per row as fit at `minNodeWidth`,
 * with the bottom quarter of the panel left for the network between nodes.
 */
export function layoutNodes(count: number, options: NodeLayoutOptions): Box[] {
  const { width, height, gap = 16, minNodeWidth = 160 } = options;
  if (count <= 0 || width <= 0 || height <= 0) return [];
  const perRow = Math.max(1, Math.min(count, Math.floor((width - gap) / (minNodeWidth + gap))));
  const rows = Math.ceil(count / perRow);
  const boxWidth = (width - gap * (perRow + 1)) / perRow;
  const usable = height * 0.75;
  const boxHeight = Math.max(0, (usable - gap * (rows + 1)) / rows);
  return Array.from({ length: count }, (_, i) => {
    const row = Math.floor(i / perRow);
    const col = i % perRow;
    return {
      x: gap + col * (boxWidth + gap),
      y: gap + row * (boxHeight + gap),
      width: boxWidth,
      height: boxHeight,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// The whole scene: nodes with their pods and host stack, the network between them
// ---------------------------------------------------------------------------------------------

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface LaidOut {
  readonly id: string;
  readonly box: Box;
}

export interface LaidNode extends LaidOut {
  readonly name: string;
  readonly pods: readonly (LaidOut & { readonly vethId: string; readonly key: string })[];
  readonly layers: readonly (LaidOut & { readonly kind: LayerKind })[];
  /** The route reflector badge, in route-reflector mode. */
  readonly badge?: LaidOut;
  /** Bottom centre of the box, where eth0 meets the cable. */
  readonly exit: Point;
  /** Where the node's cable meets its segment. */
  readonly drop: Point;
}

/** A line drawn as straight segments, with the point the packet stops at. */
export interface LaidLine {
  readonly id: string;
  readonly lines: readonly (readonly [Point, Point])[];
  readonly anchor: Point;
}

/** A curve or a line between two elements, as an SVG path. */
export interface LaidEdge {
  readonly id: string;
  readonly d: string;
  readonly mid: Point;
}

export interface SceneLayout {
  /** The drawing's own coordinate space: everything lies inside 0..width × 0..height. */
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly LaidNode[];
  readonly segments: readonly LaidLine[];
  readonly gateways: readonly LaidOut[];
  readonly spines: readonly LaidOut[];
  readonly outside: LaidOut;
  readonly links: readonly LaidEdge[];
  readonly sessions: readonly LaidEdge[];
  readonly tunnel: LaidLine | null;
  /**
   * Where the tunnel's label goes (its baseline): under the pipe's start on the segment, or, when
   * the tunnel runs only between subnets, right-aligned under the lowest gateway, where the
   * vertical pipe leaves no room beside it.
   */
  readonly tunnelLabel: (Point & { readonly anchor: 'middle' | 'end' }) | null;
  /** The scene's note (datapath Scene.note), one line under the lowest segment. */
  readonly note: LaidOut | null;
  /** Where the packet sits when it is at an element, for every element id. */
  readonly anchors: Readonly<Record<string, Point>>;
  /** For elements inside a node (pods, veths, layers, badges, the node itself): the node's id. */
  readonly owner: Readonly<Record<string, string>>;
}

/** Sizes in the drawing's units (CSS pixels at zoom 1). */
export const SIZES = {
  margin: 16,
  podW: 100,
  podH: 44,
  podGap: 6,
  headerH: 50,
  layerH: 20,
  layerGap: 4,
  nodePad: 8,
  minNodeW: 200,
  nodeGapX: 20,
  /** From a node's bottom to its segment's line; more when BGP arcs share the space. */
  drop: 30,
  dropWithSessions: 46,
  rowGap: 24,
  gatewayW: 124,
  gatewayH: 34,
  spineW: 84,
  spineH: 30,
  outsideW: 144,
  outsideH: 36,
  columnGap: 36,
  /** The note's line: its height, its gap below the last segment's label, its font size. */
  noteH: 14,
  noteGap: 14,
  noteFont: 10,
} as const;

const center = (b: Box): Point => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });
/** Network boxes hold the packet at their left edge, where the cables arrive, clear of the label. */
const leftEdge = (b: Box): Point => ({ x: b.x, y: b.y + b.height / 2 });
const chunk = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};
const fmt = (n: number): string => String(Math.round(n * 10) / 10);

/** Pods per row inside a node: more columns as the busiest node fills up. */
export function podColumns(maxPods: number): number {
  return maxPods <= 1 ? 1 : maxPods <= 4 ? 2 : maxPods <= 9 ? 3 : 4;
}

interface Metrics {
  readonly nodeW: number;
  readonly nodeH: number;
  readonly podCols: number;
  readonly drop: number;
}

function metrics(scene: Scene): Metrics {
  const S = SIZES;
  const maxPods = Math.max(0, ...scene.nodes.map((n) => n.pods.length));
  const maxLayers = Math.max(0, ...scene.nodes.map((n) => n.layers.length));
  const podCols = podColumns(maxPods);
  const podRows = Math.max(1, Math.ceil(maxPods / podCols));
  const nodeW = Math.max(S.minNodeW, podCols * S.podW + (podCols + 1) * S.podGap);
  const nodeH =
    S.headerH + podRows * (S.podH + S.podGap) + maxLayers * (S.layerH + S.layerGap) + S.nodePad;
  const drop = scene.sessions.some((s) => s.kind !== 'spine') ? S.dropWithSessions : S.drop;
  return { nodeW, nodeH, podCols, drop };
}

/** The node groups drawn as rows: one group per segment (subnet), in scene order. */
function groupsOf(scene: Scene): string[][] {
  const seen = new Set<string>();
  const groups = scene.segments.map((s) => {
    s.nodes.forEach((n) => seen.add(n));
    return [...s.nodes];
  });
  const rest = scene.nodes.filter((n) => !seen.has(n.name)).map((n) => n.name);
  if (rest.length > 0) groups.push(rest);
  return groups.filter((g) => g.length > 0);
}

/**
 * Lays the scene out for a panel of `size`: tries every number of nodes per row and keeps the one
 * that shows the drawing largest once fitted into the panel.
 */
export function layoutScene(scene: Scene, size: { width: number; height: number }): SceneLayout {
  const groups = groupsOf(scene);
  const widest = Math.max(1, ...groups.map((g) => g.length));
  let best: SceneLayout | null = null;
  let bestScale = -1;
  for (let perRow = 1; perRow <= widest; perRow++) {
    const layout = layoutWith(scene, groups, perRow);
    const scale = Math.min(size.width / layout.width, size.height / layout.height);
    // Prefer fewer rows on a tie: the network reads better flat.
    if (scale > bestScale + 1e-9 || (Math.abs(scale - bestScale) <= 1e-9 && best === null)) {
      best = layout;
      bestScale = scale;
    }
  }
  return best ?? layoutWith(scene, groups, 1);
}

function layoutWith(scene: Scene, groups: readonly string[][], perRow: number): SceneLayout {
  const S = SIZES;
  const m = metrics(scene);
  const byName = new Map(scene.nodes.map((n) => [n.name, n]));
  const left = S.margin;
  const cols = Math.min(perRow, Math.max(1, ...groups.map((g) => g.length)));
  const rowsRight = left + cols * m.nodeW + (cols - 1) * S.nodeGapX;
  const joinX = rowsRight + S.columnGap / 2;
  const gatewayX = rowsRight + S.columnGap;
  const spineX = gatewayX + S.gatewayW + S.columnGap;
  const hasSpines = scene.spines.length > 0;
  const outsideX = hasSpines ? spineX + (S.spineW - S.outsideW) / 2 : gatewayX;

  const anchors: Record<string, Point> = {};
  const owner: Record<string, string> = {};
  const nodes: LaidNode[] = [];
  const segments: LaidLine[] = [];
  const gateways: LaidOut[] = [];
  const segmentLines: (readonly [Point, Point])[] = [];

  // The outside sits on top of the rightmost column; the rows start below it when they would
  // reach into that column's top.
  const outside: LaidOut = {
    id: scene.outside.id,
    box: { x: outsideX, y: S.margin, width: S.outsideW, height: S.outsideH },
  };
  anchors[outside.id] = center(outside.box);

  let y = S.margin;
  groups.forEach((group, gi) => {
    const rows = chunk(group, perRow);
    const segYs: number[] = [];
    const lines: (readonly [Point, Point])[] = [];
    let anchor: Point | null = null;
    rows.forEach((row, ri) => {
      const segY = y + m.nodeH + m.drop;
      segYs.push(segY);
      row.forEach((name, i) => {
        const node = byName.get(name);
        if (!node) return;
        const box: Box = {
          x: left + i * (m.nodeW + S.nodeGapX),
          y,
          width: m.nodeW,
          height: m.nodeH,
        };
        nodes.push(layoutNode(node, box, m, segY));
      });
      const firstX = left + m.nodeW / 2;
      const lastX = left + (row.length - 1) * (m.nodeW + S.nodeGapX) + m.nodeW / 2;
      const startX = left + 8;
      const endX = ri === 0 ? gatewayX : joinX;
      lines.push([
        { x: startX, y: segY },
        { x: endX, y: segY },
      ]);
      if (ri === 0)
        anchor =
          row.length > 1
            ? { x: (firstX + lastX) / 2, y: segY }
            : { x: (firstX + joinX) / 2, y: segY };
      y = segY + S.rowGap + (ri < rows.length - 1 || gi < groups.length - 1 ? 0 : 0);
    });
    if (segYs.length > 1)
      lines.push([
        { x: joinX, y: segYs[0]! },
        { x: joinX, y: segYs[segYs.length - 1]! },
      ]);
    const seg = scene.segments[gi];
    const id = seg?.id ?? `segment:${gi}`;
    if (seg) {
      segments.push({ id, lines, anchor: anchor! });
      anchors[id] = anchor!;
      segmentLines.push(...lines);
      const gw = scene.gateways.find((g) => g.id === seg.gatewayId);
      if (gw && !gateways.some((g) => g.id === gw.id)) {
        const box: Box = {
          x: gatewayX,
          y: Math.max(segYs[0]! - S.gatewayH / 2, S.margin + S.outsideH + 12),
          width: S.gatewayW,
          height: S.gatewayH,
        };
        gateways.push({ id: gw.id, box });
        anchors[gw.id] = leftEdge(box);
      }
    }
  });
  // Gateways no segment uses (none today) go below the last one.
  for (const gw of scene.gateways) {
    if (gateways.some((g) => g.id === gw.id)) continue;
    const last = gateways[gateways.length - 1];
    const box: Box = {
      x: gatewayX,
      y: last ? last.box.y + S.gatewayH + 16 : S.margin + S.outsideH + 12,
      width: S.gatewayW,
      height: S.gatewayH,
    };
    gateways.push({ id: gw.id, box });
    anchors[gw.id] = leftEdge(box);
  }

  // Spines: a column right of the ToRs, spread over their height.
  const spines: LaidOut[] = [];
  if (hasSpines) {
    const top = Math.max(gateways[0]?.box.y ?? 0, S.margin + S.outsideH + 16);
    const bottom = Math.max(
      (gateways[gateways.length - 1]?.box.y ?? top) + S.gatewayH,
      top + scene.spines.length * (S.spineH + 16),
    );
    const step = (bottom - top) / scene.spines.length;
    scene.spines.forEach((s, i) => {
      const box: Box = {
        x: spineX,
        y: top + i * step + (step - S.spineH) / 2,
        width: S.spineW,
        height: S.spineH,
      };
      spines.push({ id: s.id, box });
      anchors[s.id] = leftEdge(box);
    });
  }

  for (const n of nodes) {
    anchors[n.id] = { x: n.box.x + n.box.width / 2, y: n.box.y + 16 };
    owner[n.id] = n.id;
    for (const p of n.pods) {
      anchors[p.id] = center(p.box);
      anchors[p.vethId] = { x: p.box.x + p.box.width / 2, y: p.box.y + p.box.height - 6 };
      owner[p.id] = n.id;
      owner[p.vethId] = n.id;
    }
    for (const l of n.layers) {
      anchors[l.id] = center(l.box);
      owner[l.id] = n.id;
    }
    if (n.badge) {
      anchors[n.badge.id] = center(n.badge.box);
      owner[n.badge.id] = n.id;
    }
  }

  const nodeById = new Map(nodes.map((n) => [n.id, n]));
  // Lines between network boxes run centre to centre (the boxes are drawn over their ends).
  const centers: Record<string, Point> = {};
  for (const x of [...gateways, ...spines, outside]) centers[x.id] = center(x.box);
  const links: LaidEdge[] = scene.links.flatMap((l) => {
    const a = centers[l.a] ?? anchors[l.a];
    const b = centers[l.b] ?? anchors[l.b];
    if (!a || !b) return [];
    const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    anchors[l.id] = mid;
    return [{ id: l.id, d: `M${fmt(a.x)},${fmt(a.y)}L${fmt(b.x)},${fmt(b.y)}`, mid }];
  });

  const sessions: LaidEdge[] = scene.sessions.flatMap((s) => {
    const edge = sessionEdge(s.id, s.a, s.b, nodeById, centers, m);
    if (edge) anchors[s.id] = edge.mid;
    return edge ? [edge] : [];
  });

  let tunnel: LaidLine | null = null;
  let tunnelLabel: SceneLayout['tunnelLabel'] = null;
  if (scene.tunnel) {
    const between: (readonly [Point, Point])[] = [];
    for (let i = 1; i < gateways.length; i++) {
      const a = center(gateways[i - 1]!.box);
      const b = center(gateways[i]!.box);
      between.push([a, b]);
    }
    const lines = scene.tunnel.crossSubnetOnly ? between : [...segmentLines, ...between];
    const first = segments[0]?.anchor ?? anchors[outside.id]!;
    const anchor =
      scene.tunnel.crossSubnetOnly && between[0]
        ? { x: between[0][0].x, y: (between[0][0].y + between[0][1].y) / 2 }
        : { x: first.x, y: first.y };
    tunnel = { id: scene.tunnel.id, lines, anchor };
    anchors[scene.tunnel.id] = anchor;
    const lowest = gateways[gateways.length - 1];
    tunnelLabel =
      scene.tunnel.crossSubnetOnly && between[0] && lowest
        ? {
            x: lowest.box.x + lowest.box.width,
            y: lowest.box.y + lowest.box.height + 14,
            anchor: 'end',
          }
        : { x: anchor.x, y: anchor.y + 22, anchor: 'middle' };
  }

  // The note: a line of text at the left, below the last segment's label (and the tunnel's).
  let note: LaidOut | null = null;
  if (scene.note) {
    const box: Box = {
      x: left,
      y: Math.max(y + S.noteGap, (tunnelLabel?.y ?? 0) + 6),
      width: scene.note.label.length * S.noteFont * 0.6,
      height: S.noteH,
    };
    note = { id: scene.note.id, box };
    anchors[note.id] = center(box);
  }

  // The drawing's extent: everything placed, plus the margin.
  let width = 0;
  let height = 0;
  const grow = (b: Box) => {
    width = Math.max(width, b.x + b.width);
    height = Math.max(height, b.y + b.height);
  };
  for (const n of nodes) grow(n.box);
  for (const x of [...gateways, ...spines, outside]) grow(x.box);
  if (note) grow(note.box);
  if (tunnelLabel) height = Math.max(height, tunnelLabel.y + 4);
  for (const seg of segments)
    for (const [a, b] of seg.lines)
      grow({
        x: Math.min(a.x, b.x),
        y: Math.min(a.y, b.y),
        width: Math.abs(a.x - b.x),
        height: Math.abs(a.y - b.y) + 10,
      });
  return {
    width: width + S.margin,
    height: height + S.margin,
    nodes,
    segments,
    gateways,
    spines,
    outside,
    links,
    sessions,
    tunnel,
    tunnelLabel,
    note,
    anchors,
    owner,
  };
}

function layoutNode(node: Scene['nodes'][number], box: Box, m: Metrics, segY: number): LaidNode {
  const S = SIZES;
  const podsTop = box.y + S.headerH;
  const pods = node.pods.map((p, i) => {
    const col = i % m.podCols;
    const row = Math.floor(i / m.podCols);
    return {
      id: p.id,
      vethId: p.vethId,
      key: p.key,
      box: {
        x: box.x + S.podGap + col * (S.podW + S.podGap),
        y: podsTop + row * (S.podH + S.podGap),
        width: S.podW,
        height: S.podH,
      },
    };
  });
  const layersBottom = box.y + box.height - S.nodePad;
  const count = node.layers.length;
  const layers = node.layers.map((l, i) => ({
    id: l.id,
    kind: l.kind,
    box: {
      x: box.x + S.podGap,
      y: layersBottom - (count - i) * (S.layerH + S.layerGap) + S.layerGap,
      width: box.width - 2 * S.podGap,
      height: S.layerH,
    },
  }));
  const exit = { x: box.x + box.width / 2, y: box.y + box.height };
  return {
    id: node.id,
    name: node.name,
    box,
    pods,
    layers,
    ...(node.routeReflectorId
      ? {
          badge: {
            id: node.routeReflectorId,
            box: { x: box.x + box.width - 34, y: box.y + 6, width: 28, height: 18 },
          },
        }
      : {}),
    exit,
    drop: { x: exit.x, y: segY },
  };
}

/** BGP sessions: arcs under the nodes of a row, brackets along the left edge between rows. */
function sessionEdge(
  id: string,
  a: string,
  b: string,
  nodes: ReadonlyMap<string, LaidNode>,
  centers: Readonly<Record<string, Point>>,
  m: Metrics,
): LaidEdge | null {
  const port = (n: LaidNode): Point => ({
    x: n.box.x + n.box.width * 0.3,
    y: n.box.y + n.box.height,
  });
  const na = nodes.get(a);
  const nb = nodes.get(b);
  if (na && nb) {
    const p = port(na);
    const q = port(nb);
    if (Math.abs(p.y - q.y) < 1) {
      const depth = Math.min(m.drop - 6, 8 + Math.abs(p.x - q.x) * 0.04);
      const c = { x: (p.x + q.x) / 2, y: p.y + depth * 2 };
      const mid = {
        x: 0.25 * p.x + 0.5 * c.x + 0.25 * q.x,
        y: 0.25 * p.y + 0.5 * c.y + 0.25 * q.y,
      };
      return {
        id,
        d: `M${fmt(p.x)},${fmt(p.y)}Q${fmt(c.x)},${fmt(c.y)} ${fmt(q.x)},${fmt(q.y)}`,
        mid,
      };
    }
    // Different rows: from the upper node's bottom down to the lower node's top.
    const [up, down] = p.y < q.y ? [na, nb] : [nb, na];
    const pu = port(up);
    const pd = { x: down.box.x + down.box.width * 0.3, y: down.box.y };
    const bend = Math.min(40, (pd.y - pu.y) / 2);
    const c1 = { x: pu.x, y: pu.y + bend };
    const c2 = { x: pd.x, y: pd.y - bend };
    const mid = {
      x: 0.125 * pu.x + 0.375 * c1.x + 0.375 * c2.x + 0.125 * pd.x,
      y: 0.125 * pu.y + 0.375 * c1.y + 0.375 * c2.y + 0.125 * pd.y,
    };
    return {
      id,
      d: `M${fmt(pu.x)},${fmt(pu.y)}C${fmt(c1.x)},${fmt(c1.y)} ${fmt(c2.x)},${fmt(c2.y)} ${fmt(pd.x)},${fmt(pd.y)}`,
      mid,
    };
  }
  const from = na ? port(na) : centers[a];
  const to = nb ? port(nb) : centers[b];
  if (!from || !to) return null;
  const mid = { x: (from.x + to.x) / 2, y: (from.y + to.y) / 2 };
  return { id, d: `M${fmt(from.x)},${fmt(from.y)}L${fmt(to.x)},${fmt(to.y)}`, mid };
}
