import { describe, expect, it } from 'vitest';
import type { Scene } from '../scene/scene';
import type { Box } from './layout';
import { routePoints } from './packetPath';
import { layoutPath, MIN_FONT, pathFocus, type FocusLayout } from './pathLayout';
import { syntheticScene } from './testScene';
import { abbreviate } from './text';

const overlap = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Every pair of labels whose boxes intersect. */
function collisions(l: FocusLayout): string[] {
  const out: string[] = [];
  for (let i = 0; i < l.labels.length; i++)
    for (let j = i + 1; j < l.labels.length; j++)
      if (overlap(l.labels[i]!.box, l.labels[j]!.box))
        out.push(`${l.labels[i]!.text} × ${l.labels[j]!.text}`);
  return out;
}

/** The ids a walk from pod-1-1 on node-1 to pod-2-1 on node-2 passes. */
function walkIds(scene: Scene, to = 2): string[] {
  const dst = scene.nodes[to - 1]!;
  const src = scene.nodes[0]!;
  const seg = scene.segments.find((s) => s.nodes.includes(src.name))!;
  const dseg = scene.segments.find((s) => s.nodes.includes(dst.name))!;
  return [
    src.pods[0]!.id,
    src.pods[0]!.vethId,
    ...src.layers.map((l) => l.id),
    seg.id,
    ...(seg !== dseg ? [seg.gatewayId, dseg.gatewayId, dseg.id] : []),
    ...(scene.tunnel ? [scene.tunnel.id] : []),
    ...dst.layers.map((l) => l.id).reverse(),
    dst.pods[0]!.vethId,
    dst.pods[0]!.id,
  ];
}

const SIZES = [
  { width: 600, height: 420 },
  { width: 430, height: 420 },
];

/** The panel sizes the app gives a topology: narrow, medium, wide; short and tall. */
const PANELS = [300, 430, 600].flatMap((width) => [300, 500].map((height) => ({ width, height })));

/** A Cilium-like scene: its real layer names and lxc veths (the longest names a node shows). */
function ciliumScene(nodes = 2, subnets = 1): Scene {
  const scene = syntheticScene({ nodes, podsPerNode: 2, subnets, tunnel: true, cni: 'cilium' });
  return {
    ...scene,
    nodes: scene.nodes.map((n, i) => ({
      ...n,
      pods: n.pods.map((p, j) => ({ ...p, veth: `lxc${i}${j}31d23fcfad` })),
      layers: [
        ['lxc-ebpf', 'lxc… tc eBPF', 'cil_from_container, cil_lxc_policy'],
        ['proxy', 'cilium-envoy', 'L7 proxy (not on this path)'],
        ['cilium-host', 'cilium_host', `10.244.${i}.1 (router IP)`],
        ['tunnel', 'cilium_vxlan', 'VXLAN, UDP 8472, 50 B'],
        ['eth0', 'eth0', n.internalIP],
      ].map(([kind, label, detail]) => ({
        id: `layer:${n.name}:${kind}`,
        kind: kind as Scene['nodes'][number]['layers'][number]['kind'],
        label: label!,
        detail: detail!,
      })),
    })),
  };
}

/** Every label inside the drawing's width, at or above the floor, none overlapping another. */
function expectLegible(l: FocusLayout, fontScale = 1) {
  expect(collisions(l)).toEqual([]);
  for (const label of l.labels) {
    expect(label.fontSize).toBeGreaterThanOrEqual(MIN_FONT * fontScale);
    expect(label.box.x).toBeGreaterThanOrEqual(0);
    expect(label.box.x + label.box.width).toBeLessThanOrEqual(l.width + 1e-6);
  }
}

describe('layoutPath', () => {
  it.each([
    ['one subnet, IPIP, mesh', { nodes: 3, podsPerNode: 3, subnets: 1, tunnel: true, mesh: true }],
    ['two subnets, ToR fabric', { nodes: 4, podsPerNode: 2, subnets: 2, fabric: true }],
    [
      'cross-subnet tunnel, a note',
      {
        nodes: 4,
        podsPerNode: 2,
        subnets: 2,
        tunnel: true,
        crossSubnet: true,
        note: 'BIRD off (calico_backend: vxlan): Felix programs the pod routes, no BGP',
      },
    ],
  ] as const)('%s: no two labels overlap, none below the floor, all inside', (_, o) => {
    const scene = syntheticScene(o);
    for (const size of SIZES)
      for (const fontScale of [1, 16 / 11]) {
        const l = layoutPath(scene, pathFocus(scene, walkIds(scene, o.nodes)), {
          ...size,
          fontScale,
        });
        expect(collisions(l)).toEqual([]);
        for (const label of l.labels) {
          expect(label.fontSize).toBeGreaterThanOrEqual(MIN_FONT * fontScale);
          expect(label.box.x).toBeGreaterThanOrEqual(0);
          expect(label.box.x + label.box.width).toBeLessThanOrEqual(l.width + 1e-6);
        }
        // At 1× the path row fits the panel's width: adapted, not scaled down.
        if (fontScale === 1) expect(l.width).toBeLessThanOrEqual(size.width + 1e-6);
      }
  });

  it('draws the path nodes in full (source left), their path pods, and chips for the rest', () => {
    const scene = syntheticScene({ nodes: 4, podsPerNode: 5, subnets: 1 });
    const l = layoutPath(scene, pathFocus(scene, walkIds(scene, 3)), SIZES[0]!);
    expect(l.nodes.map((n) => n.id)).toEqual(['node:node-1', 'node:node-3']);
    expect(l.nodes[0]!.box.x).toBeLessThan(l.nodes[1]!.box.x);
    expect(l.nodes.flatMap((n) => n.pods.map((p) => p.id))).toEqual([
      'pod:ns/pod-1-1',
      'pod:ns/pod-3-1',
    ]);
    expect(l.chips.map((c) => [c.id, c.count])).toEqual([
      ['chip:pods:node:node-1', 4],
      ['chip:pods:node:node-3', 4],
      ['chip:node:node-2', 5],
      ['chip:node:node-4', 5],
    ]);
    // Expanding a chip draws that node in full with all its pods.
    const open = layoutPath(scene, pathFocus(scene, walkIds(scene, 3)), {
      ...SIZES[0]!,
      expanded: new Set(['node:node-4']),
    });
    expect(open.nodes.find((n) => n.id === 'node:node-4')?.pods).toHaveLength(5);
    expect(collisions(open)).toEqual([]);
  });

  it('stays as legible with 500 pods on 10 nodes as with 5, with a bounded drawing', () => {
    const small = syntheticScene({ nodes: 2, podsPerNode: 3, subnets: 1, tunnel: true });
    const big = syntheticScene({
      nodes: 10,
      podsPerNode: 50,
      subnets: 2,
      tunnel: true,
      mesh: true,
    });
    for (const size of SIZES) {
      const a = layoutPath(small, pathFocus(small, walkIds(small)), size);
      const b = layoutPath(big, pathFocus(big, walkIds(big)), size);
      const minFont = (l: FocusLayout) => Math.min(...l.labels.map((x) => x.fontSize));
      expect(minFont(b)).toBe(minFont(a));
      expect(collisions(b)).toEqual([]);
      const elements = b.nodes.length + b.nodes.flatMap((n) => n.pods).length + b.chips.length;
      expect(elements).toBeLessThanOrEqual(20);
      expect(b.labels.length).toBeLessThan(80);
      expect(b.chips.find((c) => c.id === 'chip:node:node-5')?.count).toBe(50);
    }
  });

  it('keeps the packet’s resting places off the text', () => {
    const scene = syntheticScene({
      nodes: 2,
      podsPerNode: 2,
      subnets: 1,
      tunnel: true,
      mesh: true,
    });
    const l = layoutPath(scene, pathFocus(scene, walkIds(scene)), SIZES[1]!);
    const marker = 6;
    for (const [id, p] of Object.entries(l.anchors)) {
      const dot = { x: p.x - marker, y: p.y - marker, width: 2 * marker, height: 2 * marker };
      for (const label of l.labels)
        expect(overlap(dot, label.box), `${id} on ${label.text}`).toBe(false);
    }
  });

  it('reads lxc/iptables layer names in full in the narrowest panel', () => {
    const scene = syntheticScene({ nodes: 2, podsPerNode: 1, subnets: 1, cni: 'cilium' });
    const cilium: Scene = {
      ...scene,
      nodes: scene.nodes.map((n) => ({
        ...n,
        layers: [
          {
            id: `layer:${n.name}:lxc-ebpf`,
            kind: 'lxc-ebpf',
            label: 'lxc… tc eBPF',
            detail: 'cil_from_container, cil_lxc_policy',
          },
          ...n.layers,
        ],
      })),
    };
    const l = layoutPath(cilium, pathFocus(cilium, walkIds(cilium)), SIZES[1]!);
    const texts = l.labels.filter((x) => x.cls === 'layer-label').map((x) => x.text);
    expect(texts).toContain('lxc… tc eBPF');
    expect(collisions(l)).toEqual([]);
  });
});

describe('layoutPath adapts to the panel', () => {
  it.each(PANELS)('$width×$height: legible, anchors off the text, width kept', (size) => {
    for (const scene of [
      ciliumScene(),
      ciliumScene(4, 2),
      syntheticScene({ nodes: 3, podsPerNode: 3, subnets: 1, tunnel: true, mesh: true }),
      syntheticScene({ nodes: 4, podsPerNode: 2, subnets: 2, fabric: true }),
    ])
      for (const fontScale of [1, 16 / 11]) {
        const l = layoutPath(scene, pathFocus(scene, walkIds(scene, 2)), { ...size, fontScale });
        expectLegible(l, fontScale);
        // The marker with one outer-header ring (radius 10) rests beside text, never on it (BGP
        // sessions are drawn, never a hop's place: datapath/place.ts has no session places).
        for (const [id, p] of Object.entries(l.anchors)) {
          if (id.startsWith('bgp:')) continue;
          const ring = { x: p.x - 10, y: p.y - 10, width: 20, height: 20 };
          for (const label of l.labels)
            expect(overlap(ring, label.box), `${id} on ${label.text}`).toBe(false);
        }
        if (fontScale === 1) expect(l.width).toBeLessThanOrEqual(size.width + 1e-6);
      }
  });

  it('stacks the destination under the source when two columns would cut names', () => {
    const scene = ciliumScene();
    const focus = pathFocus(scene, walkIds(scene));
    const narrow = layoutPath(scene, focus, { width: 300, height: 500 });
    expect(narrow.stacked).toBe(true);
    const [a, b] = narrow.nodes;
    expect(a!.id).toBe('node:node-1');
    expect(b!.box.y).toBeGreaterThan(a!.box.y + a!.box.height);
    // The segment runs between them; each node's cable reaches it (down from the source, up
    // from the destination's top).
    const seg = narrow.segments[0]!;
    expect(seg.anchor.y).toBeGreaterThan(a!.box.y + a!.box.height);
    expect(seg.anchor.y).toBeLessThan(b!.box.y);
    expect(a!.exit.y).toBe(a!.box.y + a!.box.height);
    expect(b!.exit.y).toBe(b!.box.y);
    expect(a!.drop.y).toBe(seg.anchor.y);
    expect(b!.drop.y).toBe(seg.anchor.y);
    // Every layer, pod and veth name reads in full.
    const full = new Set(
      scene.nodes.flatMap((n) => [
        ...n.layers.map((x) => x.label),
        ...n.pods.flatMap((p) => [p.veth, p.ip]),
      ]),
    );
    const shown = narrow.labels
      .filter((x) => ['layer-label', 'veth', 'pod-ip'].includes(x.cls))
      .map((x) => x.text);
    expect(shown.length).toBe(2 * 5 + 2 * 2);
    for (const t of shown) expect(full.has(t), t).toBe(true);
    // At 430 and 600 the two nodes stand side by side, names still in full.
    for (const width of [430, 600]) {
      const wide = layoutPath(scene, focus, { width, height: 500 });
      expect(wide.stacked).toBe(false);
      expect(wide.nodes[1]!.box.x).toBeGreaterThan(wide.nodes[0]!.box.x + wide.nodes[0]!.box.width);
      for (const x of wide.labels.filter((x) => x.cls === 'layer-label'))
        expect(full.has(x.text), x.text).toBe(true);
    }
  });

  it('routes the stacked packet down the source cable, along the segment, up into the destination', () => {
    const scene = ciliumScene();
    const l = layoutPath(scene, pathFocus(scene, walkIds(scene)), { width: 300, height: 500 });
    const [a, b] = l.nodes;
    const points = routePoints(l, 'layer:node-1:tunnel', 'layer:node-2:tunnel', [
      scene.segments[0]!.id,
    ]);
    // Down the source's cable from its bottom, along the segment, up into the destination's top.
    expect(points[0]).toEqual(l.anchors['layer:node-1:tunnel']);
    expect(points.at(-1)).toEqual(l.anchors['layer:node-2:tunnel']);
    const at = (p: { x: number; y: number }) => points.findIndex((q) => q.x === p.x && q.y === p.y);
    expect(at(a!.exit)).toBeGreaterThan(0);
    expect(at(l.anchors[scene.segments[0]!.id]!)).toBeGreaterThan(at(a!.exit));
    expect(at(b!.exit)).toBeGreaterThan(at(l.anchors[scene.segments[0]!.id]!));
    // Between the two nodes it never enters a node's box.
    for (const p of points.slice(1, -1))
      for (const n of [a!, b!])
        expect(p.y > n.box.y + 0.5 && p.y < n.box.y + n.box.height - 0.5).toBe(false);
  });

  it('stacks two subnets with their gateways between the nodes, risers to each', () => {
    const scene = syntheticScene({ nodes: 4, podsPerNode: 2, subnets: 2, fabric: true });
    const l = layoutPath(scene, pathFocus(scene, walkIds(scene, 2)), { width: 300, height: 300 });
    expect(l.stacked).toBe(true);
    const [a, b] = l.nodes;
    for (const g of l.gateways) {
      expect(g.box.y).toBeGreaterThan(a!.box.y + a!.box.height);
      expect(g.box.y + g.box.height).toBeLessThan(b!.box.y);
    }
    expect(l.segments).toHaveLength(2);
    const [s1, s2] = l.segments;
    expect(s1!.anchor.y).toBeLessThan(Math.min(...l.gateways.map((g) => g.box.y)));
    expect(s2!.anchor.y).toBeGreaterThan(
      Math.max(...l.gateways.map((g) => g.box.y + g.box.height)),
    );
    for (const s of [s1!, s2!]) expect(s.lines).toHaveLength(2);
  });

  it('uses the height it is given: compact when short, regular when there is room', () => {
    const scene = ciliumScene();
    const focus = pathFocus(scene, walkIds(scene));
    for (const width of [430, 600]) {
      const tall = layoutPath(scene, focus, { width, height: 500 });
      const short = layoutPath(scene, focus, { width, height: 300 });
      expect(tall.compact).toBe(false);
      expect(tall.focusBox.height).toBeLessThanOrEqual(500);
      expect(short.compact).toBe(true);
      // The walk's picture, down to its segment and tunnel names, fits the short panel.
      expect(short.focusBox.height).toBeLessThanOrEqual(300);
      expect(short.focusBox.height).toBeLessThan(tall.focusBox.height);
      const lowest = Math.max(
        ...short.labels
          .filter((x) => ['segment-label', 'tunnel-label'].includes(x.cls))
          .map((x) => x.box.y + x.box.height),
      );
      expect(lowest).toBeLessThanOrEqual(300);
      expectLegible(short);
    }
    // Off-path nodes' chips wrap in rows inside the width.
    const many = syntheticScene({ nodes: 10, podsPerNode: 5, subnets: 1, tunnel: true });
    const l = layoutPath(many, pathFocus(many, walkIds(many)), { width: 300, height: 300 });
    const chips = l.chips.filter((c) => c.kind === 'node');
    expect(chips).toHaveLength(8);
    expect(new Set(chips.map((c) => c.box.y)).size).toBeGreaterThan(1);
    for (const c of chips) expect(c.box.x + c.box.width).toBeLessThanOrEqual(300);
  });
});

describe('abbreviate', () => {
  it('cuts at a word or segment boundary, never mid-word', () => {
    expect(abbreviate('outside the cluster', 1000, 11)).toBe('outside the cluster');
    expect(abbreviate('cil_from_container, cil_lxc_policy', 140, 11)).toBe('cil_from_container…');
    expect(abbreviate('supercalifragilistic', 30, 11)).toBe('supercalifragilistic');
  });
});
