/**
 * The network between the nodes: its boxes (the outside, spines, gateways), each a few lines of
 * text with the packet's resting point on its left edge, and the L2 segments' lines with their
 * gateways' risers and their names.
 */
import type { Scene } from '../../scene/scene';
import type { LaidNode, LaidOut, Point } from '../layout';
import { wrap, type Ctx } from './context';
import type { Plan } from './plan';

/** One network box of lines of text at (bx, by), `bw` wide. */
function boxed(
  c: Ctx,
  pl: Plan,
  id: string,
  texts: readonly string[],
  cls: readonly string[],
  bx: number,
  by: number,
  bw: number,
  title?: string,
): LaidOut {
  const { line, pad, f, fitted, anchors } = c;
  const { inset } = pl;
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
}

/** The network's boxes in order (the outside, spines, gateways), each placed by `at`. */
export function networkBoxes(
  c: Ctx,
  pl: Plan,
  at: (texts: readonly string[]) => { x: number; y: number },
): void {
  const { scene, pad, f, spines, gateways } = c;
  const { showOutside, M, inset, spineList, gws, spineLines, gwLines } = pl;
  if (showOutside) {
    const texts = wrap(`☁ ${scene.outside.label}`, M - pad - inset, f);
    const p = at(texts);
    c.outside = boxed(
      c,
      pl,
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
    spines.push(boxed(c, pl, x.id, texts, ['box-title'], p.x, p.y, M));
  }
  for (const g of gws) {
    const texts = gwLines(g);
    const p = at(texts);
    gateways.push(
      boxed(
        c,
        pl,
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
}

/** A segment's line at `segY` across its members' drops and its gateway's riser. */
export function segmentAt(
  c: Ctx,
  seg: Scene['segments'][number],
  members: readonly LaidNode[],
  segY: number,
  riserX: number | null,
  labelAt: { x: number; y: number; anchor: 'start' | 'end'; width: number },
): void {
  const { gateways, segments, anchors, fitted, pad, f } = c;
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
}
