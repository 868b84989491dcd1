import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../engine/parse/load';
import { createEngine, type Engine } from '../engine/verdict';
import { calico, cilium, engineFor } from '../test/scenarios';
import type { WalkConfig } from './config';
import type { Hop } from './hop';
import { describeTuple, l4Header } from './hops';
import { reverseTuple } from './flow';
import { resolvePacket, WalkInputError, type PacketSpec } from './packet';
import { walk, type WalkResult } from './walk';

// two-node-basic: pod-a (app=client) and pod-b (app=web) on node-1, pod-c (app=web) on node-2.
const BASIC = readFileSync('lessons/scenarios/two-node-basic.yaml', 'utf8');

const withPolicy = (policy: string): Engine =>
  createEngine(
    loadManifests([
      { name: 'basic.yaml', text: BASIC },
      { name: 'policy.yaml', text: policy },
    ]).cluster,
  );

const ping = (to: string, extra: Partial<PacketSpec> = {}): PacketSpec => ({
  from: 'default/pod-a',
  to,
  port: 0,
  protocol: 'ICMP',
  ...extra,
});

const headersOf = (r: WalkResult): Hop['headers'][number][] => r.hops.flatMap((h) => h.headers);
const innermost = (h: Hop) => h.headers[h.headers.length - 1]!;
const last = (r: WalkResult) => r.hops[r.hops.length - 1]!;

const MODES: [string, WalkConfig][] = [
  ['Calico iptables IPIP', calico()],
  ['Calico iptables VXLAN', calico({ encap: 'vxlan' })],
  ['Calico eBPF', calico({ dataplane: 'ebpf' })],
  ['Calico WireGuard', calico({ wireguard: true })],
  ['Cilium VXLAN', cilium()],
  [
    'Cilium native, kube-proxy replacement',
    cilium({ routing: 'native', kubeProxyReplacement: true, bpfMasquerade: true }),
  ],
  ['Cilium Geneve with IPsec', cilium({ routing: 'geneve', encryption: 'ipsec' })],
];

describe('ICMP packets in the walks', () => {
  const basic = engineFor('two-node-basic.yaml');

  it.each(MODES)(
    '%s: an echo request reaches the pod on the other node, without ports',
    (_, config) => {
      const r = walk(basic, config, ping('default/pod-c'));
      expect(r.verdict).toBe('delivered');
      expect(last(r).stage).toBe('delivered');
      const inner = r.hops.map(innermost);
      for (const h of inner) {
        expect(h).toEqual({
          proto: 'ICMP',
          src: '10.244.0.5',
          dst: '10.244.1.10',
          icmp: { type: 8, code: 0 },
        });
      }
      expect(r.title).toContain('ICMP echo-request (type 8, code 0)');
      expect(r.notes.join(' ')).not.toMatch(/PacketWalk bug/);
    },
  );

  it.each(MODES)('%s: the echo reply (type 0) comes back on conntrack', (_, config) => {
    const r = walk(basic, config, ping('default/pod-c', { reply: true }));
    expect(r.verdict).toBe('delivered');
    expect(r.hops[0]!.headers[0]).toEqual({
      proto: 'ICMP',
      src: '10.244.1.10',
      dst: '10.244.0.5',
      icmp: { type: 0, code: 0 },
    });
    expect(r.hops.some((h) => /established|CT_REPLY|ESTABLISHED/.test(h.match ?? ''))).toBe(true);
  });

  it('renders the tuple as ICMP type and code, no ports', () => {
    const p = resolvePacket(basic.cluster, ping('default/pod-b'));
    expect(describeTuple(p.flow)).toBe(
      'ICMP echo-request (type 8, code 0) 10.244.0.5 → 10.244.0.6',
    );
    expect(l4Header(p.flow)).not.toHaveProperty('sport');
    expect(describeTuple(reverseTuple(p.flow))).toBe(
      'ICMP echo-reply (type 0, code 0) 10.244.0.6 → 10.244.0.5',
    );
  });

  it('names each conntrack: Calico BPF with ports 0, Cilium’s any map keyed by the echo identifier', () => {
    const bpf = walk(basic, calico({ dataplane: 'ebpf' }), ping('default/pod-c'));
    const ct = bpf.hops.find((h) => h.table === 'cali_v4_ct4')!;
    expect(ct.explanation).toMatch(/both port fields 0/);
    const cil = walk(basic, cilium(), ping('default/pod-c'));
    const cct = cil.hops.find((h) => h.stage === 'egress-hook')!;
    expect(cct.table).toBe('cilium_ct_any4_global');
    expect(cct.explanation).toMatch(/identifier/);
    const ipt = walk(basic, calico(), ping('default/pod-c'));
    expect(ipt.hops.find((h) => h.table?.startsWith('nat PREROUTING'))!.explanation).toMatch(
      /echo identifier/,
    );
  });

  it('refuses a reply to an ICMP type that is not a query, and HTTP over ICMP', () => {
    expect(() =>
      resolvePacket(
        basic.cluster,
        ping('default/pod-c', { icmp: { type: 3, code: 1 }, reply: true }),
      ),
    ).toThrow(WalkInputError);
    expect(() =>
      resolvePacket(basic.cluster, ping('default/pod-c', { http: { method: 'GET', path: '/' } })),
    ).toThrow(/HTTP/);
    expect(() =>
      resolvePacket(basic.cluster, ping('default/pod-c', { icmp: { type: 256, code: 0 } })),
    ).toThrow(/between 0 and 255/);
  });
});

describe('ICMP against policy', () => {
  // Felix: Deny echo requests, Allow the rest (timestamp 13 gets through).
  const calicoDeny = withPolicy(`apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: no-ping
  namespace: default
spec:
  selector: app == 'web'
  types: [Ingress]
  ingress:
  - action: Deny
    protocol: ICMP
    icmp: {type: 8, code: 0}
  - action: Allow
`);

  it.each([
    ['iptables', calico()],
    ['eBPF', calico({ dataplane: 'ebpf' })],
  ] as const)(
    'Calico %s: the icmp rule drops the echo request and lets a timestamp through',
    (_, config) => {
      const denied = walk(calicoDeny, config, ping('default/pod-c'));
      expect(denied.verdict).toBe('dropped');
      const policy = denied.hops.find((h) => h.stage === 'ingress-policy')!;
      const icmpMatch =
        config.cni === 'calico' && config.calico.dataplane === 'ebpf'
          ? 'proto=icmp icmp_type=8 icmp_code=0'
          : '-m icmp --icmp-type 8/0';
      expect(policy.rows!.map((row) => row.text).join('\n')).toContain(icmpMatch);
      expect(denied.notes.join(' ')).not.toMatch(/PacketWalk bug/);
      const allowed = walk(
        calicoDeny,
        config,
        ping('default/pod-c', { icmp: { type: 13, code: 0 } }),
      );
      expect(allowed.verdict).toBe('delivered');
    },
  );

  // Cilium: only ICMP type 13 (timestamp) may reach app=web; the echo request meets default deny.
  const ciliumIcmps = withPolicy(`apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: timestamps-only
  namespace: default
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress:
  - fromEndpoints: [{}]
    icmps: [{fields: [{type: 13}]}]
`);

  it.each([
    ['VXLAN', cilium()],
    ['native', cilium({ routing: 'native' })],
  ] as const)('Cilium %s: the policy map keys ICMP by type in the port field', (_, config) => {
    const denied = walk(ciliumIcmps, config, ping('default/pod-c'));
    expect(denied.verdict).toBe('dropped');
    expect(denied.dropReason).toMatch(/Policy denied \(133\)/);
    const ingress = denied.hops.find((h) => h.stage === 'ingress-policy')!;
    expect(ingress.match).toMatch(/ingress, ICMP, 8\}/);
    const allowed = walk(
      ciliumIcmps,
      config,
      ping('default/pod-c', { icmp: { type: 13, code: 0 } }),
    );
    expect(allowed.verdict).toBe('delivered');
    expect(allowed.hops.find((h) => h.stage === 'ingress-policy')!.match).toMatch(/ICMP, 13\}/);
  });
});

describe('ICMP to a Service', () => {
  const seed = engineFor('seed-policies.yaml');
  const toSvc: PacketSpec = {
    from: 'shop/debug',
    to: 'svc:shop/backend',
    port: 0,
    protocol: 'ICMP',
  };

  it.each([
    ['Calico iptables', calico()],
    ['Calico eBPF', calico({ dataplane: 'ebpf' })],
    ['Cilium', cilium()],
    ['Cilium with kube-proxy replacement', cilium({ kubeProxyReplacement: true })],
  ] as const)(
    '%s: no Service rule or map entry matches ICMP; the virtual IP never answers',
    (_, config) => {
      const r = walk(seed, config, toSvc);
      expect(r.hops.some((h) => h.stage === 'service-lb')).toBe(false);
      // The packet keeps the ClusterIP as its destination all the way.
      expect(headersOf(r).every((h) => h.proto !== 'ICMP' || h.dst === '10.96.0.20')).toBe(true);
      expect(r.verdict).toBe('dropped');
      expect(r.dropReason).toMatch(/ICMP to ClusterIP 10\.96\.0\.20.*TCP, UDP and SCTP only/);
      expect(r.hops.map((h) => h.explanation).join(' ')).toMatch(
        /Services carry TCP, UDP and SCTP only/,
      );
    },
  );

  it('kube-proxy’s KUBE-SERVICES rows say why the Service’s own rule does not match', () => {
    const r = walk(seed, calico(), toSvc);
    const rows = r.hops.find((h) => h.table?.startsWith('nat PREROUTING'))!.rows!;
    const own = rows.find((row) => row.text.includes('-d 10.96.0.20/32'))!;
    expect(own.outcome).toMatch(/ICMP, without ports/);
  });

  it('the reply of a ping to a ClusterIP has no connection to ride on', () => {
    const r = walk(seed, cilium(), { ...toSvc, reply: true });
    expect(r.verdict).toBe('dropped');
    expect(r.dropReason).toMatch(/no established connection/);
  });
});
