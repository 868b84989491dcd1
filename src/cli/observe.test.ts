import { describe, expect, it } from 'vitest';
import { runCli } from './testing';

const FILE = 'lessons/scenarios/seed-policies.yaml';

interface VerdictRow {
  from: string;
  to: string;
  port: number;
  protocol: string;
  calico: { allowed: boolean };
  cilium: { allowed: boolean };
}

/** The connections `cli verdict` judges by default, as a traffic file, with their verdicts. */
function verdicts() {
  const v = runCli(['verdict', FILE, '--json']);
  expect(v.code).toBe(0);
  const probes = (JSON.parse(v.out) as { probes: VerdictRow[] }).probes.filter(
    (p) => p.protocol !== 'ICMP' && !p.to.startsWith('ip:'),
  );
  const traffic = probes
    .map((p) => `- {from: ${p.from}, to: "pod:${p.to}", port: ${p.port}, protocol: ${p.protocol}}`)
    .join('\n');
  return { probes, traffic };
}

describe('cli observe (issue 17)', () => {
  const { probes, traffic } = verdicts();

  it('Cilium: a connection shows a DROPPED event exactly when cli verdict denies it', () => {
    const r = runCli(['observe', FILE, '--traffic', 't.yaml', '-o', 'json'], { 't.yaml': traffic });
    expect(r.code).toBe(0);
    const dropped = new Set<string>();
    const seen = new Set<string>();
    for (const line of r.out.split('\n')) {
      const { flow } = JSON.parse(line) as {
        flow: {
          verdict: string;
          is_reply?: boolean;
          source: { namespace?: string; pod_name?: string };
          destination: { namespace?: string; pod_name?: string };
          l4: { TCP?: { destination_port: number }; UDP?: { destination_port: number } };
        };
      };
      if (flow.is_reply) continue;
      const port = (flow.l4.TCP ?? flow.l4.UDP)!.destination_port;
      const key = `${flow.source.namespace}/${flow.source.pod_name} ${flow.destination.namespace}/${flow.destination.pod_name} ${port}`;
      seen.add(key);
      if (flow.verdict === 'DROPPED') dropped.add(key);
    }
    expect(probes.length).toBeGreaterThan(10);
    for (const p of probes) {
      const key = `${p.from} ${p.to} ${p.port}`;
      expect(seen.has(key), key).toBe(true);
      expect(dropped.has(key), key).toBe(!p.cilium.allowed);
    }
  });

  it('Calico: a connection has a Deny flow log exactly when cli verdict denies it', () => {
    const r = runCli(['observe', FILE, '--traffic', 't.yaml', '--cni', 'calico', '-o', 'json'], {
      't.yaml': traffic,
    });
    expect(r.code).toBe(0);
    const denied = new Set<string>();
    for (const line of r.out.split('\n')) {
      const l = JSON.parse(line) as Record<string, string | number>;
      expect(l).not.toHaveProperty('connection');
      if (l.action === 'Deny')
        denied.add(
          `${l.source_namespace}/${l.source_name} ${l.dest_namespace}/${l.dest_name} ${l.dest_port}`,
        );
    }
    for (const p of probes)
      expect(denied.has(`${p.from} ${p.to} ${p.port}`), p.to).toBe(!p.calico.allowed);
  });

  it("filters with hubble's own flags and prints hubble's compact lines", () => {
    const r = runCli(['observe', FILE, '--verdict', 'DROPPED', '--to-label', 'app=backend']);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines)
      expect(line).toMatch(
        /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d\.\d{3}: \S+ \((ID:\d+|[a-z-]+)\) (->|<-|<>) shop\/backend:\d+ \(ID:\d+\) .* (DROPPED|DENIED) \(.*\)$/,
      );
  });

  it('says what is wrong with its input, and exits 2', () => {
    const bad = runCli(['observe', FILE, '--verdict', 'dropped']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--verdict/);
    const calicoFlags = runCli(['observe', FILE, '--cni', 'calico', '--to-pod', 'shop/api']);
    expect(calicoFlags.code).toBe(2);
    expect(calicoFlags.err).toMatch(/hubble's flags are for --cni cilium/);
    const badTraffic = runCli(['observe', FILE, '--traffic', 'b.yaml'], {
      'b.yaml': '- {from: shop/frontend, to: shop/backend, port: 0}\n',
    });
    expect(badTraffic.code).toBe(2);
    expect(badTraffic.err).toMatch(/^b\.yaml:1:\d+/);
    const filter = runCli(['observe', FILE, '--cni', 'calico', '--filter', 'colour=red']);
    expect(filter.code).toBe(2);
    expect(filter.err).toMatch(/colour/);
  });
});
