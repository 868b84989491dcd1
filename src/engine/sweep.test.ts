import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { calicoModelDecision, calicoStats, compileCalico } from './calico/iptables';
import { ciliumModelDecision, ciliumStats, compileCilium } from './cilium/ebpf';
import { podKey } from './cluster';
import type { Cluster } from './model';
import { loadManifests } from './parse/load';
import { resolveProbe } from './probe';
import {
  sweepPacket,
  sweepPolicyGenerator,
  sweepScale,
  SweepInputError,
  type SweepSample,
} from './sweep';

const load = (path: string): Cluster => {
  const { cluster, diagnostics } = loadManifests([
    { name: path, text: readFileSync(path, 'utf8') },
  ]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return cluster;
};

const seed = load('lessons/scenarios/seed-policies.yaml');
const frontendToBackend = {
  from: 'shop/frontend',
  to: 'shop/backend',
  port: 8080,
  protocol: 'TCP',
} as const;
const COUNTS = [0, 10, 100, 400];

describe('sweepScale', () => {
  it('grows the iptables walk with the policies and keeps the eBPF lookups constant', async () => {
    const sweep = await sweepScale(seed, { counts: COUNTS, packet: frontendToBackend });
    expect(sweep.samples.map((s) => s.added)).toEqual(COUNTS);
    const base = seed.k8sPolicies.length + seed.ciliumPolicies.length + seed.calicoPolicies.length;
    expect(sweep.basePolicies).toBe(base);
    expect(sweep.samples.map((s) => s.policies)).toEqual(COUNTS.map((n) => n + base));
    const tested = sweep.samples.map((s) => s.iptables.rulesTested);
    for (let i = 1; i < tested.length; i++) expect(tested[i]).toBeGreaterThan(tested[i - 1]!);
    const lookups = new Set(sweep.samples.map((s) => s.ebpf.mapLookups));
    expect(lookups.size).toBe(1);
    // What the models compile grows on both sides: rules and chains, policy-map entries.
    const rules = sweep.samples.map((s) => s.iptables.rules);
    const entries = sweep.samples.map((s) => s.ebpf.policyMapEntries);
    expect(rules.at(-1)!).toBeGreaterThan(rules[0]!);
    expect(entries.at(-1)!).toBeGreaterThan(entries[0]!);
    // The added policies never allow the packet: its verdict stays the scenario's own.
    expect(new Set(sweep.samples.map((s) => s.iptables.allowed))).toEqual(new Set([true]));
    expect(new Set(sweep.samples.map((s) => s.ebpf.allowed))).toEqual(new Set([true]));
  });

  it('reports what the compiled models report for the same cluster', async () => {
    const sweep = await sweepScale(seed, { counts: [0, 40], packet: frontendToBackend });
    // Rebuild the 40-policy cluster from the same generator and compile it here.
    const source = seed.pods.find((p) => podKey(p) === 'shop/frontend')!;
    const next = sweepPolicyGenerator(seed, source);
    const text = Array.from({ length: 40 }, (_, i) => next(i)).join('\n---\n');
    const added = loadManifests([{ name: 'added.yaml', text }]).cluster;
    const cluster: Cluster = {
      ...seed,
      k8sPolicies: [...seed.k8sPolicies, ...added.k8sPolicies],
      ciliumPolicies: [...seed.ciliumPolicies, ...added.ciliumPolicies],
      calicoPolicies: [...seed.calicoPolicies, ...added.calicoPolicies],
    };
    const probe = resolveProbe(cluster, {
      from: { pod: 'shop/frontend' },
      to: { pod: 'shop/backend' },
      port: 8080,
      protocol: 'TCP',
    });
    if (!probe.ok) throw new Error(probe.error);
    const calico = compileCalico(cluster);
    const cilium = compileCilium(cluster);
    const sample = sweep.samples[1]!;
    expect(sample.iptables.rulesTested).toBe(calicoModelDecision(calico, probe.probe).cost);
    expect(sample.ebpf.mapLookups).toBe(ciliumModelDecision(cilium, probe.probe).cost);
    const c = calicoStats(calico);
    const e = ciliumStats(cilium);
    expect([sample.iptables.chains, sample.iptables.rules, sample.iptables.ipsets]).toEqual([
      c.chains,
      c.rules,
      c.ipsets,
    ]);
    expect([sample.ebpf.policyMapEntries, sample.ebpf.identities]).toEqual([
      e.policyMapEntries,
      e.identities,
    ]);
  });

  it('mixes the dialects as the bench does and keeps to the scenario namespaces', () => {
    const source = seed.pods.find((p) => podKey(p) === 'shop/frontend')!;
    const next = sweepPolicyGenerator(seed, source, 7);
    const docs = Array.from(
      { length: 8 },
      (_, i) =>
        JSON.parse(next(i)) as {
          kind: string;
          apiVersion: string;
          metadata: { namespace: string };
        },
    );
    expect(docs.map((d) => d.apiVersion)).toEqual([
      'networking.k8s.io/v1',
      'networking.k8s.io/v1',
      'cilium.io/v2',
      'projectcalico.org/v3',
      'networking.k8s.io/v1',
      'networking.k8s.io/v1',
      'cilium.io/v2',
      'projectcalico.org/v3',
    ]);
    const namespaces = new Set(seed.pods.map((p) => p.namespace));
    for (const d of docs) expect(namespaces.has(d.metadata.namespace)).toBe(true);
  });

  it('reports progress per parsed batch and per sample, and stops when told', async () => {
    const reports: [number, number, SweepSample | null][] = [];
    const sweep = await sweepScale(
      seed,
      { counts: [0, 10, 1500], packet: frontendToBackend },
      (done, total, sample) => {
        reports.push([done, total, sample]);
        return reports.length < 4;
      },
    );
    // Two parse batches (1,000 + 500), the first sample, then a report before the second sample,
    // which stops it before that sample is measured.
    expect(reports.map(([d, t, s]) => [d, t, s?.added ?? null])).toEqual([
      [1, 5, null],
      [2, 5, null],
      [3, 5, 0],
      [3, 5, null],
    ]);
    expect(sweep.samples.map((s) => s.added)).toEqual([0]);
  });

  it('falls back to a pod-to-pod packet and refuses bad counts saying where', async () => {
    const packet = sweepPacket(seed, {
      from: 'shop/frontend',
      to: 'nowhere/x',
      port: 1,
      protocol: 'TCP',
    });
    expect(seed.pods.map(podKey)).toContain(packet.from);
    expect(seed.pods.find((p) => podKey(p) === packet.to)!.ports.map((p) => p.port)).toContain(
      packet.port,
    );
    await expect(sweepScale(seed, { counts: [0, 10, 5] })).rejects.toThrow(
      /counts\[2\] \(5\) must be larger than counts\[1\]/,
    );
    await expect(sweepScale(seed, { counts: [20000] })).rejects.toBeInstanceOf(SweepInputError);
  });
});
