import { describe, expect, it } from 'vitest';
import { cidr } from '../engine/cidr';
import type { Cluster, ClusterNode } from '../engine/model';
import { cluster, pod, POS } from '../test/builders';
import { bgpState } from './bgp';
import { DEFAULT_CALICO_CONFIG, type CalicoConfig } from './config';
import { calicoPodMtu, ciliumPodMtu } from './encap';
import { calicoVethName } from './naming';
import { calicoRoutes, ciliumRoutes, lookupRoute } from './routes';
import { calicoBlocks } from './topology';

const node = (name: string, ip: string, podCIDR: string, zone?: string): ClusterNode => ({
  ref: { kind: 'Node', name, pos: POS },
  name,
  labels: zone ? { 'topology.kubernetes.io/zone': zone } : {},
  internalIP: ip,
  podCIDR: cidr(podCIDR),
  assigned: [],
});

/** Two racks on two subnets, like examples/multi-rack.yaml. */
function twoRacks(): Cluster {
  const nodes = [
    node('n1', '192.168.1.10', '10.244.0.0/24', 'rack-1'),
    node('n2', '192.168.1.11', '10.244.1.0/24', 'rack-1'),
    node('n3', '192.168.2.10', '10.244.2.0/24', 'rack-2'),
    node('n4', '192.168.2.11', '10.244.3.0/24', 'rack-2'),
  ];
  const pods = [
    { ...pod('demo/a'), nodeName: 'n1', ip: '10.244.0.10' },
    { ...pod('demo/b'), nodeName: 'n2', ip: '10.244.1.10' },
    { ...pod('demo/c'), nodeName: 'n3', ip: '10.244.2.70' },
  ];
  return { ...cluster({ pods: [] }), nodes, pods };
}

const calico = (over: Partial<CalicoConfig>): CalicoConfig => ({
  ...DEFAULT_CALICO_CONFIG,
  ...over,
});
const route = (c: Cluster, from: string, cfg: CalicoConfig, ip: string) =>
  lookupRoute(
    calicoRoutes(
      c,
      c.nodes.find((n) => n.name === from)!,
      cfg,
    ),
    ip,
  )!;

describe('Calico IPAM blocks', () => {
  it('gives a node the /26 blocks of its podCIDR that hold pods, and always the first', () => {
    const c = twoRacks();
    expect(calicoBlocks(c, c.nodes[2]!).map((b) => b.text)).toEqual([
      '10.244.2.0/26',
      '10.244.2.64/26',
    ]);
    expect(calicoBlocks(c, c.nodes[3]!).map((b) => b.text)).toEqual(['10.244.3.0/26']);
  });
});

describe('Calico routes', () => {
  it('routes a local pod to its veth and blackholes the local block', () => {
    const c = twoRacks();
    const r = route(c, 'n1', calico({ encap: 'none' }), '10.244.0.10');
    expect(r.text).toBe(`10.244.0.10 dev ${calicoVethName('demo', 'a')} scope link`);
    expect(route(c, 'n1', calico({ encap: 'none' }), '10.244.0.33').text).toBe(
      'blackhole 10.244.0.0/26 proto bird',
    );
    expect(route(c, 'n1', calico({ encap: 'vxlan' }), '10.244.0.33').text).toBe(
      'blackhole 10.244.0.0/26 proto 80',
    );
  });

  it('uses a plain proto bird next hop without encapsulation on one subnet', () => {
    const r = route(twoRacks(), 'n1', calico({ encap: 'none' }), '10.244.1.10');
    expect(r.text).toBe('10.244.1.0/26 via 192.168.1.11 dev eth0 proto bird');
    expect(r.origin).toBe('bird');
    expect(r.tunnel).toBeUndefined();
  });

  it('strands un-encapsulated traffic at a router that never learned pod routes', () => {
    const r = route(twoRacks(), 'n1', calico({ encap: 'none' }), '10.244.2.70');
    expect(r.text).toBe('10.244.2.64/26 via 192.168.1.1 dev eth0 proto bird');
    expect(r.strandedAt).toBe('192.168.1.1');
    const tor = route(twoRacks(), 'n1', calico({ encap: 'none', peering: 'tor' }), '10.244.2.70');
    expect(tor.strandedAt).toBeUndefined();
  });

  it('sends IPIP through tunl0 onlink, and CrossSubnet only across subnets', () => {
    const c = twoRacks();
    expect(route(c, 'n1', calico({ encap: 'ipip' }), '10.244.1.10').text).toBe(
      '10.244.1.0/26 via 192.168.1.11 dev tunl0 proto bird onlink',
    );
    expect(route(c, 'n1', calico({ encap: 'ipip-crosssubnet' }), '10.244.1.10').text).toBe(
      '10.244.1.0/26 via 192.168.1.11 dev eth0 proto bird',
    );
    expect(route(c, 'n1', calico({ encap: 'ipip-crosssubnet' }), '10.244.2.70').text).toBe(
      '10.244.2.64/26 via 192.168.2.10 dev tunl0 proto bird onlink',
    );
  });

  it('has Felix route VXLAN via the remote VTEP, with no BIRD', () => {
    const c = twoRacks();
    const r = route(c, 'n1', calico({ encap: 'vxlan' }), '10.244.2.70');
    expect(r.text).toBe('10.244.2.64/26 via 10.244.2.0 dev vxlan.calico onlink');
    expect(r.origin).toBe('felix');
    expect(route(c, 'n1', calico({ encap: 'vxlan-crosssubnet' }), '10.244.1.10').text).toBe(
      '10.244.1.0/26 via 192.168.1.11 dev eth0 proto 80',
    );
  });
});

describe('Calico BGP', () => {
  it('meshes n(n-1)/2 sessions named Mesh_<ip>', () => {
    const s = bgpState(twoRacks(), DEFAULT_CALICO_CONFIG);
    expect(s.sessions).toHaveLength(6);
    expect(s.sessions[0]).toMatchObject({
      birdNameOnA: 'Mesh_192_168_1_11',
      birdNameOnB: 'Mesh_192_168_1_10',
    });
  });

  it('peers every node with one route reflector per rack instead', () => {
    const s = bgpState(twoRacks(), calico({ peering: 'route-reflector' }));
    expect(s.routeReflectors).toEqual(['n1', 'n3']);
    // r(n-r) client sessions + r(r-1)/2 between reflectors.
    expect(s.sessions).toHaveLength(2 * 2 + 1);
  });

  it('peers each node with its rack ToR in the rack AS', () => {
    const s = bgpState(twoRacks(), calico({ peering: 'tor' }));
    expect(s.nodeAs).toEqual({ n1: 65001, n2: 65001, n3: 65002, n4: 65002 });
    expect(s.sessions.filter((x) => x.kind === 'tor').map((x) => x.b.ip)).toEqual([
      '192.168.1.1',
      '192.168.1.1',
      '192.168.2.1',
      '192.168.2.1',
    ]);
  });

  it('runs no BGP in VXLAN modes', () => {
    expect(bgpState(twoRacks(), calico({ encap: 'vxlan-crosssubnet' })).sessions).toHaveLength(0);
  });
});

describe('Cilium routes', () => {
  it('points remote pod CIDRs at cilium_host in tunnel mode', () => {
    const c = twoRacks();
    const r = lookupRoute(
      ciliumRoutes(c, c.nodes[0]!, {
        routing: 'vxlan',
        kubeProxyReplacement: false,
        bpfMasquerade: false,
        encryption: 'none',
      }),
      '10.244.2.70',
    )!;
    expect(r.text).toBe('10.244.2.0/24 via 10.244.0.1 dev cilium_host src 10.244.0.1 mtu 1450');
  });

  it('adds direct routes only to nodes on the same L2 segment in native mode', () => {
    const c = twoRacks();
    const routes = ciliumRoutes(c, c.nodes[0]!, {
      routing: 'native',
      kubeProxyReplacement: false,
      bpfMasquerade: false,
      encryption: 'none',
    });
    expect(lookupRoute(routes, '10.244.1.10')!.text).toBe(
      '10.244.1.0/24 via 192.168.1.11 dev eth0',
    );
    expect(lookupRoute(routes, '10.244.2.70')!.text).toBe('default via 192.168.1.1 dev eth0');
  });
});

describe('MTU', () => {
  it('takes the largest Calico overhead but adds Cilium overheads up', () => {
    expect(calicoPodMtu(['ipip'])).toBe(1480);
    expect(calicoPodMtu(['calico-vxlan', 'calico-wireguard'])).toBe(1440);
    expect(ciliumPodMtu(['cilium-vxlan'])).toBe(1450);
    expect(ciliumPodMtu(['cilium-vxlan', 'cilium-wireguard'])).toBe(1370);
    expect(ciliumPodMtu(['ipsec'])).toBe(1423);
  });
});
