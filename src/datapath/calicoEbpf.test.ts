/**
 * Calico's eBPF dataplane walk (issue 10): no iptables policy chains or marks, the policy program
 * behind the jump maps, the few FORWARD rules Felix keeps for packets the programs do not
 * redirect, connect-time load balancing for TCP and per-packet NAT for UDP, the conntrack map's
 * name by version, and Felix (not BGP) as the source of VXLAN routes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../engine/parse/load';
import { createEngine } from '../engine/verdict';
import type { Hop } from './hop';
import type { PacketSpec } from './packet';
import { walk, type WalkResult } from './walk';
import { calico, engineFor, SCENARIOS } from '../test/scenarios';

const SEED = 'seed-policies.yaml';
const BASIC = 'two-node-basic.yaml';
const ebpf = calico({ dataplane: 'ebpf' });

const packet = (from: string, to: string, port: number, extra: Partial<PacketSpec> = {}) =>
  ({ from, to, port, protocol: 'TCP', ...extra }) as PacketSpec;
const run = (file: string, config: ReturnType<typeof calico>, p: PacketSpec): WalkResult =>
  walk(engineFor(file), config, p);
const texts = (h: Hop): string[] => [h.match ?? '', ...(h.rows ?? []).map((r) => r.text)];
const allTexts = (r: WalkResult): string => r.hops.flatMap(texts).join('\n');

/** The seed scenario plus a UDP Service in front of the frontend pod (port 53 → 5353). */
function withUdpService() {
  const seed = readFileSync(join(SCENARIOS, SEED), 'utf8');
  const udp = `
---
apiVersion: v1
kind: Service
metadata:
  name: backend-udp
  namespace: shop
spec:
  clusterIP: 10.96.0.53
  selector:
    app: frontend
  ports:
  - port: 53
    targetPort: 5353
    protocol: UDP
`;
  const { cluster, diagnostics } = loadManifests([{ name: 'udp.yaml', text: seed + udp }]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return createEngine(cluster);
}

describe('Calico eBPF: no iptables policy chains, the policy program instead', () => {
  for (const encap of ['ipip', 'vxlan', 'none'] as const) {
    it(`shows no cali-INPUT, cali-tw-/cali-fw-/cali-pi- rule and no policy mark (${encap})`, () => {
      const r = run(
        SEED,
        calico({ dataplane: 'ebpf', encap }),
        packet('shop/frontend', 'shop/backend', 8080),
      );
      expect(r.verdict).toBe('delivered');
      const all = allTexts(r);
      expect(all).not.toMatch(
        /cali-INPUT|cali-tw-|cali-fw-|cali-pi-|cali-pri-|--set-xmark 0x10000/,
      );
      expect(r.hops.some((h) => h.table === 'cali-INPUT')).toBe(false);
    });
  }

  it('names the policy rule the program was compiled from and its verdict, with program sections', () => {
    const r = run(SEED, ebpf, packet('shop/frontend', 'shop/backend', 8080));
    const ingress = r.hops.find((h) => h.stage === 'ingress-policy')!;
    expect(ingress.where).toContain('cali_jump_egr2');
    expect(ingress.table).toMatch(/^BPF policy program of cali\w+ \(ingress, in cali_jump_egr2\)$/);
    expect(ingress.match).toBe(
      'ALLOW: rule spec.ingress[0] of NetworkPolicy shop/allow-frontend (action Allow, tier default)',
    );
    const rows = ingress.rows!;
    expect(rows[0]).toMatchObject({ text: 'Start of tier default', chain: 'tier default' });
    const decided = rows.find((x) => x.state === 'matched')!;
    expect(decided.text).toMatch(
      /^rule NetworkPolicy shop\/allow-frontend spec\.ingress\[0\]: proto=tcp src=\{ipset cali40s:\S+\} dports=\{8080\} → allow$/,
    );
    expect(decided.outcome).toBe('match: the program returns ALLOW');
    expect(decided.chain).toBe('NetworkPolicy shop/allow-frontend');
    const egress = r.hops.find((h) => h.stage === 'egress-policy')!;
    expect(egress.where).toContain('cali_jump_ing2');
    expect(egress.match).toBe(
      'ALLOW: profile kns.shop (no policy selects the pod in this direction)',
    );
  });

  it('drops with the deny verdict and the rule, not an iptables DROP rule', () => {
    const r = run(SEED, ebpf, packet('shop/frontend', 'shop/database', 5432));
    expect(r.verdict).toBe('dropped');
    const pol = r.hops.find((h) => h.stage === 'ingress-policy')!;
    expect(pol.match).toMatch(/^DENY: /);
    expect(r.dropReason).toMatch(/^denied by the policy program of cali\w+ \(DENY: /);
    expect(allTexts(r)).not.toMatch(/-j DROP|-A cali-/);
  });

  it('says FORWARD is reached only for packets the program does not redirect, and shows those rules', () => {
    const pod = run(SEED, ebpf, packet('shop/frontend', 'shop/backend', 8080));
    expect(pod.hops.some((h) => h.table === 'filter FORWARD')).toBe(false);
    expect(pod.hops.map((h) => h.explanation).join(' ')).not.toContain('never reach iptables');
    const hook = pod.hops.find((h) => h.stage === 'egress-hook')!;
    expect(hook.explanation).toContain('"Pre-approved by BPF programs."');
    expect(hook.explanation).toContain('natOutgoing');

    // natOutgoing: calico_tc_main leaves the packet to the kernel, so it meets FORWARD.
    const out = run(SEED, ebpf, packet('shop/frontend', 'ip:8.8.8.8', 443));
    const fwd = out.hops.find((h) => h.table === 'filter FORWARD')!;
    expect(fwd.rows!.map((x) => x.text)).toEqual([
      '-A FORWARD -m comment --comment "Pre-approved by BPF programs." -m mark --mark 0x3000000/0x3000000 -j ACCEPT',
      '-A FORWARD -i cali+ -m comment --comment "From workload without BPF seen mark" -m mark ! --mark 0x1000000/0x1000000 -j DROP',
      '-A FORWARD -m comment --comment "Mark pre-established flows." -m conntrack --ctstate RELATED,ESTABLISHED -j MARK --set-xmark 0x8000000/0x8000000',
      '-A FORWARD -o cali+ -m comment --comment "To workload, check workload is known." -j cali-to-wl-dispatch',
      '-A FORWARD -i cali+ -m comment --comment "To workload, mark has already been verified." -j ACCEPT',
      '-A FORWARD -i bpfout.cali -m comment --comment "From bpfout.cali device, mark verified, accept." -j ACCEPT',
    ]);
    // The NAT-outgoing mark 0x3800000 (MarkSeenNATOutgoing = MarkSeenBypass | 0x800000,
    // felix/bpf/tc/defs/defs.go) carries the bypass bits, so the first rule accepts the packet.
    expect(fwd.rows!.map((x) => x.state)).toEqual([
      'matched',
      'not-reached',
      'not-reached',
      'not-reached',
      'not-reached',
      'not-reached',
    ]);
    expect(fwd.cost.rules).toBe(1);
    const masq = out.hops.find((h) => h.table === 'cali-nat-outgoing')!;
    expect(masq.match).toBe('-m mark --mark 0x3800000/0x3f00000 -j MASQUERADE');
    expect(masq.explanation).toContain('MarkSeenNATOutgoing');
  });

  it('says the connect hook records the Service address for pre-DNAT policy, looked up by socket cookie', () => {
    const r = run(SEED, ebpf, packet('shop/frontend', 'svc:shop/backend', 80));
    const hook = r.hops.find((h) => h.stage === 'egress-hook')!;
    expect(hook.explanation).toContain('cali_v4_ct_nats');
    expect(hook.explanation).toMatch(/socket cookie/);
    expect(hook.explanation).toMatch(/pre-DNAT destination/);
  });
});

describe('Calico eBPF Services: connect-time load balancing for TCP, per-packet NAT for UDP', () => {
  it('rewrites a TCP connection at connect(): the first packet leaves the pod addressed to the backend', () => {
    const r = run(SEED, ebpf, packet('shop/frontend', 'svc:shop/backend', 80));
    expect(r.verdict).toBe('delivered');
    const lb = r.hops[0]!;
    expect(lb.stage).toBe('service-lb');
    expect(lb.where).toContain('cgroup/connect4');
    expect(lb.table).toBe('cali_v4_nat_fe3 → cali_v4_nat_be');
    const sent = r.hops.find((h) => h.stage === 'in-pod')!;
    expect(sent.headers[0]).toMatchObject({ dst: '10.244.1.10', dport: 8080 });
    // No per-packet NAT in calico_tc_main afterwards.
    expect(r.hops.filter((h) => h.stage === 'service-lb')).toHaveLength(1);
    expect(r.hops.some((h) => h.where.includes('calico_tc_main (NAT)'))).toBe(false);
  });

  it('needs no reverse NAT on the TCP reply: the socket is connected to the backend', () => {
    const r = run(SEED, ebpf, packet('shop/frontend', 'svc:shop/backend', 80, { reply: true }));
    expect(r.verdict).toBe('delivered');
    const last = r.hops[r.hops.length - 1]!;
    expect(last.headers[0]).toMatchObject({ src: '10.244.1.10', sport: 8080 });
    expect(r.hops.find((h) => h.stage === 'service-lb')!.match).toMatch(/^no reverse NAT/);
  });

  it('fails connect() itself when the TCP Service has no endpoints', () => {
    const engine = engineFor(SEED);
    const svc = engine.cluster.services.find((s) => s.name === 'backend')!;
    expect(svc).toBeDefined();
    const r = walk(
      createEngine({
        ...engine.cluster,
        services: engine.cluster.services.map((s) =>
          s === svc ? { ...s, selector: { app: 'nothing-matches' } } : s,
        ),
      }),
      ebpf,
      packet('shop/frontend', 'svc:shop/backend', 80),
    );
    expect(r.verdict).toBe('dropped');
    expect(r.hops).toHaveLength(1);
    expect(r.hops[0]!.where).toContain('cgroup/connect4');
    expect(r.dropReason).toContain('connect() fails');
  });

  it('NATs UDP per packet in calico_tc_main and reverses it on the reply', () => {
    const engine = withUdpService();
    const spec = packet('shop/backend', 'svc:shop/backend-udp', 53, { protocol: 'UDP' });
    const r = walk(engine, ebpf, spec);
    expect(r.verdict).toBe('delivered');
    const sent = r.hops.find((h) => h.stage === 'in-pod')!;
    expect(sent.headers[0]).toMatchObject({ dst: '10.96.0.53', dport: 53 });
    const lb = r.hops.find((h) => h.stage === 'service-lb')!;
    expect(lb.where).toContain('calico_tc_main (NAT)');
    expect(lb.headers[0]).toMatchObject({ dst: '10.244.0.5', dport: 5353 });
    expect(lb.explanation).toContain('BPFConnectTimeLoadBalancing=TCP');
    expect(r.hops.some((h) => h.where.includes('cgroup/connect4'))).toBe(false);

    const back = walk(engine, ebpf, { ...spec, reply: true });
    const lastHop = back.hops[back.hops.length - 1]!;
    expect(lastHop.headers[0]).toMatchObject({ src: '10.96.0.53', sport: 53 });
  });
});

describe('Calico eBPF: names by version and Felix-programmed VXLAN routes', () => {
  it('says cali_v4_ct4 was cali_v4_ct3 before v3.31 wherever the walk names it', () => {
    for (const reply of [false, true]) {
      const r = run(SEED, ebpf, packet('shop/frontend', 'shop/backend', 8080, { reply }));
      const named = r.hops.filter((h) => `${h.table} ${h.match}`.includes('cali_v4_ct4'));
      expect(named.length).toBeGreaterThan(0);
      for (const h of named) expect(h.explanation).toContain('before v3.31 it was cali_v4_ct3');
    }
  });

  for (const dataplane of ['iptables', 'ebpf'] as const)
    for (const encap of ['vxlan', 'vxlan-crosssubnet'] as const)
      it(`says VXLAN routes come from Felix, not BGP (${dataplane}, ${encap})`, () => {
        // web-2 shares web-1's subnet (CrossSubnet: direct route), web-4 is in the other rack.
        for (const to of ['demo/web-2', 'demo/web-4']) {
          const r = run(
            'multi-rack.yaml',
            calico({ dataplane, encap }),
            packet('demo/web-1', to, 80),
          );
          const routing = r.hops.filter(
            (h) => h.stage === 'routing' && /vxlan\.calico|proto 80/.test(h.match ?? ''),
          );
          expect(routing.length).toBeGreaterThan(0);
          for (const h of routing) {
            expect(h.explanation).toContain('not from BGP');
            expect(h.explanation).toContain('calico_backend: vxlan');
          }
          expect(r.hops.map((h) => h.explanation).join(' ')).not.toMatch(/BIRD learned/);
        }
      });

  it('does not add the VXLAN note in IPIP mode (BIRD does carry those routes)', () => {
    const r = run(BASIC, calico({ encap: 'ipip' }), packet('default/pod-a', 'default/pod-c', 80));
    const routing = r.hops.filter((h) => h.stage === 'routing');
    expect(routing.some((h) => h.explanation.includes('BIRD learned'))).toBe(true);
    expect(routing.some((h) => h.explanation.includes('calico_backend: vxlan'))).toBe(false);
  });
});
