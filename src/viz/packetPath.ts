/**
 * The road the packet marker takes between two places of the drawing, and where it is along that
 * road at a given fraction. Pure, so the animation only has to ask "where at t?" each frame.
 */
import type { LaidNode, Point } from './layout';

/**
 * The points from element `from` to element `to` through `via`: a packet leaving a node goes down
 * through the node's cable (from its bottom, or its top when stacked under another) to its segment,
 * and enters the next node along its cable, rather than cutting across boxes.
 */
export function routePoints(
  layout: {
    readonly anchors: Readonly<Record<string, Point>>;
    readonly owner: Readonly<Record<string, string>>;
    readonly nodes: readonly LaidNode[];
  },
  from: string,
  to: string,
  via: readonly string[] = [],
): Point[] {
  const stops = [from, ...via, to].filter((id) => layout.anchors[id] !== undefined);
  const nodeOf = (id: string) => {
    const owner = layout.owner[id];
    return owner ? layout.nodes.find((n) => n.id === owner) : undefined;
  };
  const points: Point[] = [];
  const push = (p: Point) => {
    const last = points[points.length - 1];
    if (!last || Math.abs(last.x - p.x) > 1e-6 || Math.abs(last.y - p.y) > 1e-6) points.push(p);
  };
  stops.forEach((id, i) => {
    if (i > 0) {
      const a = nodeOf(stops[i - 1]!);
      const b = nodeOf(id);
      if (a && a.id !== b?.id) {
        push(a.exit);
        push(a.drop);
      }
      if (b && b.id !== a?.id) {
        push(b.drop);
        push(b.exit);
      }
    }
    push(layout.anchors[id]!);
  });
  return points;
}

export function pathLength(points: readonly Point[]): number {
  let total = 0;
  for (let i = 1; i < points.length; i++)
    total += Math.hypot(points[i]!.x - points[i - 1]!.x, points[i]!.y - points[i - 1]!.y);
  return total;
}

/** The point at fraction `t` (0..1) of the way along `points`. */
export function pointAlong(points: readonly Point[], t: number): Point {
  if (points.length === 0) return { x: 0, y: 0 };
  if (points.length === 1 || t <= 0) return points[0]!;
  if (t >= 1) return points[points.length - 1]!;
  let left = pathLength(points) * t;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    const d = Math.hypot(b.x - a.x, b.y - a.y);
    if (left <= d) {
      const k = d === 0 ? 0 : left / d;
      return { x: a.x + (b.x - a.x) * k, y: a.y + (b.y - a.y) * k };
    }
    left -= d;
  }
  return points[points.length - 1]!;
}
