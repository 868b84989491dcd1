import { describe, expect, it } from 'vitest';
import { workloadOf } from '../../engine/matrix';
import type { Cni } from '../../engine/model';
import { runOf, seedWorld, TIERS_LISTED, tiersWorld } from '../../test/whiskerWorlds';
import { serviceMap } from './serviceMap';
import type { WalkedConnection } from './types';

const CNIS: readonly Cni[] = ['calico', 'cilium'];
const WORLDS = [
  { name: 'seed-policies', engine: seedWorld, listed: [] },
  { name: 'tiers', engine: tiersWorld, listed: TIERS_LISTED },
] as const;

const verdictOf = (wc: WalkedConnection, cni: Cni) => {
  const o = cni === 'calico' ? wc.calico : wc.cilium;
  return !o.ok ? 'error' : o.request.verdict === 'delivered' ? 'forwarded' : 'dropped';
};

describe.each(WORLDS)('service map of $name', ({ engine: world, listed }) => {
  const engine = world();
  const run = runOf(engine, 'iptables', listed);

  it.each(CNIS)('%s: every connection is on exactly one edge, counted by its verdict', (cni) => {
    const map = serviceMap(engine.cluster, run.connections, cni);
    const onEdges = map.edges.flatMap((e) => e.connections);
    expect([...onEdges].sort((a, b) => a - b)).toEqual(run.connections.map((c) => c.id));
    const total = map.edges.reduce((n, e) => n + e.forwarded + e.dropped + e.errors, 0);
    expect(total).toBe(run.connections.length);
    for (const e of map.edges) {
      const wcs = e.connections.map((id) => run.connections[id]!);
      expect(e.forwarded).toBe(wcs.filter((wc) => verdictOf(wc, cni) === 'forwarded').length);
      expect(e.dropped).toBe(wcs.filter((wc) => verdictOf(wc, cni) === 'dropped').length);
      expect(map.boxes.some((b) => b.id === e.source)).toBe(true);
      expect(map.boxes.some((b) => b.id === e.target)).toBe(true);
    }
  });

  it('draws each client in its workload’s box, named as the matrix names workloads', () => {
    const map = serviceMap(engine.cluster, run.connections, 'calico');
    for (const wc of run.connections) {
      const pod = engine.cluster.pods.find(
        (p) => `${p.namespace}/${p.name}` === wc.connection.packet.from,
      )!;
      const id = `workload:${pod.namespace}/${workloadOf(pod)}`;
      expect(map.edges.find((e) => e.connections.includes(wc.id))!.source).toBe(id);
      expect(map.boxes.find((b) => b.id === id)!.pods).toContain(wc.connection.packet.from);
    }
    expect(map.namespaces).toEqual(
      [...new Set(map.boxes.flatMap((b) => (b.namespace ? [b.namespace] : [])))].sort(),
    );
  });

  it('sends outside traffic to world, and names the Service on its edges', () => {
    const map = serviceMap(engine.cluster, run.connections, 'cilium');
    for (const wc of run.connections) {
      const edge = map.edges.find((e) => e.connections.includes(wc.id))!;
      if (wc.connection.kind === 'outside') expect(edge.target).toBe('world');
      if (wc.connection.packet.to.startsWith('svc:'))
        expect(edge.services).toContain(wc.connection.packet.to.slice(4));
    }
  });

  it('is the same data in the same order for the same run', () => {
    const a = serviceMap(engine.cluster, run.connections, 'calico');
    const b = serviceMap(engine.cluster, [...run.connections].reverse(), 'calico');
    expect(b).toEqual(a);
    const edgeIds = a.edges.map((e) => e.id);
    expect([...edgeIds].sort()).toEqual(edgeIds);
  });
});

it('counts the two CNIs’ verdicts apart where they disagree', () => {
  const engine = seedWorld();
  const run = runOf(engine, 'iptables');
  const differ = run.connections.filter(
    (wc) => verdictOf(wc, 'calico') !== verdictOf(wc, 'cilium'),
  );
  expect(differ.length).toBeGreaterThan(0);
  const calico = serviceMap(engine.cluster, run.connections, 'calico');
  const cilium = serviceMap(engine.cluster, run.connections, 'cilium');
  const dropped = (m: typeof calico) => m.edges.reduce((n, e) => n + e.dropped, 0);
  expect(dropped(calico) - dropped(cilium)).toBe(
    differ.filter((wc) => verdictOf(wc, 'calico') === 'dropped').length -
      differ.filter((wc) => verdictOf(wc, 'cilium') === 'dropped').length,
  );
});

it('puts a connection whose input is wrong on an edge of unknown boxes', () => {
  const engine = seedWorld();
  const bad: WalkedConnection = {
    id: 0,
    time: 0,
    replyTime: 1,
    connection: {
      packet: { from: 'shop/nobody', to: 'shop/api', port: 80, protocol: 'TCP' },
      kind: 'listed',
    },
    calico: { ok: false, error: 'from: unknown pod "shop/nobody"' },
    cilium: { ok: false, error: 'from: unknown pod "shop/nobody"' },
  };
  const map = serviceMap(engine.cluster, [bad], 'calico');
  expect(map.edges).toEqual([
    expect.objectContaining({
      source: 'unknown:shop/nobody',
      target: 'unknown:shop/api',
      errors: 1,
      connections: [0],
    }),
  ]);
});
