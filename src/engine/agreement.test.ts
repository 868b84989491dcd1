/**
 * The three ways to a verdict must always agree. Random clusters and policies, written as manifests
 * and loaded by the real loader, are probed pod to pod, from outside addresses and nodes, and to
 * outside addresses:
 * - with only Kubernetes NetworkPolicies, the Kubernetes reference, the Calico iptables model and the
 *   Cilium eBPF model must give the same answer (both CNIs conform to the spec);
 * - with all three dialects, each CNI's reference evaluator and its compiled model must agree;
 * - each compiled model's verdict-only path (calico/verdict.ts, cilium/ebpf/verdict.ts) must give
 *   the explained path's verdict, testing as many rules or making as many lookups.
 *
 * Fixed seed; AGREEMENT_RUNS=50000 npx vitest run src/engine/agreement.test.ts for a longer run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXTERNAL_IPS, arbScenario, type Dialects } from '../test/arbitraries';
import { calicoModelDecision } from './calico/iptables';
import { calicoModelVerdict } from './calico/verdict';
import { ciliumModelDecision, ciliumModelVerdict } from './cilium/ebpf';
import { podKey } from './cluster';
import {
  formatDiagnostic,
  type Cluster,
  type HttpRequest,
  type IcmpTypeCode,
  type Probe,
  type Protocol,
} from './model';
import { loadManifests } from './parse/load';
import { k8sDirectionVerdict } from './reference/k8s';
import { createEngine, evaluateProbe } from './verdict';

const RUNS = Number(process.env.AGREEMENT_RUNS ?? 1000);
const SEED = Number(process.env.AGREEMENT_SEED ?? 20261122);
const PORTS: [number, Protocol][] = [
  [80, 'TCP'],
  [53, 'UDP'],
  [9090, 'TCP'],
  [9000, 'SCTP'],
  [60, 'TCP'],
];
/** Echo request and reply, fragmentation needed (Cilium passes it before policy), timestamp. */
const ICMPS: IcmpTypeCode[] = [
  { type: 8, code: 0 },
  { type: 0, code: 0 },
  { type: 3, code: 4 },
  { type: 3, code: 3 },
  { type: 13, code: 0 },
];
const REQUESTS: HttpRequest[] = [
  { method: 'GET', path: '/api/v1/items' },
  { method: 'POST', path: '/public' },
  { method: 'GET', path: '/' },
];

function probesFor(cluster: Cluster, pick: number): Probe[] {
  const probes: Probe[] = [];
  const pods = cluster.pods.map(podKey);
  let k = pick;
  const next = <T>(list: readonly T[]): T =>
    list[(k = (k * 1103515245 + 12345) >>> 0) % list.length]!;
  for (const from of pods) {
    for (const to of pods) {
      if (from === to) continue;
      const [port, protocol] = next(PORTS);
      probes.push({ from: { pod: from }, to: { pod: to }, port, protocol });
      if (protocol === 'TCP')
        probes.push({ from: { pod: from }, to: { pod: to }, port, protocol, http: next(REQUESTS) });
      const icmp = next(ICMPS);
      probes.push({ from: { pod: from }, to: { pod: to }, port: 0, protocol: 'ICMP', icmp });
    }
    for (const ip of EXTERNAL_IPS) {
      const [port, protocol] = next(PORTS);
      probes.push({ from: { ip }, to: { pod: from }, port, protocol });
      probes.push({ from: { pod: from }, to: { ip }, port, protocol });
      probes.push({
        from: { ip },
        to: { pod: from },
        port: 0,
        protocol: 'ICMP',
        icmp: next(ICMPS),
      });
    }
  }
  return probes;
}

function load(yaml: string): Cluster {
  const { cluster, diagnostics } = loadManifests([{ name: 'random.yaml', text: yaml }]);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0)
    throw new Error(
      `generator wrote an invalid scenario:\n${errors.map(formatDiagnostic).join('\n')}\n${yaml}`,
    );
  return cluster;
}

function check(dialects: Dialects, alsoK8s: boolean) {
  fc.assert(
    fc.property(arbScenario(dialects), fc.nat(), (yaml, pick) => {
      const cluster = load(yaml);
      const engine = createEngine(cluster);
      for (const probe of probesFor(cluster, pick)) {
        const r = evaluateProbe(engine, probe);
        if (!r.ok) throw new Error(r.error);
        const { calico, cilium, resolved } = r.verdict;
        const detail = () =>
          `${JSON.stringify(probe)}\ncalico: ref ${calico.reference.allowed} (${calico.reference.reason}) / iptables ${calico.model.allowed} at ${calico.model.decidedAt}\ncilium: ref ${cilium.reference.allowed} (${cilium.reference.reason}) / ebpf ${cilium.model.allowed} at ${cilium.model.decidedAt}\n${yaml}`;
        if (!calico.agree || !cilium.agree) throw new Error(`models disagree:\n${detail()}`);
        // The verdict-only paths say what the explained ones say, at the same cost (the models
        // themselves, also where the engine shows the spec's verdict instead).
        for (const conntrack of ['new', 'established'] as const) {
          const explained = calicoModelDecision(engine.calico(), resolved, { conntrack });
          const rules = { rules: 0 };
          const fast = calicoModelVerdict(engine.calico(), resolved, { conntrack }, rules);
          if (fast !== explained.allowed || rules.rules !== explained.cost)
            throw new Error(
              `iptables verdict path (${conntrack}) ${fast}, ${rules.rules} rules:\n${detail()}`,
            );
        }
        const explained = ciliumModelDecision(engine.cilium(), resolved);
        const lookups = { lookups: 0 };
        const fast = ciliumModelVerdict(engine.cilium(), resolved, lookups);
        if (fast !== explained.allowed || lookups.lookups !== explained.cost)
          throw new Error(`eBPF verdict path ${fast}, ${lookups.lookups} lookups:\n${detail()}`);
        if (alsoK8s) {
          const spec = ['egress', 'ingress'].every(
            (d) =>
              k8sDirectionVerdict(cluster, resolved, d as 'egress' | 'ingress')?.allowed ?? true,
          );
          // No L7 rules exist in a Kubernetes-only scenario, so HTTP requests change nothing.
          // Cilium passes ICMP fragmentation-needed before any policy (cilium/icmp.ts), where the
          // spec would isolate it: the one place Cilium knowingly departs from it.
          const ciliumSpec =
            probe.protocol === 'ICMP' && probe.icmp?.type === 3 && probe.icmp.code === 4
              ? true
              : spec;
          if (calico.allowed !== spec || cilium.allowed !== ciliumSpec) {
            throw new Error(
              `CNIs do not conform to the NetworkPolicy spec (spec says ${spec}):\n${detail()}`,
            );
          }
        }
      }
    }),
    { seed: SEED, numRuns: RUNS },
  );
}

describe('three-path agreement (property)', () => {
  it('Kubernetes NetworkPolicy only: reference, iptables and eBPF give the spec answer', () => {
    check({ k8s: true }, true);
  }, 600_000);

  it('all dialects: each CNI’s reference and compiled model agree', () => {
    check({ k8s: true, cilium: true, calico: true }, false);
  }, 600_000);

  it('the generator covers every dialect and loads cleanly', () => {
    const sample = fc.sample(arbScenario(), { seed: SEED, numRuns: 200 });
    const clusters = sample.map(load);
    expect(clusters.some((c) => c.k8sPolicies.length > 0)).toBe(true);
    expect(clusters.some((c) => c.ciliumPolicies.some((p) => p.ingressDeny))).toBe(true);
    expect(clusters.some((c) => c.calicoPolicies.some((p) => p.tier === 'security'))).toBe(true);
    expect(clusters.some((c) => c.calicoNetworkSets.length > 0)).toBe(true);
    const rulesOf = <T>(lists: readonly (readonly T[] | null | undefined)[]) =>
      lists.flatMap((l) => l ?? []);
    expect(
      clusters.some((c) =>
        c.calicoPolicies.some((p) =>
          rulesOf([p.ingress, p.egress]).some((r) => r.icmp?.type !== undefined),
        ),
      ),
    ).toBe(true);
    expect(
      clusters.some((c) =>
        c.calicoPolicies.some((p) => rulesOf([p.ingress, p.egress]).some((r) => r.notICMP)),
      ),
    ).toBe(true);
    expect(
      clusters.some((c) =>
        c.ciliumPolicies.some((p) =>
          rulesOf([p.ingress, p.egress, p.ingressDeny, p.egressDeny]).some(
            (r) => (r.icmps?.length ?? 0) > 0,
          ),
        ),
      ),
    ).toBe(true);
    const hasL7 = (c: Cluster) =>
      c.ciliumPolicies.some((p) =>
        (p.ingress ?? []).some((r) => (r.toPorts ?? []).some((t) => t.http !== null)),
      );
    expect(clusters.filter(hasL7).length).toBeGreaterThan(10);
  });
});
