/** The links between network boxes and the BGP sessions between what is drawn, as SVG paths. */
import type { LaidEdge, Point } from '../layout';
import { fmt, type Ctx } from './context';
import type { Plan } from './plan';

export interface Edges {
  readonly links: LaidEdge[];
  readonly sessions: LaidEdge[];
  /** The network boxes' centres. */
  readonly centers: Record<string, Point>;
}

export function layoutEdges(c: Ctx, pl: Plan): Edges {
  const { scene, gateways, spines, outside, nodes, anchors, line, drop } = c;
  const { stacked, lane } = pl;
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
  return { links, sessions, centers };
}
