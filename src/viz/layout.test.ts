import { describe, expect, it } from 'vitest';
import type { Scene } from '../datapath/scene';
import { layoutNodes, layoutScene, type Box } from './layout';
import { sceneIds, syntheticScene } from './testScene';

const overlaps = (a: { x: number; y: number; width: number; height: number }, b: typeof a) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('layoutNodes', () => {
  it('returns nothing for an empty cluster or a zero-size panel', () => {
    expect(layoutNodes(0, { width: 800, height: 400 })).toEqual([]);
    expect(layoutNodes(3, { width: 0, height: 400 })).toEqual([]);
  });

  it.each([1, 2, 3, 6])('places %i nodes inside the panel without overlap', (n) => {
    const boxes = layoutNodes(n, { width: 900, height: 500 });
    expect(boxes).toHaveLength(n);
    for (const b of boxes) {
      expect(b.x).toBeGreaterThanOrEqual(0);
      expect(b.y).toBeGreaterThanOrEqual(0);
      expect(b.x + b.width).toBeLessThanOrEqual(900);
      expect(b.y + b.height).toBeLessThanOrEqual(500 * 0.75);
      expect(b.width).toBeGreaterThanOrEqual(160);
    }
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) expect(overlaps(boxes[i]!, boxes[j]!)).toBe(false);
  });

  it('wraps onto a second row when the boxes would get too narrow', () => {
    const boxes = layoutNodes(6, { width: 600, height: 500 });
    expect(new Set(boxes.map((b) => b.y)).size).toBe(2);
  });
});

describe('layoutScene', () => {
  interface Size {
    width: number;
    height: number;
  }
  const boxOverlap = (a: Box, b: Box) =>
    a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  const inside = (inner: Box, outer: Box) =>
    inner.x >= outer.x - 1e-6 &&
    inner.y >= outer.y - 1e-6 &&
    inner.x + inner.width <= outer.x + outer.width + 1e-6 &&
    inner.y + inner.height <= outer.y + outer.height + 1e-6;

  function check(scene: Scene, size: Size) {
    const layout = layoutScene(scene, size);
    const view: Box = { x: 0, y: 0, width: layout.width, height: layout.height };
    const top = [
      ...layout.nodes.map((n) => n.box),
      ...layout.gateways.map((g) => g.box),
      ...layout.spines.map((s) => s.box),
      layout.outside.box,
    ];
    for (const b of top) expect(inside(b, view)).toBe(true);
    for (let i = 0; i < top.length; i++)
      for (let j = i + 1; j < top.length; j++) expect(boxOverlap(top[i]!, top[j]!)).toBe(false);
    for (const n of layout.nodes) {
      const parts = [...n.pods.map((p) => p.box), ...n.layers.map((l) => l.box)];
      for (const p of parts) expect(inside(p, n.box)).toBe(true);
      for (let i = 0; i < parts.length; i++)
        for (let j = i + 1; j < parts.length; j++)
          expect(boxOverlap(parts[i]!, parts[j]!)).toBe(false);
      if (n.badge) expect(inside(n.badge.box, n.box)).toBe(true);
    }
    for (const seg of layout.segments)
      for (const [a, b] of seg.lines)
        for (const p of [a, b]) {
          expect(p.x).toBeGreaterThanOrEqual(0);
          expect(p.x).toBeLessThanOrEqual(layout.width);
          expect(p.y).toBeLessThanOrEqual(layout.height);
        }
    // Every element of the scene has a place for the packet, inside the drawing.
    for (const id of sceneIds(scene)) {
      const a = layout.anchors[id];
      expect(a, id).toBeDefined();
      expect(a!.x).toBeGreaterThanOrEqual(0);
      expect(a!.y).toBeGreaterThanOrEqual(0);
      expect(a!.x).toBeLessThanOrEqual(layout.width);
      expect(a!.y).toBeLessThanOrEqual(layout.height);
    }
    return layout;
  }

  it.each([2, 3, 4, 5, 6])('lays out %i nodes with 5 pods each without overlap', (n) => {
    const scene = syntheticScene({ nodes: n, podsPerNode: 5, subnets: 1 });
    for (const size of [
      { width: 640, height: 360 },
      { width: 1200, height: 500 },
      { width: 420, height: 700 },
    ])
      check(scene, size);
  });

  it('handles ~30 pods, two subnets, BGP arcs, a ToR fabric and a tunnel', () => {
    check(syntheticScene({ nodes: 6, podsPerNode: 5, subnets: 2, fabric: true }), {
      width: 900,
      height: 500,
    });
    check(syntheticScene({ nodes: 6, podsPerNode: 5, subnets: 2, mesh: true, tunnel: true }), {
      width: 640,
      height: 360,
    });
    check(syntheticScene({ nodes: 2, podsPerNode: 12, subnets: 1, tunnel: true }), {
      width: 640,
      height: 360,
    });
  });

  it('puts the scene note under the network, clear of nodes, segment and tunnel labels', () => {
    const label = 'BIRD off (calico_backend: vxlan): Felix programs the pod routes, no BGP';
    for (const subnets of [1, 2]) {
      const scene = syntheticScene({
        nodes: 3,
        podsPerNode: 2,
        subnets,
        tunnel: true,
        note: label,
      });
      const layout = check(scene, { width: 800, height: 400 });
      const note = layout.note!;
      expect(note.id).toBe('note');
      expect(note.box.width).toBeCloseTo(label.length * 6, 5);
      const lowestLine = Math.max(
        ...layout.segments.flatMap((s) => s.lines.flat().map((p) => p.y)),
      );
      // Below the lowest segment's label (13 px under its line) and the tunnel's (22 px).
      expect(note.box.y).toBeGreaterThan(lowestLine + 22);
      for (const n of layout.nodes) expect(boxOverlap(note.box, n.box)).toBe(false);
      expect(note.box.x + note.box.width).toBeLessThanOrEqual(layout.width);
      expect(note.box.y + note.box.height).toBeLessThanOrEqual(layout.height);
    }
    expect(
      layoutScene(syntheticScene({ nodes: 2, podsPerNode: 1, subnets: 1 }), {
        width: 800,
        height: 400,
      }).note,
    ).toBeNull();
  });

  it('labels a tunnel between subnets under the lowest gateway, clear of the nodes and the note', () => {
    const label = 'BIRD off (calico_backend: vxlan): Felix programs the pod routes, no BGP';
    const scene = syntheticScene({
      nodes: 6,
      podsPerNode: 2,
      subnets: 2,
      tunnel: true,
      crossSubnet: true,
      note: label,
    });
    const layout = check(scene, { width: 900, height: 500 });
    const at = layout.tunnelLabel!;
    const lowest = layout.gateways[layout.gateways.length - 1]!.box;
    expect(at.anchor).toBe('end');
    expect(at.x).toBe(lowest.x + lowest.width);
    expect(at.y).toBeGreaterThan(lowest.y + lowest.height + 10);
    const text = `⊂ ${scene.tunnel!.label} ⊃`;
    const box = { x: at.x - text.length * 6.6, y: at.y - 10, width: text.length * 6.6, height: 12 };
    for (const n of layout.nodes) expect(boxOverlap(box, n.box)).toBe(false);
    expect(boxOverlap(box, layout.note!.box)).toBe(false);
    expect(at.y).toBeLessThanOrEqual(layout.height);
    // On one segment the label stays under the pipe's start.
    const flat = layoutScene(
      syntheticScene({ nodes: 2, podsPerNode: 1, subnets: 1, tunnel: true }),
      {
        width: 800,
        height: 400,
      },
    );
    expect(flat.tunnelLabel).toEqual({
      x: flat.tunnel!.anchor.x,
      y: flat.tunnel!.anchor.y + 22,
      anchor: 'middle',
    });
  });

  it('puts more nodes on a row when the panel is wide', () => {
    const scene = syntheticScene({ nodes: 4, podsPerNode: 2, subnets: 1 });
    const rows = (size: Size) => new Set(layoutScene(scene, size).nodes.map((n) => n.box.y)).size;
    expect(rows({ width: 2000, height: 300 })).toBe(1);
    expect(rows({ width: 300, height: 2000 })).toBeGreaterThan(1);
  });

  it('stacks the layers in scene order, eth0 at the bottom, and hangs each node on its segment', () => {
    const layout = layoutScene(syntheticScene({ nodes: 2, podsPerNode: 3, subnets: 1 }), {
      width: 800,
      height: 400,
    });
    const n = layout.nodes[0]!;
    const ys = n.layers.map((l) => l.box.y);
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
    expect(n.layers[n.layers.length - 1]!.kind).toBe('eth0');
    expect(Math.max(...n.pods.map((p) => p.box.y + p.box.height))).toBeLessThanOrEqual(ys[0]!);
    expect(n.drop.y).toBe(layout.segments[0]!.anchor.y);
    expect(n.drop.x).toBe(n.exit.x);
    expect(layout.owner[n.layers[0]!.id]).toBe(n.id);
    expect(layout.owner[n.pods[0]!.id]).toBe(n.id);
  });
});
