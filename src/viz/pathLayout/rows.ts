/**
 * The walk's row: the source and destination nodes side by side with the network column between
 * them and the segments under the row, or (a narrow panel) stacked, the network's boxes between.
 */
import type { SceneNode } from '../../scene/scene';
import type { Ctx } from './context';
import { networkBoxes, segmentAt } from './network';
import { layoutNode } from './nodeBox';
import type { Plan } from './plan';

/** Places the walk's row; returns the y under it. */
export function placeRow(c: Ctx, pl: Plan): number {
  return pl.stacked ? stackedRow(c, pl) : sideBySide(c, pl);
}

function sideBySide(c: Ctx, pl: Plan): number {
  const { nodes, line, pad, drop, segDy, gapX } = c;
  const { main, left, N, M, top, drawnSegs } = pl;
  const colX = left + N + gapX;
  // Side by side: source node, the network column, destination node; segments under the row.
  const mainX = main.map((_, i) => (i === 0 ? left : colX + M + gapX));
  main.forEach((n, i) => nodes.push(layoutNode(c, pl, n, mainX[i]!, top)));
  let cy = top;
  networkBoxes(c, pl, (texts) => {
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
    segmentAt(c, seg, members, segY, riserX, {
      x: rightSide ? m0.box.x + m0.box.width : m0.box.x,
      y: segY + segDy,
      anchor: rightSide ? 'end' : 'start',
      width: N,
    });
  });
  return segY + segDy + 4;
}

function stackedRow(c: Ctx, pl: Plan): number {
  const { nodes, gateways, line, pad, drop, segDy, gutter, gapX } = c;
  const { main, left, N, M, top, segOf } = pl;
  // Stacked: the source node on top, its segment under it, the network's boxes in a row that
  // wraps, the destination's segment (when it is another one) and the destination node.
  const [src, dst] = main as [SceneNode, SceneNode];
  const first = layoutNode(c, pl, src, left, top);
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
  networkBoxes(c, pl, (texts) => {
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
  const second = layoutNode(c, pl, dst, left, secondTop);
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
      c,
      segA,
      nodes.filter((n) => segA.nodes.includes(n.name)),
      segAY,
      centerOf(segA.gatewayId),
      { x: left, y: segAY + segDy, anchor: 'start', width: labelRoom },
    );
  if (segB && segB !== segA)
    segmentAt(c, segB, [nodes[1]!], segBY, centerOf(segB.gatewayId), {
      x: left,
      y: segBY + segDy,
      anchor: 'start',
      width: labelRoom,
    });
  return second.box.y + second.box.height + 4;
}
