/**
 * Below the walk's row: the tunnel's name (compact: beside the segment's name when both fit), the
 * scene's note, the chips for the nodes off the path, and the nodes drawn in full in rows.
 */
import type { LaidLine, LaidOut, Point } from '../layout';
import { textWidth } from '../text';
import { plural, type Ctx } from './context';
import { layoutNode } from './nodeBox';
import type { Plan } from './plan';
import { nodeChipId, type LaidLabel } from './types';

/**
 * The tunnel along what it rides on, its name on a line of its own (compact: beside the
 * segment's name when both fit); returns it and the y under it.
 */
export function placeTunnel(
  c: Ctx,
  pl: Plan,
  centers: Readonly<Record<string, Point>>,
  y0: number,
): { tunnel: LaidLine | null; y: number } {
  const { scene, focus, whole, gateways, segments, anchors, labels, fitted } = c;
  const { compact, f, line, margin, W } = c;
  const { main, stacked } = pl;
  let y = y0;
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
  return { tunnel, y };
}

/** The scene's note on a line of its own; returns it and the y under it. */
export function placeNote(c: Ctx, y0: number): { note: LaidOut | null; y: number } {
  const { scene, anchors, fitted, f, line, margin, W } = c;
  let y = y0;
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
  return { note, y };
}

/**
 * Chips for the nodes off the path, in rows that wrap (expanded ones are drawn in full below);
 * returns the y under them.
 */
export function placeChips(c: Ctx, pl: Plan, y0: number): number {
  const { scene, whole, expanded, chips, label, f, line, pad, margin, W } = c;
  const { main, pathNodes } = pl;
  let y = y0;
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
  return y;
}

/** Expanded nodes (and the whole cluster's others): rows of full nodes below. */
export function placeExtra(c: Ctx, pl: Plan, y0: number): number {
  const { nodes, W, margin, gapX, pad } = c;
  const { extra, N } = pl;
  let y = y0;
  const perRow = Math.max(1, Math.floor((W - 2 * margin + gapX) / (N + gapX)));
  let rowTop = y + pad;
  let rowMax = 0;
  extra.forEach((n, i) => {
    const col = i % perRow;
    if (col === 0 && i > 0) {
      rowTop += rowMax + gapX;
      rowMax = 0;
    }
    const laid = layoutNode(c, pl, n, margin + col * (N + gapX), rowTop);
    nodes.push(laid);
    rowMax = Math.max(rowMax, laid.box.height);
  });
  if (extra.length > 0) y = rowTop + rowMax;
  return y;
}

const lastSegmentLabel = (labels: readonly LaidLabel[]): LaidLabel | undefined =>
  [...labels].reverse().find((l) => l.cls === 'segment-label');
