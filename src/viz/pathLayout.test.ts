import { describe, expect, it } from 'vitest';
import type { Scene } from '../datapath/scene';
import type { Box } from './layout';
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

describe('abbreviate', () => {
  it('cuts at a word or segment boundary, never mid-word', () => {
    expect(abbreviate('outside the cluster', 1000, 11)).toBe('outside the cluster');
    expect(abbreviate('cil_from_container, cil_lxc_policy', 140, 11)).toBe('cil_from_container…');
    expect(abbreviate('supercalifragilistic', 30, 11)).toBe('supercalifragilistic');
  });
});
