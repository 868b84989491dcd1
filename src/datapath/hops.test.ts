import { describe, expect, it } from 'vitest';
import { cidr } from '../engine/cidr';
import type { WalkConfig } from './config';
import type { Hop, HopRow } from './hop';
import { lookupRows, routeRows } from './hops';
import type { Route } from './routes';
import { allServicePorts } from './services';
import { walk, type WalkResult } from './walk';
import { calico, cilium, engineFor } from '../test/scenarios';

const run = (file: string, config: WalkConfig, from: string, to: string, port: number) =>
  walk(engineFor(file), config, { from, to, port, protocol: 'TCP' });

const BASIC = 'two-node-basic.yaml';
const SEED = 'seed-policies.yaml';

const matched = (h: Hop): HopRow[] => (h.rows ?? []).filter((r) => r.state === 'matched');
const hopsWhere = (r: WalkResult, pred: (h: Hop) => boolean): Hop[] => r.hops.filter(pred);
const routingTableHops = (r: WalkResult) =>
  hopsWhere(r, (h) => h.stage === 'routing' && /ip route/.test(h.table ?? ''));

function expectOneMatched(h: Hop): HopRow {
  expect(h.rows?.length ?? 0).toBeGreaterThan(0);
  const m = matched(h);
  expect(m).toHaveLength(1);
  return m[0]!;
}

describe('rows of the tables a hop consulted', () => {
  it('marks the longest prefix in the whole routing table', () => {
    const route = (text: string, dst: string | 'default'): Route => ({
      dst: dst === 'default' ? 'default' : cidr(dst),
      type: 'unicast',
      text,
      origin: 'host',
      why: '',
    });
    const table = [
      route('default via 192.168.1.1 dev eth0', 'default'),
      route('blackhole 10.244.1.0/26 proto bird', '10.244.1.0/26'),
      route('10.244.1.10 dev cali1 scope link', '10.244.1.10/32'),
      route('10.244.2.0/26 via 192.168.1.11 dev tunl0 proto bird onlink', '10.244.2.0/26'),
    ];
    const rows = routeRows(table, table[2]!, '10.244.1.10');
    expect(rows.map((r) => r.text)).toEqual(table.map((r) => r.text));
    expect(rows.map((r) => r.state)).toEqual(['tested', 'tested', 'matched', 'tested']);
    expect(rows[1]!.outcome).toMatch(/\/26 is shorter than \/32/);
    expect(rows[3]!.outcome).toMatch(/does not cover/);
    // A route of another table (the local table) is shown alone.
    const local = route('local 192.168.1.5 dev eth0 table local', 'default');
    expect(routeRows(table, local, '192.168.1.5')).toEqual([
      { text: local.text, state: 'matched', outcome: 'chosen' },
    ]);
  });

  it('marks the deciding map lookup, the last by default', () => {
    const lines = ['m {a} -> no entry', 'm {b} -> allow'];
    expect(lookupRows(lines).map((r) => r.state)).toEqual(['tested', 'matched']);
    expect(lookupRows(lines, 0).map((r) => r.state)).toEqual(['matched', 'tested']);
    expect(lookupRows(lines)[0]!.outcome).toBe('no entry');
  });

  describe('Calico', () => {
    it('gives routing hops the node’s whole routing table with the chosen route marked', () => {
      for (const config of [calico({ encap: 'ipip' }), calico({ dataplane: 'ebpf' })]) {
        const r = run(BASIC, config, 'default/pod-a', 'default/pod-c', 80);
        const hops = hopsWhere(r, (h) => h.stage === 'routing');
        expect(hops.length).toBeGreaterThanOrEqual(2);
        for (const h of hops) {
          const m = expectOneMatched(h);
          expect(m.text).toBe(h.match);
          expect(h.rows!.some((row) => row.text.startsWith('default via'))).toBe(true);
        }
      }
    });

    it('gives iptables policy hops every rule tested, in order, with the deciding one marked', () => {
      const r = run(SEED, calico(), 'shop/frontend', 'shop/backend', 8080);
      const policy = hopsWhere(r, (h) => h.stage.endsWith('-policy'));
      expect(policy).toHaveLength(2);
      for (const h of policy) {
        const m = expectOneMatched(h);
        // describeOutcome names the same chain and rule number.
        expect(h.match).toContain(m.outcome!.split(':')[0]!);
        expect(h.rows!.filter((row) => !row.text.includes('end of chain')).length).toBe(
          h.cost.rules,
        );
        expect(h.rows![0]!.text).toBe('-A FORWARD -j cali-FORWARD');
      }
    });

    it('marks the rule that dropped the packet', () => {
      for (const dataplane of ['iptables', 'ebpf'] as const) {
        const r = run(SEED, calico({ dataplane }), 'shop/debug', 'shop/backend', 8080);
        expect(r.verdict).toBe('dropped');
        const ingress = hopsWhere(r, (h) => h.stage === 'ingress-policy')[0]!;
        const m = expectOneMatched(ingress);
        if (dataplane === 'iptables') expect(m.text).toMatch(/End of tier default.* -j DROP$/);
        else {
          // The policy program's own end-of-tier deny, not an iptables DROP rule.
          expect(m.text).toBe('End of tier default: deny');
          const rules = ingress.rows!.filter((x) => !x.text.startsWith('Start of tier'));
          expect(rules).toHaveLength(ingress.cost.rules);
        }
      }
    });

    it('gives kube-proxy hops their chain rules', () => {
      const r = run(SEED, calico(), 'shop/frontend', 'shop/backend', 80);
      const services = r.hops.find((h) => h.table === 'nat PREROUTING → KUBE-SERVICES')!;
      expect(services.rows).toHaveLength(allServicePorts(engineFor(SEED).cluster).length + 1);
      expect(expectOneMatched(services).text).toBe(services.match);
      expect(services.rows![services.rows!.length - 1]!.text).toMatch(/-j KUBE-NODEPORTS$/);
      for (const prefix of ['KUBE-SVC-', 'KUBE-SEP-']) {
        const h = r.hops.find((x) => x.table?.startsWith(prefix))!;
        expect(expectOneMatched(h).text).toBe(h.match);
      }
    });
  });

  describe('Cilium', () => {
    it('gives policy hops each map lookup with the deciding one marked', () => {
      const r = run(SEED, cilium(), 'shop/frontend', 'shop/backend', 8080);
      const policy = hopsWhere(r, (h) => h.stage.endsWith('-policy'));
      expect(policy).toHaveLength(2);
      for (const h of policy) {
        expect(expectOneMatched(h).text).toBe(h.match);
        expect(h.rows).toHaveLength(h.cost.lookups);
      }
    });

    it('marks the lookup that left the packet without an allowing entry', () => {
      const r = run(SEED, cilium(), 'shop/debug', 'shop/backend', 8080);
      expect(r.verdict).toBe('dropped');
      const ingress = hopsWhere(r, (h) => h.stage === 'ingress-policy')[0]!;
      expect(expectOneMatched(ingress).text).toMatch(/-> no entry$/);
    });

    it('gives routing hops the tunnel lookups, or the whole routing table in native routing', () => {
      const tunnel = run(BASIC, cilium(), 'default/pod-a', 'default/pod-c', 80);
      const lookup = hopsWhere(tunnel, (h) => h.stage === 'routing')[0]!;
      expect(expectOneMatched(lookup).text).toMatch(/^cilium_ipcache_v2 .*tunnel_endpoint/);

      const native = run(
        BASIC,
        cilium({ routing: 'native' }),
        'default/pod-a',
        'default/pod-c',
        80,
      );
      const fib = routingTableHops(native)[0] ?? native.hops.find((h) => h.stage === 'routing')!;
      const m = expectOneMatched(fib);
      expect(fib.match).toContain(m.text);
      expect(fib.rows![0]!.text).toMatch(/^cilium_lxc /);
      expect(fib.rows!.some((row) => row.text.startsWith('default via'))).toBe(true);
    });

    it('gives the service lookup its three map lookups', () => {
      const r = run(
        SEED,
        cilium({ kubeProxyReplacement: true }),
        'shop/frontend',
        'shop/backend',
        80,
      );
      const lb = r.hops.find((h) => h.stage === 'service-lb')!;
      expect(lb.rows).toHaveLength(lb.cost.lookups);
      expect(expectOneMatched(lb).text).toMatch(/^cilium_lb4_backends_v3 /);
    });
  });
});
