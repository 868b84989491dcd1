/**
 * What the layout draws and at what widths: the path's nodes (the first two side by side, or the
 * destination under the source when a narrow panel cannot hold two node columns with every name
 * in full), the nodes drawn in full below, the network column between them and its width.
 */
import type { Scene, SceneNode, ScenePod } from '../../scene/scene';
import type { Point } from '../layout';
import { textWidth } from '../text';
import type { Ctx } from './context';

type Gateway = Scene['gateways'][number];
type Spine = Scene['spines'][number];
type Segment = Scene['segments'][number];

export interface Plan {
  /** The walk's nodes that the scene has. */
  readonly pathNodes: readonly string[];
  /** The source and destination nodes (at most two). */
  readonly main: readonly SceneNode[];
  /** The other nodes drawn in full, in rows below the walk. */
  readonly extra: readonly SceneNode[];
  readonly gws: readonly Gateway[];
  readonly spineList: readonly Spine[];
  readonly showOutside: boolean;
  readonly gwLines: (g: Gateway) => string[];
  readonly spineLines: (x: Spine) => string[];
  /** Where a network box's text starts, after the packet marker's ring. */
  readonly inset: number;
  /** The network column's width. */
  readonly M: number;
  readonly shownPods: (node: SceneNode) => readonly ScenePod[];
  /** The destination node under the source node (a narrow panel). */
  readonly stacked: boolean;
  /** The left lane a stacked pair's BGP session arc runs in. */
  readonly lane: number;
  /** A node's width. */
  readonly N: number;
  /** The row's left edge. */
  readonly left: number;
  readonly caption: Point;
  readonly top: number;
  /** The segments the main nodes sit on. */
  readonly drawnSegs: readonly Segment[];
  readonly segOf: (n: SceneNode) => Segment | undefined;
}

export function plan(c: Ctx): Plan {
  const { scene, focus, whole, expanded, f, fTitle, pad, gutter, gapX, margin, line, W } = c;
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
  const drawnSegs = scene.segments.filter((seg) => main.some((n) => seg.nodes.includes(n.name)));
  const segOf = (n: SceneNode) => drawnSegs.find((seg) => seg.nodes.includes(n.name));
  return {
    pathNodes,
    main,
    extra,
    gws,
    spineList,
    showOutside,
    gwLines,
    spineLines,
    inset,
    M,
    shownPods,
    stacked,
    lane,
    N,
    left,
    caption,
    top,
    drawnSegs,
    segOf,
  };
}
