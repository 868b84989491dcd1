// The service map layout (viz/serviceMapLayout.ts) over a real run of both CNIs: here in test/
// because a viz/ test may not import datapath/ at runtime.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CALICO_CONFIG, DEFAULT_CILIUM_CONFIG } from '../datapath/config';
import { runFlows, type FlowsData } from '../datapath/flows/flowsData';
import type { ServiceMap, ServiceMapBox } from '../datapath/flows/serviceMap';
import { generateCluster } from '../engine/generate';
import { loadManifests } from '../engine/parse/load';
import { createEngine } from '../engine/verdict';
import { engineFor } from './scenarios';
import { mapEdge } from './serviceMaps';
import type { Box } from '../viz/layout';
import { FOLD_ABOVE, foldServiceMap, type DrawnServiceMap } from '../viz/serviceMapFold';
import { edgeVerdict, layoutServiceMap, type ServiceMapLayout } from '../viz/serviceMapLayout';
import { textWidth } from '../viz/text';

const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

const inside = (a: Box, outer: Box) =>
  a.x >= outer.x &&
  a.y >= outer.y &&
  a.x + a.width <= outer.x + outer.width &&
  a.y + a.height <= outer.y + outer.height;

function checkLayout(map: DrawnServiceMap, layout: ServiceMapLayout) {
  const frame = { x: 0, y: 0, width: layout.width, height: layout.height };
  expect(layout.boxes.map((b) => b.id).sort()).toEqual(map.boxes.map((b) => b.id).sort());
  for (const [i, a] of layout.boxes.entries()) {
    expect(inside(a.box, frame), a.id).toBe(true);
    for (const b of layout.boxes.slice(i + 1))
      expect(overlaps(a.box, b.box), `${a.id} / ${b.id}`).toBe(false);
  }
  // A namespace's group holds its boxes and no other.
  for (const g of layout.groups) {
    for (const b of layout.boxes) {
      const own = map.boxes.find((m) => m.id === b.id)!.namespace === g.namespace;
      expect(own ? inside(b.box, g.box) : !overlaps(b.box, g.box), `${g.namespace} / ${b.id}`).toBe(
        true,
      );
    }
  }
  const ids = new Set(layout.boxes.map((b) => b.id));
  expect(layout.edges.map((e) => e.id)).toEqual(map.edges.map((e) => e.id));
  const labels = layout.edges.flatMap((e) => (e.label ? [e.label.box] : []));
  for (const e of layout.edges) {
    expect(ids.has(e.source) && ids.has(e.target), e.id).toBe(true);
    const src = layout.boxes.find((b) => b.id === e.source)!.box;
    const dst = layout.boxes.find((b) => b.id === e.target)!.box;
    // The path starts on the source's side and ends on the target's.
    const [, x0, y0] = /^M([\d.]+),([\d.]+)/.exec(e.d)!.map(Number);
    const [, x1, y1] = /([\d.]+),([\d.]+)$/.exec(e.d)!.map(Number);
    expect([src.x, src.x + src.width]).toContain(x0);
    expect(y0! > src.y && y0! < src.y + src.height, e.id).toBe(true);
    expect([dst.x, dst.x + dst.width]).toContain(x1);
    expect(y1! > dst.y && y1! < dst.y + dst.height, e.id).toBe(true);
    if (e.label) {
      expect(inside(e.label.box, frame), e.id).toBe(true);
      // A label sits on its own arc.
      expect(e.label.box.x <= e.apex.x && e.apex.x <= e.label.box.x + e.label.box.width, e.id).toBe(
        true,
      );
      for (const b of layout.boxes)
        expect(overlaps(e.label.box, b.box), `${e.id} over ${b.id}`).toBe(false);
    }
  }
  for (const [i, a] of labels.entries())
    for (const b of labels.slice(i + 1)) expect(overlaps(a, b)).toBe(false);
  // A drop's ✕ where its line has no label: on no box, no label and no other ✕.
  const m = layout.fontSize * 0.5;
  const marks = layout.edges.flatMap((e) => {
    if (e.label || e.verdict === 'forwarded' || e.verdict === 'error') {
      expect(e.mark, e.id).toBeNull();
      return [];
    }
    return e.mark
      ? [{ id: e.id, box: { x: e.mark.x - m, y: e.mark.y - m, width: 2 * m, height: 2 * m } }]
      : [];
  });
  for (const [i, a] of marks.entries()) {
    for (const b of [...marks.slice(i + 1).map((x) => x.box), ...labels])
      expect(overlaps(a.box, b), `✕ of ${a.id}`).toBe(false);
    for (const b of layout.boxes)
      expect(overlaps(a.box, b.box), `✕ of ${a.id} on ${b.id}`).toBe(false);
  }
}

let data: FlowsData;
beforeAll(async () => {
  data = (await runFlows(engineFor('seed-policies.yaml'), {
    configs: { calico: DEFAULT_CALICO_CONFIG, cilium: DEFAULT_CILIUM_CONFIG },
  }))!;
}, 60_000);

describe('layoutServiceMap over a real run', () => {
  for (const cni of ['calico', 'cilium'] as const)
    for (const [width, fontSize] of [
      [300, 14],
      [420, 14],
      [640, 14],
      [420, 18],
    ] as const)
      it(`${cni} at ${width} px, ${fontSize} px type: no overlaps, every edge between its boxes`, () => {
        const map = data.maps[cni];
        expect(map.edges.length).toBeGreaterThan(3);
        const layout = layoutServiceMap(map, { width, fontSize });
        checkLayout(map, layout);
        expect(layout.width).toBeGreaterThanOrEqual(width);
        // Some labels fit, and a narrower room never fits more.
        expect(layout.edges.some((e) => e.label)).toBe(true);
        // On a map this small every drop is told by its label or its ✕.
        const drops = layout.edges.filter((e) => e.verdict === 'dropped' || e.verdict === 'mixed');
        expect(drops.length).toBeGreaterThan(0);
        expect(drops.filter((e) => !e.label && !e.mark).map((e) => e.id)).toEqual([]);
      });

  it('is deterministic', () => {
    const a = layoutServiceMap(data.maps.cilium, { width: 420, fontSize: 14 });
    const b = layoutServiceMap(structuredClone(data.maps.cilium), { width: 420, fontSize: 14 });
    expect(b).toEqual(a);
  });

  it('sends edges down on the right, up on the left, a workload to itself as a loop', () => {
    const layout = layoutServiceMap(data.maps.cilium, { width: 420, fontSize: 14 });
    const rowOf = (id: string) => layout.boxes.findIndex((b) => b.id === id);
    for (const e of layout.edges) {
      const s = rowOf(e.source);
      const t = rowOf(e.target);
      expect(e.side).toBe(s === t ? 'loop' : s < t ? 'right' : 'left');
    }
    expect(layout.edges.some((e) => e.side === 'loop')).toBe(true);
  });
});

/** A traffic run over a generated cluster (engine/generate.ts), both CNIs' default modes. */
async function generatedRun(pods: number, namespaces: number): Promise<FlowsData> {
  const text = generateCluster({
    pods,
    nodes: 3,
    namespaces,
    policies: 3,
    mix: { k8s: 40, cilium: 30, calico: 30 },
    seed: 2,
  });
  const { cluster, diagnostics } = loadManifests([{ name: 'generated.yaml', text }]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return (await runFlows(createEngine(cluster), {
    configs: { calico: DEFAULT_CALICO_CONFIG, cilium: DEFAULT_CILIUM_CONFIG },
  }))!;
}

const total = (m: DrawnServiceMap) =>
  m.edges.reduce((n, e) => n + e.forwarded + e.dropped + e.errors, 0);

describe('a large map (30+ workloads) folds its namespaces', () => {
  // 160 pods in 4 namespaces: 8 workloads of 5 replicas each per namespace, 32 in all.
  let big: FlowsData;
  // 60 pods in 30 namespaces: one workload of 2 pods each, 30 in all.
  let wide: FlowsData;
  beforeAll(async () => {
    big = await generatedRun(160, 4);
    wide = await generatedRun(60, 30);
  }, 120_000);

  it('has over FOLD_ABOVE workloads to fold', () => {
    for (const data of [big, wide])
      for (const cni of ['calico', 'cilium'] as const) {
        const workloads = data.maps[cni].boxes.filter((b) => b.kind === 'workload').length;
        expect(workloads).toBeGreaterThanOrEqual(30);
        expect(workloads).toBeGreaterThan(FOLD_ABOVE);
      }
  });

  for (const cni of ['calico', 'cilium'] as const)
    for (const [width, fontSize] of [
      [300, 14],
      [420, 14],
      [640, 14],
      [300, 20],
    ] as const)
      it(`${cni} at ${width} px, ${fontSize} px type: folded, one open, all open: no overlaps`, () => {
        const whole = big.maps[cni];
        const folded = foldServiceMap(whole, new Set());
        expect(folded.foldable).toBe(true);
        // One box per namespace, then what is outside: the column is short.
        const namespaces = folded.map.boxes.filter((b) => b.kind === 'namespace');
        expect(namespaces.map((b) => b.label)).toEqual(['ns-0', 'ns-1', 'ns-2', 'ns-3']);
        expect(namespaces.every((b) => b.kind === 'namespace' && b.members === 8)).toBe(true);
        expect(folded.map.boxes.length).toBeLessThan(whole.boxes.length / 4);
        // Every connection is still on the map, on fewer edges (a namespace's own as a loop).
        expect(total(folded.map)).toBe(total(whole));
        expect(folded.map.edges.length).toBeLessThan(whole.edges.length);
        expect(folded.map.edges.some((e) => e.source === e.target)).toBe(true);
        const laid = layoutServiceMap(folded.map, { width, fontSize, foldable: true });
        checkLayout(folded.map, laid);
        const ns1 = laid.boxes.find((b) => b.id === 'namespace:ns-1')!;
        expect(ns1.name).toBe('▸ ns-1');
        // Every folded box draws its count: in words where they fit (the 640 px drawer), else its
        // number (a 300 px drawer); the tooltip and the accessible name say it in words.
        for (const b of laid.boxes.filter((x) => x.kind === 'namespace')) {
          expect(b.detailInFull, b.id).toBe('8 workloads');
          expect(['8 workloads', '8'], b.id).toContain(b.detail);
          if (width === 640) expect(b.detail, b.id).toBe('8 workloads');
          if (fontSize === 20) expect(b.detail, b.id).toBe('8');
          // Name and count fit the box side by side (the layout's own estimate, bold name).
          expect(
            textWidth(b.name, fontSize * 1.12) +
              fontSize * (b.detail === '8' ? 1.3 : 1.6) +
              textWidth(b.detail, fontSize * 0.85),
            b.id,
          ).toBeLessThanOrEqual(b.box.width);
        }
        // A folded map is no taller than its room's few boxes need: under 12 box heights.
        expect(laid.height).toBeLessThan(fontSize * 1.9 * 12 + fontSize * 10);

        const one = foldServiceMap(whole, new Set(['ns-1'])).map;
        expect(
          one.boxes.filter((b) => b.kind === 'workload' && b.namespace === 'ns-1'),
        ).toHaveLength(8);
        const oneLaid = layoutServiceMap(one, { width, fontSize, foldable: true });
        checkLayout(one, oneLaid);
        expect(oneLaid.groups.map((g) => g.label)).toEqual(['▾ ns-1']);

        const all = foldServiceMap(whole, new Set(['ns-0', 'ns-1', 'ns-2', 'ns-3']));
        expect(all.map.boxes.map((b) => b.id)).toEqual(whole.boxes.map((b) => b.id));
        checkLayout(all.map, layoutServiceMap(all.map, { width, fontSize, foldable: true }));
      });

  it('merges a folded namespace’s edges: counts summed, connections and ports joined', () => {
    const whole = big.maps.cilium;
    const folded = foldServiceMap(whole, new Set()).map;
    const id = 'namespace:ns-0 -> namespace:ns-1';
    const merged = folded.edges.find((e) => e.id === id)!;
    const parts = whole.edges.filter(
      (e) => e.source.startsWith('workload:ns-0/') && e.target.startsWith('workload:ns-1/'),
    );
    expect(parts.length).toBeGreaterThan(1);
    expect(merged.forwarded).toBe(parts.reduce((n, e) => n + e.forwarded, 0));
    expect(merged.dropped).toBe(parts.reduce((n, e) => n + e.dropped, 0));
    expect(merged.connections).toEqual(
      [...new Set(parts.flatMap((e) => e.connections))].sort((a, b) => a - b),
    );
    expect(merged.ports).toEqual([...new Set(parts.flatMap((e) => e.ports))].sort());
  });

  it('is deterministic', () => {
    const a = foldServiceMap(big.maps.calico, new Set(['ns-2']));
    const b = foldServiceMap(structuredClone(big.maps.calico), new Set(['ns-2']));
    expect(b).toEqual(a);
    expect(layoutServiceMap(b.map, { width: 300, fontSize: 14, foldable: true })).toEqual(
      layoutServiceMap(a.map, { width: 300, fontSize: 14, foldable: true }),
    );
  });

  it('a namespace of one workload stays as it is: 30 namespaces make a tall map, labels apart', () => {
    for (const cni of ['calico', 'cilium'] as const) {
      const whole = wide.maps[cni];
      const folded = foldServiceMap(whole, new Set());
      expect(folded.map.boxes).toEqual(whole.boxes);
      for (const width of [300, 420, 640]) {
        const laid = layoutServiceMap(folded.map, { width, fontSize: 14, foldable: true });
        checkLayout(folded.map, laid);
        expect(laid.height).toBeGreaterThan(30 * 14 * 1.9);
      }
    }
  });

  it('a small map does not fold', () => {
    const small = foldServiceMap(data.maps.cilium, new Set());
    expect(small.foldable).toBe(false);
    expect(small.map).toBe(data.maps.cilium);
  });
});

const box = (id: string, namespace?: string): ServiceMapBox => ({
  id,
  kind: id === 'world' ? 'world' : 'workload',
  label: id.split('/').at(-1)!,
  ...(namespace !== undefined ? { namespace } : {}),
  pods: namespace !== undefined ? [`${namespace}/${id}-0`] : [],
});

describe('layoutServiceMap', () => {
  const map: ServiceMap = {
    cni: 'cilium',
    namespaces: ['a', 'b'],
    boxes: [
      box('workload:b/one-with-a-very-long-name-that-cannot-fit-anywhere', 'b'),
      box('workload:a/x', 'a'),
      box('workload:a/y', 'a'),
      box('world'),
    ],
    edges: [
      mapEdge('workload:a/x', 'workload:a/y', 3, 1, ['8080/TCP']),
      mapEdge('workload:a/y', 'workload:a/x', 0, 2),
      mapEdge('workload:a/x', 'world', 1, 0, ['443/TCP', '53/UDP', '80/TCP', '8443/TCP']),
      mapEdge(
        'workload:b/one-with-a-very-long-name-that-cannot-fit-anywhere',
        'workload:a/x',
        1,
        0,
      ),
    ],
  };

  it('groups namespaces in name order, outside boxes last, long names shortened', () => {
    const layout = layoutServiceMap(map, { width: 320, fontSize: 16 });
    checkLayout(map, layout);
    expect(layout.groups.map((g) => g.namespace)).toEqual(['a', 'b']);
    expect(layout.boxes.map((b) => b.id)).toEqual([
      'workload:a/x',
      'workload:a/y',
      'workload:b/one-with-a-very-long-name-that-cannot-fit-anywhere',
      'world',
    ]);
    const long = layout.boxes[2]!;
    expect(long.name.endsWith('…')).toBe(true);
    expect(long.title).toBe('b/one-with-a-very-long-name-that-cannot-fit-anywhere');
    expect(layout.boxes[0]!.detail).toBe('1 pod');
    expect(layout.boxes[3]!.detail).toBe('outside');
  });

  it('tells verdicts apart and puts both counts on a mixed edge', () => {
    const layout = layoutServiceMap(map, { width: 640, fontSize: 14 });
    expect(layout.edges.map((e) => e.verdict)).toEqual([
      'mixed',
      'dropped',
      'forwarded',
      'forwarded',
    ]);
    expect(layout.edges[0]!.label?.text).toBe('3✓ 1✕ · 8080/TCP');
    expect(layout.edges[1]!.label?.text).toBe('✕ 80/TCP');
    expect(layout.edges[2]!.label?.text).toBe('443/TCP 53/UDP +2');
    // With less room, a mixed edge keeps its counts and drops its ports.
    const narrow = layoutServiceMap(map, { width: 300, fontSize: 14 });
    expect(narrow.edges[0]!.label?.text).toBe('3✓ 1✕');
    expect(edgeVerdict({ ...map.edges[0]!, forwarded: 0, dropped: 0, errors: 1 })).toBe('error');
  });

  it('says which edge names a box that is not there', () => {
    const bad: ServiceMap = { ...map, edges: [mapEdge('workload:a/x', 'workload:c/z', 1, 0)] };
    expect(() => layoutServiceMap(bad, { width: 420, fontSize: 14 })).toThrow(
      'service map (cilium) edge workload:a/x -> workload:c/z: no box workload:c/z among its boxes',
    );
  });

  it('lays out an empty map', () => {
    const layout = layoutServiceMap(
      { cni: 'calico', namespaces: [], boxes: [], edges: [] },
      { width: 420, fontSize: 14 },
    );
    expect(layout.boxes).toEqual([]);
    expect(layout.height).toBeGreaterThan(0);
  });
});
