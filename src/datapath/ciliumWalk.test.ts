/**
 * The Cilium walk against issue 10's accuracy findings: host routing (BPF or legacy) follows
 * kube-proxy replacement and BPF masquerade, IPsec wraps the VXLAN packet (1.18), WireGuard traffic
 * arrives on eth0 before cilium_wg0 decrypts it, Envoy's refusal is a 403 Forbidden, the reserved
 * identities and version names, and cloud native routing in AWS ENI mode.
 */
import { describe, expect, it } from 'vitest';
import { compileCilium } from '../engine/cilium/ebpf';
import { CILIUM_DUMP_HEADER, dumpCiliumMaps } from '../engine/cilium/dump';
import { cilium, engineFor } from '../test/scenarios';
import { ciliumHostRouting, DEFAULT_CILIUM_CONFIG, type CiliumConfig } from './config';
import type { Hop } from './hop';
import { describeWalkConfig } from './options';
import type { PacketSpec } from './packet';
import { walk, type WalkResult } from './walk';

const SEED = 'seed-policies.yaml';
const engine = () => engineFor(SEED);
const run = (over: Partial<CiliumConfig>, packet?: Partial<PacketSpec>): WalkResult =>
  walk(engine(), cilium(over), {
    from: 'shop/frontend',
    to: 'shop/backend',
    port: 8080,
    protocol: 'TCP',
    ...packet,
  });
const wheres = (r: WalkResult) => r.hops.map((h) => h.where);
const indexOf = (r: WalkResult, pred: (h: Hop) => boolean) => r.hops.findIndex(pred);
const node = (name: string) => engine().cluster.nodes.find((n) => n.name === name)!;

describe('host routing', () => {
  it('is BPF only with kube-proxy replacement and BPF masquerade both on', () => {
    const c = (kubeProxyReplacement: boolean, bpfMasquerade: boolean) =>
      ciliumHostRouting({ ...DEFAULT_CILIUM_CONFIG, kubeProxyReplacement, bpfMasquerade });
    expect([c(false, false), c(true, false), c(false, true), c(true, true)]).toEqual([
      'legacy',
      'legacy',
      'legacy',
      'BPF',
    ]);
    expect(describeWalkConfig(cilium())).toMatch(/BPF masquerade off, host routing legacy/);
    expect(describeWalkConfig(cilium({ kubeProxyReplacement: true, bpfMasquerade: true }))).toMatch(
      /BPF masquerade on, host routing BPF/,
    );
  });

  it('native routing with kube-proxy replacement off goes up the stack, through FORWARD, with plain redirects', () => {
    const r = run({ routing: 'native' });
    expect(r.verdict).toBe('delivered');
    const text = JSON.stringify(r.hops);
    expect(text).not.toMatch(/bpf_redirect_neigh|bpf_redirect_peer →/);
    expect(wheres(r)).toContain('cil_from_container → host stack (Hubble: to-stack)');
    expect(wheres(r)).toContain('filter FORWARD → CILIUM_FORWARD');
    expect(wheres(r)).toContain('nat POSTROUTING → CILIUM_POST_nat');
    expect(r.hops.at(-1)!.where).toMatch(/^redirect → lxc[0-9a-f]{12} → eth0 in shop\/backend$/);
    // pkg/datapath/iptables/iptables.go: the lxc+ accept is CILIUM_FORWARD's third rule; in native
    // routing CILIUM_POST_nat starts with the node-ipset exclusion, then the masquerade rule.
    const fwd = r.hops.find((h) => h.where === 'filter FORWARD → CILIUM_FORWARD')!;
    expect(fwd.rows!.map((x) => x.state)).toEqual(['tested', 'tested', 'matched']);
    expect(fwd.cost.rules).toBe(3);
    const nat = r.hops.find((h) => h.where === 'nat POSTROUTING → CILIUM_POST_nat')!;
    expect(nat.rows!.map((x) => x.text.match(/--comment "([^"]+)"/)![1])).toEqual([
      'exclude traffic to cluster nodes from masquerade',
      'cilium masquerade non-cluster',
    ]);
    expect(nat.rows!.every((x) => x.state === 'tested')).toBe(true);
  });

  it('native routing with eBPF host routing uses bpf_redirect_neigh out and bpf_redirect_peer in, no netfilter', () => {
    const r = run({ routing: 'native', kubeProxyReplacement: true, bpfMasquerade: true });
    expect(wheres(r)).toContain('cil_from_container: bpf_fib_lookup → bpf_redirect_neigh');
    expect(wheres(r).some((w) => /FORWARD|POSTROUTING/.test(w))).toBe(false);
    expect(r.hops.at(-1)!.where).toBe('bpf_redirect_peer → eth0 in shop/backend');
  });

  it('kube-proxy replacement alone (no BPF masquerade) still falls back to legacy host routing', () => {
    const r = run({ routing: 'native', kubeProxyReplacement: true });
    expect(r.hops.at(-1)!.where).toMatch(/^redirect → /);
    expect(r.hops.at(-1)!.explanation).toMatch(/BPF masquerade is off/);
  });
});

describe('IPsec (VXLAN-in-ESP since 1.18)', () => {
  it('wraps the VXLAN packet in ESP between the node addresses, outermost', () => {
    const r = run({ encryption: 'ipsec' });
    const wire = r.hops.find((h) => h.stage === 'wire')!;
    expect(wire.headers.map((h) => h.proto)).toEqual(['ESP', 'VXLAN', 'TCP']);
    expect(wire.headers[0]).toMatchObject({
      src: node('node-1').internalIP,
      dst: node('node-2').internalIP,
    });
    expect(r.podMtu).toBe(1500 - 50 - 77);
    // 1.18: cil_to_netdev on eth0 marks the VXLAN packet 0x?E00 and redirects it to cilium_net,
    // where XFRM encrypts it (bpf/lib/encrypt.h ipsec_maybe_redirect_to_encrypt).
    const esp = r.hops.find((h) => h.where.includes('cil_to_netdev') && h.where.includes('xfrm'))!;
    expect(esp.where).toBe(
      'eth0 tc egress: cil_to_netdev (mark 0x3E00) → cilium_net ingress → xfrm',
    );
    expect(esp.explanation).toMatch(/before 1\.18 ESP ran between the cilium_host addresses/);
    expect(esp.explanation).toMatch(/cil_to_overlay left the overlay mark/);
    // Arrival: cil_from_netdev marks 0x0D00, XFRM decrypts, cil_from_netdev runs again on the
    // decrypted VXLAN packet, then the tunnel device strips the VXLAN header.
    const first = indexOf(r, (h) => h.where === 'eth0 tc ingress: cil_from_netdev');
    const xfrm = indexOf(r, (h) => h.where === 'xfrm (kernel IPsec decryption)');
    const again = indexOf(r, (h) => h.where.startsWith('eth0 tc ingress: cil_from_netdev (second'));
    const overlay = indexOf(r, (h) => h.where.includes('cil_from_overlay'));
    expect(first).toBeGreaterThan(0);
    expect([first < xfrm, xfrm < again, again < overlay]).toEqual([true, true, true]);
    expect(r.hops[first]!.match).toMatch(/0x0D00/);
    expect(r.hops[again]!.headers[0]!.proto).toBe('VXLAN');
  });

  it('forces legacy host routing in 1.18, even with kube-proxy replacement and BPF masquerade', () => {
    const over = { encryption: 'ipsec', kubeProxyReplacement: true, bpfMasquerade: true } as const;
    expect(ciliumHostRouting({ ...DEFAULT_CILIUM_CONFIG, ...over })).toBe('legacy');
    const r = run(over);
    expect(r.hops.at(-1)!.where).toMatch(/^redirect → /);
    expect(r.hops.at(-1)!.explanation).toMatch(/incompatible with IPsec/);
  });

  it('in native routing runs ESP between the CiliumInternalIPs, with no tunnel', () => {
    const r = run({ routing: 'native', encryption: 'ipsec' });
    const wire = r.hops.find((h) => h.stage === 'wire')!;
    expect(wire.headers.map((h) => h.proto)).toEqual(['ESP', 'TCP']);
    expect(wire.headers[0]!.src).toMatch(/^10\.244\./);
    expect(r.podMtu).toBe(1500 - 77);
  });
});

describe('WireGuard', () => {
  it.each(['vxlan', 'native'] as const)(
    'the encrypted packet meets cil_from_netdev on eth0 before cilium_wg0 decrypts it (%s)',
    (routing) => {
      const r = run({ routing, encryption: 'wireguard' });
      const eth0 = indexOf(r, (h) => h.where === 'eth0 tc ingress: cil_from_netdev');
      const wg = indexOf(r, (h) => h.where.startsWith('cilium_wg0 (decryption)'));
      expect(eth0).toBeGreaterThan(0);
      expect(wg).toBeGreaterThan(eth0);
      expect(r.hops[eth0]!.headers[0]!.proto).toBe('WireGuard');
      expect(r.hops[wg]!.headers[0]!.proto).not.toBe('WireGuard');
      // cil_from_netdev only recognises WireGuard (ctx_is_wireguard) for tracing; it sets no mark.
      expect(r.hops[eth0]!.explanation).toContain('ctx_is_wireguard');
      expect(r.hops[eth0]!.explanation).not.toMatch(/wg_do_decrypt|marks it for decryption/);
    },
  );

  it('attaches cil_from_wireguard only in native routing (NeedIngressOnWireGuardDevice)', () => {
    const wg = (r: WalkResult) =>
      r.hops.find((h) => h.where.startsWith('cilium_wg0 (decryption)'))!;
    const tunnel = wg(run({ encryption: 'wireguard' }));
    expect(tunnel.where).not.toContain('cil_from_wireguard');
    expect(tunnel.explanation).toMatch(/attaches no program to cilium_wg0/);
    const legacy = wg(run({ routing: 'native', encryption: 'wireguard' }));
    expect(legacy.where).toContain('cil_from_wireguard');
    expect(legacy.cost.lookups).toBe(0);
    const bpf = wg(
      run({
        routing: 'native',
        encryption: 'wireguard',
        kubeProxyReplacement: true,
        bpfMasquerade: true,
      }),
    );
    expect(bpf.table).toBe('cilium_ipcache_v2');
    expect(bpf.cost.lookups).toBe(1);
  });

  it('says why Cilium budgets 80 bytes where Calico budgets 60', () => {
    const r = run({ encryption: 'wireguard' });
    const send = r.hops.find((h) => h.where === 'cilium_wg0')!;
    expect(send.explanation).toMatch(/Calico budgets 60/);
    expect(send.explanation).toMatch(/IPv6/);
  });
});

describe('Envoy, identities and version names', () => {
  it('refuses with the status line HTTP/1.1 403 Forbidden and the body "Access denied"', () => {
    const r = run({}, { to: 'shop/api', http: { method: 'DELETE', path: '/api/v1/orders' } });
    expect(r.verdict).toBe('dropped');
    const drop = r.hops.at(-1)!;
    expect(drop.match).toMatch(/^HTTP\/1\.1 403 Forbidden/);
    expect(drop.match).toMatch(/body "Access denied"/);
    expect(r.dropReason).not.toMatch(/^Access denied/);
  });

  it('the bpf-maps dump names 1.18, the 1.20 map rename, 0 as unknown and 11 as reserved', () => {
    const text = dumpCiliumMaps(compileCilium(engine().cluster));
    expect(text.startsWith(CILIUM_DUMP_HEADER.join('\n'))).toBe(true);
    expect(text).toMatch(/Cilium 1\.18/);
    expect(text).toMatch(/cilium_policy_v3_<EPID>/);
    expect(text).toMatch(/0 means unknown/);
    expect(text).toMatch(/1-11 are reserved.*\n.*11 encrypted-overlay/);
  });

  it('the policy hop says the map is cilium_policy_v3_ from 1.20', () => {
    const r = run({});
    const ingress = r.hops.find((h) => h.stage === 'ingress-policy')!;
    expect(ingress.table).toMatch(/cilium_policy_v2_\d{5}/);
    expect(ingress.explanation).toMatch(/cilium_policy_v3_<EPID> from 1\.20/);
  });
});

describe('cloud native routing (AWS ENI)', () => {
  it('takes the per-ENI ip rule and table, crosses the VPC without a tunnel, and delivers by endpoint route', () => {
    const r = run({ routing: 'eni' });
    expect(r.verdict).toBe('delivered');
    expect(r.podMtu).toBe(1500);
    const routing = r.hops.find((h) => h.stage === 'routing' && h.node === 'node-1')!;
    expect(routing.match).toMatch(
      /^111: from 10\.244\.0\.5 to \S+ lookup 11; default via \S+ dev eth1$/,
    );
    const wire = r.hops.find((h) => h.stage === 'wire')!;
    expect(wire.where).toBe('eth1 (node-1) → VPC router → eth1 (node-2)');
    expect(wire.headers.map((h) => h.proto)).toEqual(['TCP']);
    expect(wire.explanation).toMatch(/operator.*EC2 API/);
    expect(JSON.stringify(r.hops)).not.toMatch(/cilium_vxlan|BGP peer/);
    // Legacy host routing with endpoint routes: the kernel routes to lxc, cil_to_container enforces.
    const ingress = r.hops.find((h) => h.stage === 'ingress-policy')!;
    expect(ingress.where).toMatch(/^lxc[0-9a-f]{12} tc egress: cil_to_container/);
  });

  it('with eBPF host routing consults the rules through bpf_fib_lookup and delivers with bpf_redirect_peer', () => {
    const r = run({ routing: 'eni', kubeProxyReplacement: true, bpfMasquerade: true });
    expect(wheres(r)).toContain(
      'cil_from_container: bpf_fib_lookup (ip rules) → bpf_redirect_neigh',
    );
    expect(r.hops.at(-1)!.where).toBe('bpf_redirect_peer → eth0 in shop/backend');
  });

  it('gives the router IP an address AWS does not reserve (the VPC router is the .1)', () => {
    const r = run({ routing: 'eni' });
    expect(r.hops[0]!.match).toMatch(/^default via 10\.244\.0\.(?:[4-9]|\d\d+) dev eth0/);
  });
});
