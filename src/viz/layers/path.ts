/**
 * The path layer: the route taken so far as a thick trail, the link in use (only the stretch
 * between the two places, not the whole L2 segment) and the hop ahead, faint.
 */
import type { Point } from '../layout';
import type { LayerGroup } from './types';

type G = LayerGroup;

const d = (points: readonly Point[]): string =>
  points.length < 2
    ? ''
    : points
        .map(
          (p, i) =>
            `${i === 0 ? 'M' : 'L'}${Math.round(p.x * 10) / 10},${Math.round(p.y * 10) / 10}`,
        )
        .join('');

export interface PathParts {
  /** The legs already travelled, before the current one. */
  readonly trail: readonly (readonly Point[])[];
  /** The leg into the current hop. */
  readonly current: readonly Point[];
  /** The leg to the next hop. */
  readonly next: readonly Point[];
}

export function drawPath(g: G, parts: PathParts | null): void {
  const rows = parts
    ? [
        { cls: 'path-trail', d: parts.trail.map(d).join('') },
        { cls: 'path-next', d: d(parts.next) },
        { cls: 'path-current', d: d(parts.current) },
      ].filter((r) => r.d !== '')
    : [];
  g.selectAll<SVGPathElement, { cls: string; d: string }>('path')
    .data(rows, (r) => r.cls)
    .join('path')
    .attr('class', (r) => r.cls)
    .attr('d', (r) => r.d);
}
