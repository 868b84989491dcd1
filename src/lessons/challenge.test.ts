import { describe, expect, it } from 'vitest';
import type { PacketSpec } from '../datapath/packet';
import { walk, type WalkResult, type WalkVerdict } from '../datapath/walk';
import type { Cni } from '../engine/model';
import { calico, cilium, engineFor, sampledConfigs } from '../test/scenarios';
import {
  challengeAnswer,
  drawChallenge,
  gradeChallenge,
  hopChoices,
  OUTSIDE_ADDRESS,
} from './challenge';
import { decidingHop, decidingHopIndex, hopMentions } from './deciding';

const SEEDS = Array.from({ length: 200 }, (_, i) => i);

function walksOf(file: string, packet: PacketSpec): Record<Cni, WalkResult> {
  const engine = engineFor(file);
  return { calico: walk(engine, calico(), packet), cilium: walk(engine, cilium(), packet) };
}

describe('drawChallenge', () => {
  const { cluster } = engineFor('seed-policies.yaml');
  const compare = { layout: 'compare' } as const;

  it('draws the same packet for the same seed, and different packets across seeds', () => {
    expect(drawChallenge(cluster, 17, compare)).toEqual(drawChallenge(cluster, 17, compare));
    const packets = new Set(
      SEEDS.map((s) => JSON.stringify(drawChallenge(cluster, s, compare).packet)),
    );
    expect(packets.size).toBeGreaterThan(30);
  });

  it('sends from a pod to a pod, a Service or outside, on declared and undeclared ports, always walkable', () => {
    const engine = engineFor('seed-policies.yaml');
    const kinds = new Set<string>();
    const declared = new Set<boolean>();
    for (const seed of SEEDS) {
      const ch = drawChallenge(cluster, seed, compare);
      kinds.add(ch.target);
      declared.add(ch.declaredPort);
      const [ns, name] = ch.packet.from.split('/');
      expect(cluster.pods.some((p) => p.namespace === ns && p.name === name)).toBe(true);
      if (ch.target === 'pod') {
        const to = cluster.pods.find((p) => `pod:${p.namespace}/${p.name}` === ch.packet.to)!;
        expect(to).toBeDefined();
        expect(to.ports.some((p) => p.port === ch.packet.port)).toBe(ch.declaredPort);
      } else if (ch.target === 'service') {
        const to = cluster.services.find((s) => `svc:${s.namespace}/${s.name}` === ch.packet.to)!;
        expect(to.ports.some((p) => p.port === ch.packet.port)).toBe(true);
      } else {
        expect(ch.packet.to).toBe(`ip:${OUTSIDE_ADDRESS}`);
      }
      // Every drawn packet makes sense to the models in both CNIs.
      expect(() => walk(engine, calico(), ch.packet)).not.toThrow();
      expect(() => walk(engine, cilium(), ch.packet)).not.toThrow();
    }
    expect([...kinds].sort()).toEqual(['outside', 'pod', 'service']);
    expect([...declared].sort()).toEqual([false, true]);
  });

  it('asks about the CNIs the layout shows', () => {
    expect(drawChallenge(cluster, 3, compare).cnis).toEqual(['calico', 'cilium']);
    expect(drawChallenge(cluster, 3, { layout: 'cilium' }).cnis).toEqual(['cilium']);
    expect(drawChallenge(cluster, 3, { layout: 'cilium' }).packet).toEqual(
      drawChallenge(cluster, 3, compare).packet,
    );
  });

  it('refuses a seed that is not a 32-bit whole number, and a cluster without pods, saying why', () => {
    expect(() => drawChallenge(cluster, -1, compare)).toThrow(/seed -1 is not a whole number/);
    expect(() => drawChallenge(cluster, 1.5, compare)).toThrow(/seed 1.5/);
    expect(() => drawChallenge(cluster, 2 ** 32, compare)).toThrow(/seed 4294967296/);
    expect(() => drawChallenge({ pods: [], services: [] }, 1, compare)).toThrow(/at least one pod/);
  });
});

describe('challengeAnswer', () => {
  it('is the walk verdict and the deciding hop of the lessons (deciding.ts)', () => {
    const walks = walksOf('seed-policies.yaml', {
      from: 'shop/backend',
      to: 'shop/api',
      port: 8080,
      protocol: 'TCP',
    });
    for (const cni of ['calico', 'cilium'] as const) {
      const answer = challengeAnswer(walks[cni]);
      expect(answer.verdict).toBe(walks[cni].verdict);
      expect(answer.hopIndex).toBe(decidingHopIndex(walks[cni]));
      expect(answer.hop?.table).toBe(decidingHop(walks[cni])!.table);
    }
    // Cilium drops it at the api's ingress policy map; Calico delivers it, last decided at ingress.
    expect(walks.cilium.verdict).toBe('dropped');
    expect(challengeAnswer(walks.cilium).hop).toMatchObject({ stage: 'ingress-policy' });
    expect(challengeAnswer(walks.cilium).hop!.table).toMatch(/cilium_policy_v2_\d+/);
    expect(walks.calico.verdict).toBe('delivered');
    expect(challengeAnswer(walks.calico).hop).toMatchObject({ stage: 'ingress-policy' });
    expect(challengeAnswer(walks.calico).hop!.table).toMatch(/^cali-tw-/);
  });

  it('names Envoy when the L7 proxy decides', () => {
    const walks = walksOf('seed-policies.yaml', {
      from: 'shop/frontend',
      to: 'shop/api',
      port: 8080,
      protocol: 'TCP',
      http: { method: 'GET', path: '/admin' },
    });
    expect(walks.cilium.verdict).toBe('dropped');
    const hop = walks.cilium.hops[challengeAnswer(walks.cilium).hopIndex]!;
    expect(hop.where).toMatch(/cilium-envoy/);
  });
});

describe('hopChoices', () => {
  const { cluster } = engineFor('seed-policies.yaml');

  it('holds the answer once, among distinct tables none of which the deciding hop names', () => {
    for (const seed of SEEDS.slice(0, 60)) {
      const ch = drawChallenge(cluster, seed, { layout: 'compare' });
      const walks = walksOf('seed-policies.yaml', ch.packet);
      for (const cni of ['calico', 'cilium'] as const) {
        const choices = hopChoices(walks, cni, seed);
        const answer = challengeAnswer(walks[cni]);
        if (!answer.hop) {
          expect(choices).toEqual([]);
          continue;
        }
        expect(choices.filter((c) => c.key === answer.hop!.key)).toHaveLength(1);
        expect(choices.length).toBeGreaterThanOrEqual(2);
        expect(choices.length).toBeLessThanOrEqual(4);
        expect(new Set(choices.map((c) => c.table)).size).toBe(choices.length);
        const deciding = decidingHop(walks[cni])!;
        for (const c of choices.filter((x) => x.key !== answer.hop!.key))
          expect(hopMentions(deciding, c.table)).toBe(false);
      }
    }
  });

  it('is the same for the same seed, and prefers the walk own policy hops as distractors', () => {
    const walks = walksOf('seed-policies.yaml', {
      from: 'shop/frontend',
      to: 'shop/backend',
      port: 9999,
      protocol: 'TCP',
    });
    expect(hopChoices(walks, 'calico', 5)).toEqual(hopChoices(walks, 'calico', 5));
    const tables = hopChoices(walks, 'calico', 5).map((c) => c.table);
    // The sender's egress chain is the first trap when the receiver's ingress chain decides.
    expect(tables.some((t) => t.startsWith('cali-fw-'))).toBe(true);
    expect(tables.some((t) => t.startsWith('cali-tw-'))).toBe(true);
  });

  it('keeps to every mode: the answer is among the choices in sampled configurations', () => {
    const engine = engineFor('seed-policies.yaml');
    const packet: PacketSpec = {
      from: 'shop/api',
      to: 'shop/backend',
      port: 8080,
      protocol: 'TCP',
    };
    for (const config of sampledConfigs(6)) {
      const result = walk(engine, config, packet);
      const walks = { [config.cni]: result } as Partial<Record<Cni, WalkResult>>;
      const answer = challengeAnswer(result);
      expect(hopChoices(walks, config.cni, 1).map((c) => c.key)).toContain(answer.hop!.key);
    }
  });
});

describe('gradeChallenge', () => {
  const walks = walksOf('seed-policies.yaml', {
    from: 'shop/backend',
    to: 'shop/api',
    port: 8080,
    protocol: 'TCP',
  });
  const right = (cni: Cni) => {
    const a = challengeAnswer(walks[cni]);
    return { verdict: a.verdict, hop: a.hop!.key };
  };
  const other = (v: WalkVerdict): WalkVerdict => (v === 'delivered' ? 'dropped' : 'delivered');

  it('scores every part right, every part wrong, and each part on its own', () => {
    expect(
      gradeChallenge({ calico: right('calico'), cilium: right('cilium') }, walks),
    ).toMatchObject({ score: 4, of: 4 });
    const wrong = (cni: Cni) => ({ verdict: other(right(cni).verdict), hop: 'nowhere' });
    const none = gradeChallenge({ calico: wrong('calico'), cilium: wrong('cilium') }, walks);
    expect(none).toMatchObject({ score: 0, of: 4 });
    expect(none.perCni.cilium).toMatchObject({ verdictCorrect: false, hopCorrect: false });
    const half = gradeChallenge(
      { calico: { ...right('calico'), hop: right('cilium').hop }, cilium: wrong('cilium') },
      walks,
    );
    expect(half.score).toBe(1);
    expect(half.perCni.calico).toMatchObject({ verdictCorrect: true, hopCorrect: false });
  });

  it('counts a part left out as wrong, and grades only the CNIs walked', () => {
    expect(gradeChallenge({}, walks)).toMatchObject({ score: 0, of: 4 });
    const only = gradeChallenge({ cilium: right('cilium') }, { cilium: walks.cilium });
    expect(only).toMatchObject({ score: 2, of: 2 });
    expect(only.perCni.calico).toBeUndefined();
  });

  it('does not ask for a hop when a delivered walk met no policy hop', () => {
    const delivered = walks.calico;
    const noPolicy: WalkResult = {
      ...delivered,
      hops: delivered.hops.filter((h) => !h.stage.endsWith('-policy')),
    };
    const g = gradeChallenge({ calico: { verdict: 'delivered' } }, { calico: noPolicy });
    expect(g).toMatchObject({ score: 1, of: 1 });
    expect(g.perCni.calico!.hopCorrect).toBeNull();
    expect(hopChoices({ calico: noPolicy }, 'calico', 1)).toEqual([]);
  });
});
