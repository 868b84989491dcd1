import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../engine/parse/load';
import { createEngine } from '../engine/verdict';
import type { WalkConfig } from './config';
import type { Hop } from './hop';
import { calicoVethName } from './naming';
import type { PacketSpec } from './packet';
import { walk, type WalkResult } from './walk';
import { calico, cilium, engineFor, everyConfig, SCENARIOS } from '../test/scenarios';

const tcp = (
  from: string,
  to: string,
  port: number,
  extra: Partial<PacketSpec> = {},
): PacketSpec => ({
  from,
  to,
  port,
  protocol: 'TCP',
  ...extra,
});

const run = (file: string, config: WalkConfig, packet: PacketSpec): WalkResult =>
  walk(engineFor(file), config, packet);
const stages = (r: WalkResult) => r.hops.map((h) => h.stage);
const hopsAt = (r: WalkResult, stage: Hop['stage']) => r.hops.filter((h) => h.stage === stage);
const last = (r: WalkResult) => r.hops[r.hops.length - 1]!;

// two-node-basic: pod-a and pod-b on node-1 (192.168.1.5), pod-c on node-2 (192.168.1.10).
const BASIC = 'two-node-basic.yaml';
// seed-policies: frontend node-1; backend, api node-2; database, debug node-3; Service shop/backend.
const SEED = 'seed-policies.yaml';
// multi-rack: node-1..3 in rack-1 (192.168.1.0/24), node-4..6 in rack-2 (192.168.2.0/24).
const RACKS = 'multi-rack.yaml';

describe('Calico iptables', () => {
  it('judges same-node traffic in the sender’s cali-fw- chain and the receiver’s cali-tw- chain', () => {
    const r = run(BASIC, calico(), tcp('default/pod-a', 'default/pod-b', 80));
    expect(r.verdict).toBe('delivered');
    expect(stages(r)).toEqual([
      'in-pod',
      'egress-hook',
      'routing',
      'egress-policy',
      'ingress-policy',
      'delivered',
    ]);
    expect(hopsAt(r, 'egress-policy')[0]!.table).toBe(
      `cali-fw-${calicoVethName('default', 'pod-a')}`,
    );
    expect(hopsAt(r, 'ingress-policy')[0]!.table).toBe(
      `cali-tw-${calicoVethName('default', 'pod-b')}`,
    );
    expect(hopsAt(r, 'routing')[0]!.match).toBe(
      `10.244.0.6 dev ${calicoVethName('default', 'pod-b')} scope link`,
    );
    expect(r.hops.every((h) => h.headers.length === 1)).toBe(true);
    // Linear cost: every rule the packet met was counted.
    expect(hopsAt(r, 'egress-policy')[0]!.cost.rules).toBeGreaterThan(3);
  });

  it('routes BGP without encapsulation through a proto bird route and no outer header', () => {
    const r = run(BASIC, calico({ encap: 'none' }), tcp('default/pod-a', 'default/pod-c', 80));
    expect(r.verdict).toBe('delivered');
    expect(stages(r)).toEqual([
      'in-pod',
      'egress-hook',
      'routing',
      'egress-policy',
      'wire',
      'ingress-hook',
      'routing',
      'ingress-policy',
      'delivered',
    ]);
    expect(hopsAt(r, 'routing')[0]!.match).toBe(
      '10.244.1.0/26 via 192.168.1.10 dev eth0 proto bird',
    );
    expect(r.hops.every((h) => h.headers.length === 1 && h.headers[0]!.proto === 'TCP')).toBe(true);
    expect(r.podMtu).toBe(1500);
  });

  it('wraps IPIP in a 20-byte outer header with IP protocol 4 through tunl0', () => {
    const r = run(BASIC, calico({ encap: 'ipip' }), tcp('default/pod-a', 'default/pod-c', 80));
    const enc = hopsAt(r, 'encapsulation')[0]!;
    expect(enc.where).toContain('tunl0');
    expect(enc.match).toBe('10.244.1.0/26 via 192.168.1.10 dev tunl0 proto bird onlink');
    expect(enc.headers[0]).toMatchObject({
      proto: 'IPIP',
      src: '192.168.1.5',
      dst: '192.168.1.10',
      ipProtocol: 4,
      bytes: 20,
    });
    expect(enc.headers[0]!.dport).toBeUndefined();
    expect(enc.headers[1]).toMatchObject({
      proto: 'TCP',
      src: '10.244.0.5',
      dst: '10.244.1.10',
      dport: 80,
    });
    // Decapsulated on node-2: only the pod packet is left.
    expect(hopsAt(r, 'ingress-hook')[0]!.headers).toHaveLength(1);
    expect(r.podMtu).toBe(1480);
  });

  it('sends Calico VXLAN to UDP 4789 with VNI 4096 via vxlan.calico, routed by Felix', () => {
    const r = run(BASIC, calico({ encap: 'vxlan' }), tcp('default/pod-a', 'default/pod-c', 80));
    expect(hopsAt(r, 'routing')[0]!.match).toBe(
      '10.244.1.0/26 via 10.244.1.0 dev vxlan.calico onlink',
    );
    const outer = hopsAt(r, 'encapsulation')[0]!.headers[0]!;
    expect(outer).toMatchObject({
      proto: 'VXLAN',
      dport: 4789,
      vni: 4096,
      bytes: 50,
      ipProtocol: 17,
    });
    expect(r.podMtu).toBe(1450);
  });

  it('names the chain and the rule comment when policy drops', () => {
    // seed-policies: only frontend may reach backend:8080 (NetworkPolicy allow-frontend).
    const r = run(SEED, calico(), tcp('shop/debug', 'shop/backend', 8080));
    expect(r.verdict).toBe('dropped');
    expect(r.dropReason).toMatch(
      /^cali-tw-cali[0-9a-f]{11} rule \d+: "End of tier default\. Drop if no policies passed packet"$/,
    );
    expect(last(r).stage).toBe('dropped');
    expect(last(r).node).toBe('node-2');
    expect(hopsAt(r, 'ingress-policy')).toHaveLength(1);
  });

  it('DNATs a Service through KUBE-SERVICES, KUBE-SVC- and KUBE-SEP- before policy sees it', () => {
    const r = run(SEED, calico(), tcp('shop/frontend', 'svc:shop/backend', 80));
    expect(r.verdict).toBe('delivered');
    const egressHook = hopsAt(r, 'egress-hook')[0]!;
    expect(egressHook.table).toBe('nat PREROUTING → KUBE-SERVICES');
    expect(egressHook.match).toMatch(
      /^-A KUBE-SERVICES -d 10\.96\.0\.20\/32 -p tcp .* --dport 80 -j KUBE-SVC-[A-Z2-7]{16}$/,
    );
    const lb = hopsAt(r, 'service-lb');
    expect(lb.map((h) => h.table)).toEqual([
      expect.stringMatching(/^KUBE-SVC-[A-Z2-7]{16}$/),
      expect.stringMatching(/^KUBE-SEP-[A-Z2-7]{16}$/),
    ]);
    expect(lb[1]!.match).toContain('-j DNAT --to-destination 10.244.1.10:8080');
    expect(egressHook.headers[0]).toMatchObject({ dst: '10.96.0.20', dport: 80 });
    expect(lb[1]!.headers[0]).toMatchObject({ dst: '10.244.1.10', dport: 8080 });
    // Policy judged the translated packet (allow-frontend admits 8080).
    expect(hopsAt(r, 'ingress-policy')[0]!.headers[0]).toMatchObject({ dport: 8080 });
  });

  it('skips policy for the reply of an established connection, and undoes the DNAT', () => {
    const r = run(SEED, calico(), tcp('shop/frontend', 'svc:shop/backend', 80, { reply: true }));
    expect(r.verdict).toBe('delivered');
    const policy = [...hopsAt(r, 'egress-policy'), ...hopsAt(r, 'ingress-policy')];
    expect(policy).toHaveLength(2);
    for (const h of policy)
      expect(h.match).toMatch(/rule 1: -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT$/);
    expect(r.hops[0]!.headers[0]).toMatchObject({
      src: '10.244.1.10',
      sport: 8080,
      dst: '10.244.0.5',
    });
    expect(last(r).headers[0]).toMatchObject({ src: '10.96.0.20', sport: 80 });
    // A reply whose request was denied has no connection to belong to.
    const denied = run(SEED, calico(), tcp('shop/debug', 'shop/backend', 8080, { reply: true }));
    expect(denied.verdict).toBe('dropped');
    expect(denied.dropReason).toMatch(/^no established connection/);
    expect(stages(denied)).toEqual(['dropped']);
  });

  it('masquerades traffic leaving the cluster with cali-nat-outgoing', () => {
    const r = run(BASIC, calico(), tcp('default/pod-a', 'ip:1.1.1.1', 443));
    expect(r.verdict).toBe('delivered');
    const masq = r.hops.find((h) => h.table === 'cali-nat-outgoing')!;
    expect(masq.match).toBe(
      '-m set --match-set cali40masq-ipam-pools src -m set ! --match-set cali40all-ipam-pools dst -j MASQUERADE',
    );
    expect(masq.headers[0]).toMatchObject({ src: '192.168.1.5', dst: '1.1.1.1' });
  });

  it('encrypts with WireGuard over UDP 51820 instead of IPIP', () => {
    const r = run(BASIC, calico({ wireguard: true }), tcp('default/pod-a', 'default/pod-c', 80));
    expect(hopsAt(r, 'routing')[0]!.match).toBe('10.244.1.0/26 dev wireguard.cali');
    const enc = hopsAt(r, 'encapsulation');
    expect(enc).toHaveLength(1);
    expect(enc[0]!.headers[0]).toMatchObject({
      proto: 'WireGuard',
      sport: 51820,
      dport: 51820,
      bytes: 60,
    });
    expect(r.podMtu).toBe(1440);
  });

  it('carries UDP and SCTP the same way, with their own headers', () => {
    for (const protocol of ['UDP', 'SCTP'] as const) {
      const r = run(BASIC, calico(), {
        from: 'default/pod-a',
        to: 'default/pod-c',
        port: 53,
        protocol,
      });
      expect(r.verdict).toBe('delivered');
      expect(r.hops[0]!.headers[0]!.proto).toBe(protocol);
    }
  });
});

describe('Calico routing modes across racks', () => {
  it('strands un-encapsulated traffic between subnets at a router that knows no pod routes', () => {
    const r = run(RACKS, calico({ encap: 'none' }), tcp('demo/web-1', 'demo/web-4', 80));
    expect(r.verdict).toBe('dropped');
    expect(r.dropReason).toMatch(/^no route to 10\.244\.3\.10 at router 192\.168\.1\.1/);
    expect(hopsAt(r, 'routing')[0]!.match).toBe(
      '10.244.3.0/26 via 192.168.1.1 dev eth0 proto bird',
    );
  });

  it('encapsulates only across subnets in IPIP CrossSubnet', () => {
    const same = run(
      RACKS,
      calico({ encap: 'ipip-crosssubnet' }),
      tcp('demo/web-1', 'demo/web-2', 80),
    );
    expect(hopsAt(same, 'encapsulation')).toHaveLength(0);
    expect(hopsAt(same, 'routing')[0]!.match).toBe(
      '10.244.1.0/26 via 192.168.1.11 dev eth0 proto bird',
    );
    const cross = run(
      RACKS,
      calico({ encap: 'ipip-crosssubnet' }),
      tcp('demo/web-1', 'demo/web-4', 80),
    );
    expect(cross.verdict).toBe('delivered');
    expect(hopsAt(cross, 'encapsulation')[0]!.headers[0]!.proto).toBe('IPIP');
  });

  it('routes through the ToR fabric, and ECMP keeps one flow on one spine', () => {
    const a = run(
      RACKS,
      calico({ encap: 'none', peering: 'tor' }),
      tcp('demo/web-1', 'demo/web-4', 80),
    );
    expect(a.verdict).toBe('delivered');
    const wire = hopsAt(a, 'wire');
    expect(wire.map((h) => h.node)).toEqual(['tor-rack-1', 'tor-rack-2']);
    expect(wire[0]!.match).toMatch(/5-tuple hash → spine-[12]$/);
    const again = run(
      RACKS,
      calico({ encap: 'none', peering: 'tor' }),
      tcp('demo/web-1', 'demo/web-4', 80),
    );
    expect(hopsAt(again, 'wire')[0]!.match).toBe(wire[0]!.match);
    // Different flows spread over both spines.
    const spines = new Set(
      [
        'demo/web-4',
        'demo/cache-4',
        'demo/web-5',
        'demo/cache-5',
        'demo/web-6',
        'demo/cache-6',
      ].flatMap((to) =>
        [80, 6379, 443, 8080].map(
          (port) =>
            /spine-\d$/.exec(
              hopsAt(
                run(RACKS, calico({ encap: 'none', peering: 'tor' }), tcp('demo/web-1', to, port)),
                'wire',
              )[0]!.match ?? '',
            )![0],
        ),
      ),
    );
    expect(spines.size).toBe(2);
  });
});

describe('Calico eBPF dataplane', () => {
  it('runs calico_tc_main on the veths, with BPF conntrack and policy programs behind jump maps', () => {
    const r = run(BASIC, calico({ dataplane: 'ebpf' }), tcp('default/pod-a', 'default/pod-b', 80));
    expect(r.verdict).toBe('delivered');
    expect(stages(r)).toEqual([
      'in-pod',
      'egress-hook',
      'egress-policy',
      'routing',
      'ingress-policy',
      'delivered',
    ]);
    const hook = hopsAt(r, 'egress-hook')[0]!;
    expect(hook.where).toBe(
      `${calicoVethName('default', 'pod-a')} tc ingress: calico_tc_main (from-workload program)`,
    );
    expect(hook.table).toBe('cali_v4_ct4');
    expect(hopsAt(r, 'egress-policy')[0]!.where).toContain('cali_jump_ing2');
    expect(hopsAt(r, 'ingress-policy')[0]!.where).toContain('cali_jump_egr2');
    expect(r.hops.some((h) => h.table?.includes('KUBE-'))).toBe(false);
  });

  it('translates a Service with its NAT maps instead of kube-proxy', () => {
    const r = run(
      SEED,
      calico({ dataplane: 'ebpf' }),
      tcp('shop/frontend', 'svc:shop/backend', 80),
    );
    const lb = hopsAt(r, 'service-lb')[0]!;
    expect(lb.table).toBe('cali_v4_nat_fe3 → cali_v4_nat_be');
    expect(lb.headers[0]).toMatchObject({ dst: '10.244.1.10', dport: 8080 });
  });

  it('lets the reply through on a conntrack hit without the policy program', () => {
    const r = run(
      BASIC,
      calico({ dataplane: 'ebpf' }),
      tcp('default/pod-a', 'default/pod-c', 80, { reply: true }),
    );
    expect(r.verdict).toBe('delivered');
    expect(r.hops.filter((h) => h.table === 'cali_v4_ct4').map((h) => h.match)).toEqual([
      expect.stringMatching(/^hit: reply direction/),
      expect.stringMatching(/; tunl0: hit: established TCP /),
      'hit: established, policy program skipped',
    ]);
    expect(r.hops.some((h) => h.table?.startsWith('BPF policy program'))).toBe(false);
  });
});

describe('Cilium', () => {
  it('delivers same-node traffic by cilium_lxc and bpf_redirect_peer, judged in both policy maps', () => {
    // bpf_redirect_peer needs eBPF host routing: kube-proxy replacement and BPF masquerade.
    const r = run(
      BASIC,
      cilium({ kubeProxyReplacement: true, bpfMasquerade: true }),
      tcp('default/pod-a', 'default/pod-b', 80),
    );
    expect(r.verdict).toBe('delivered');
    expect(stages(r)).toEqual([
      'in-pod',
      'egress-hook',
      'egress-policy',
      'routing',
      'ingress-policy',
      'delivered',
    ]);
    expect(hopsAt(r, 'egress-hook')[0]!.where).toMatch(
      /^lxc[0-9a-f]{12} tc ingress: cil_from_container$/,
    );
    expect(hopsAt(r, 'routing')[0]!.table).toBe('cilium_lxc');
    expect(hopsAt(r, 'egress-policy')[0]!.table).toMatch(/cilium_policy_v2_\d{5}$/);
    expect(hopsAt(r, 'ingress-policy')[0]!.where).toMatch(
      /^tail call cilium_call_policy\[\d+\] → cil_lxc_policy/,
    );
    expect(last(r).where).toBe('bpf_redirect_peer → eth0 in default/pod-b');
    expect(r.hops.every((h) => h.cost.rules === 0)).toBe(true);
  });

  it('tunnels VXLAN on UDP 8472 with the source identity as VNI', () => {
    const r = run(BASIC, cilium(), tcp('default/pod-a', 'default/pod-c', 80));
    expect(stages(r)).toEqual([
      'in-pod',
      'egress-hook',
      'egress-policy',
      'routing',
      'encapsulation',
      'wire',
      'ingress-hook',
      'routing',
      'ingress-policy',
      'delivered',
    ]);
    const enc = hopsAt(r, 'encapsulation')[0]!;
    expect(enc.where).toBe('cilium_vxlan (tc egress: cil_to_overlay)');
    const outer = enc.headers[0]!;
    expect(outer).toMatchObject({
      proto: 'VXLAN',
      src: '192.168.1.5',
      dst: '192.168.1.10',
      dport: 8472,
      bytes: 50,
    });
    const identity = engineFor(BASIC).cilium().index.endpointByPod.get('default/pod-a')!.identity;
    expect(outer.vni).toBe(identity);
    expect(hopsAt(r, 'ingress-hook')[0]!.where).toBe('cilium_vxlan tc ingress: cil_from_overlay');
    expect(r.podMtu).toBe(1450);
  });

  it('uses Geneve on 6081, and native routing with a direct route and no encapsulation', () => {
    const g = run(BASIC, cilium({ routing: 'geneve' }), tcp('default/pod-a', 'default/pod-c', 80));
    expect(hopsAt(g, 'encapsulation')[0]!.headers[0]).toMatchObject({
      proto: 'Geneve',
      dport: 6081,
    });
    const n = run(BASIC, cilium({ routing: 'native' }), tcp('default/pod-a', 'default/pod-c', 80));
    expect(n.verdict).toBe('delivered');
    expect(hopsAt(n, 'encapsulation')).toHaveLength(0);
    expect(hopsAt(n, 'routing')[0]!.match).toContain('10.244.1.0/24 via 192.168.1.10 dev eth0');
    expect(n.podMtu).toBe(1500);
    // Across subnets, auto-direct-node-routes has nothing to offer.
    const far = run(RACKS, cilium({ routing: 'native' }), tcp('demo/web-1', 'demo/web-4', 80));
    expect(far.verdict).toBe('dropped');
  });

  it('drops on policy with the policy map and Hubble’s "Policy denied" (133)', () => {
    const r = run(SEED, cilium(), tcp('shop/debug', 'shop/backend', 8080));
    expect(r.verdict).toBe('dropped');
    expect(r.dropReason).toMatch(
      /^Policy denied \(133\) in cilium_policy_v2_\d{5} \(ingress of shop\/backend\)$/,
    );
    expect(last(r).table).toMatch(/^cilium_policy_v2_\d{5}$/);
    expect(last(r).match).toBe('Hubble: DROPPED (Policy denied), ingress');
  });

  it('load-balances at connect() with kube-proxy replacement, per packet without it', () => {
    const kpr = run(
      SEED,
      cilium({ kubeProxyReplacement: true }),
      tcp('shop/frontend', 'svc:shop/backend', 80),
    );
    expect(stages(kpr).slice(0, 2)).toEqual(['service-lb', 'in-pod']);
    expect(kpr.hops[0]!.where).toContain('cil_sock4_connect');
    expect(kpr.hops[0]!.table).toBe('cilium_lb4_services_v2 → cilium_lb4_backends_v3');
    // The packet never carries the ClusterIP.
    expect(kpr.hops.some((h) => h.headers.some((x) => x.dst === '10.96.0.20'))).toBe(false);
    const tc = run(SEED, cilium(), tcp('shop/frontend', 'svc:shop/backend', 80));
    expect(stages(tc).slice(0, 3)).toEqual(['in-pod', 'egress-hook', 'service-lb']);
    expect(tc.hops[2]!.where).toContain('cil_from_container');
    expect(tc.hops[2]!.headers[0]).toMatchObject({ dst: '10.244.1.10', dport: 8080 });
    expect(tc.verdict).toBe('delivered');
  });

  it('skips the policy maps for a reply: a conntrack hit in cilium_ct4_global', () => {
    const r = run(SEED, cilium(), tcp('shop/frontend', 'svc:shop/backend', 80, { reply: true }));
    expect(r.verdict).toBe('delivered');
    expect(r.hops.some((h) => h.table?.includes('cilium_policy_v2_'))).toBe(false);
    expect(hopsAt(r, 'egress-hook')[0]).toMatchObject({ table: 'cilium_ct4_global' });
    expect(hopsAt(r, 'egress-hook')[0]!.match).toMatch(/^hit: CT_REPLY/);
    expect(last(r).headers[0]).toMatchObject({ src: '10.96.0.20', sport: 80 });
    const udp = run(BASIC, cilium(), {
      from: 'default/pod-a',
      to: 'default/pod-c',
      port: 53,
      protocol: 'UDP',
      reply: true,
    });
    expect(hopsAt(udp, 'egress-hook')[0]!.table).toBe('cilium_ct_any4_global');
  });

  it('redirects an L7 port to Envoy, which answers a refused request with 403', () => {
    const denied = run(
      SEED,
      cilium(),
      tcp('shop/frontend', 'shop/api', 8080, {
        http: { method: 'DELETE', path: '/api/v1/orders' },
      }),
    );
    expect(denied.verdict).toBe('dropped');
    expect(denied.dropReason).toMatch(/^HTTP\/1\.1 403 Forbidden from Envoy \(cilium-http-ingress/);
    expect(hopsAt(denied, 'ingress-policy')[0]!.match).toMatch(/redirect to proxy port \d+$/);
    const ok = run(
      SEED,
      cilium(),
      tcp('shop/frontend', 'shop/api', 8080, { http: { method: 'GET', path: '/api/v1/items' } }),
    );
    expect(ok.verdict).toBe('delivered');
    expect(
      ok.hops.some((h) => h.where.startsWith('cilium-envoy: listener cilium-http-ingress')),
    ).toBe(true);
  });

  it('adds WireGuard on UDP 51871 and IPsec ESP, with overheads that add up', () => {
    const wg = run(
      BASIC,
      cilium({ encryption: 'wireguard' }),
      tcp('default/pod-a', 'default/pod-c', 80),
    );
    const wgHeaders = hopsAt(wg, 'wire')[0]!.headers.map((h) => h.proto);
    expect(wgHeaders).toEqual(['WireGuard', 'VXLAN', 'TCP']);
    expect(hopsAt(wg, 'wire')[0]!.headers[0]).toMatchObject({ dport: 51871 });
    expect(wg.podMtu).toBe(1500 - 50 - 80);
    const ipsec = run(
      BASIC,
      cilium({ encryption: 'ipsec' }),
      tcp('default/pod-a', 'default/pod-c', 80),
    );
    // Since Cilium 1.18 ESP wraps the VXLAN packet (VXLAN-in-ESP).
    expect(hopsAt(ipsec, 'wire')[0]!.headers.map((h) => h.proto)).toEqual(['ESP', 'VXLAN', 'TCP']);
    expect(hopsAt(ipsec, 'wire')[0]!.headers[0]).toMatchObject({ ipProtocol: 50 });
    expect(ipsec.podMtu).toBe(1500 - 50 - 77);
  });

  it('masquerades traffic to the outside with "cilium masquerade non-cluster"', () => {
    const r = run(BASIC, cilium(), tcp('default/pod-a', 'ip:1.1.1.1', 443));
    expect(r.verdict).toBe('delivered');
    const masq = r.hops.find((h) => h.table === 'CILIUM_POST_nat')!;
    expect(masq.match).toContain('--comment "cilium masquerade non-cluster" -j MASQUERADE');
    expect(masq.headers[0]).toMatchObject({ src: '192.168.1.5' });
  });
});

describe('every scenario walks in every mode', () => {
  // The whole product of the options registry (datapath/options.ts): a new option is walked here
  // with no edit to this test.
  const configs: WalkConfig[] = everyConfig();
  const dirs = [SCENARIOS, '../shared/examples'].filter(existsSync);
  const files = dirs.flatMap((d) =>
    readdirSync(d)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => join(d, f)),
  );

  it.each(files)(
    '%s',
    (path) => {
      const { cluster } = loadManifests([{ name: path, text: readFileSync(path, 'utf8') }]);
      const engine = createEngine(cluster);
      const pods = cluster.pods.map((p) => `${p.namespace}/${p.name}`);
      const pairs: [string, string, number][] = [];
      // The first pod to a few others (same node and across), to a Service and outside.
      for (const to of pods.slice(1, 4)) pairs.push([pods[0]!, to, 80]);
      pairs.push([pods[pods.length - 1]!, pods[0]!, 80], [pods[0]!, 'ip:203.0.113.7', 443]);
      for (const s of cluster.services)
        pairs.push([pods[0]!, `svc:${s.namespace}/${s.name}`, s.ports[0]!.port]);
      for (const config of configs) {
        for (const [from, to, port] of pairs) {
          for (const reply of [false, true]) {
            const r = walk(engine, config, { from, to, port, protocol: 'TCP', reply });
            expect(r.notes.filter((n) => n.startsWith('PacketWalk bug'))).toEqual([]);
            // Every walk ends in the stage its verdict names, so the machine reaches a final state.
            expect(r.hops.length).toBeGreaterThan(0);
            expect(last(r).stage).toBe(r.verdict);
            expect(
              r.hops.slice(0, -1).every((h) => h.stage !== 'delivered' && h.stage !== 'dropped'),
            ).toBe(true);
            expect(r.verdict === 'dropped').toBe(r.dropReason !== undefined);
          }
        }
      }
    },
    60_000,
  );
});
