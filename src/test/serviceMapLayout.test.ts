// The service map layout (viz/serviceMapLayout.ts) over a real run of both CNIs: here in test/
// because a viz/ test may not import datapath/ at runtime.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CALICO_CONFIG, DEFAULT_CILIUM_CONFIG } from '../datapath/config';
import { runFlows, type FlowsData } from '../datapath/flows/flowsData';
import type { ServiceMap, ServiceMapBox, ServiceMapEdge } from '../datapath/flows/serviceMap';
import { engineFor } from './scenarios';
import type { Box } from '../viz/layout';
import { edgeVerdict, layoutServiceMap, type ServiceMapLayout } from '../viz/serviceMapLayout';

const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

const inside = (a: Box, outer: Box) =>
  a.x >= outer.x &&
  a.y >= outer.y &&
  a.x + a.width <= outer.x + outer.width &&
  a.y + a.height <= outer.y + outer.height;

function checkLayout(map: ServiceMap, layout: ServiceMapLayout) {
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

const box = (id: string, namespace?: string): ServiceMapBox => ({
  id,
  kind: id === 'world' ? 'world' : 'workload',
  label: id.split('/').at(-1)!,
  ...(namespace !== undefined ? { namespace } : {}),
  pods: namespace !== undefined ? [`${namespace}/${id}-0`] : [],
});
const edge = (
  source: string,
  target: string,
  forwarded: number,
  dropped: number,
  ports: string[] = ['80/TCP'],
): ServiceMapEdge => ({
  id: `${source} -> ${target}`,
  source,
  target,
  forwarded,
  dropped,
  errors: 0,
  ports,
  services: [],
  connections: [1],
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
      edge('workload:a/x', 'workload:a/y', 3, 1, ['8080/TCP']),
      edge('workload:a/y', 'workload:a/x', 0, 2),
      edge('workload:a/x', 'world', 1, 0, ['443/TCP', '53/UDP', '80/TCP', '8443/TCP']),
      edge('workload:b/one-with-a-very-long-name-that-cannot-fit-anywhere', 'workload:a/x', 1, 0),
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
    const bad: ServiceMap = { ...map, edges: [edge('workload:a/x', 'workload:c/z', 1, 0)] };
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
