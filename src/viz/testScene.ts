/**
 * Synthetic scenes for the viz layer's tests. viz/ may not import datapath/ at runtime, so its
 * tests build scenes of the same shape by hand: n nodes, k pods each, on one or more subnets, with
 * BGP sessions, a ToR fabric or a tunnel when asked. The names are placeholders, never shown.
 */
import type { LayerKind, Scene, SceneNode, SceneSession } from '../scene/scene';
import type { Cni } from '../engine/model';

export interface SyntheticOptions {
  readonly nodes: number;
  readonly podsPerNode: number;
  readonly subnets: number;
  readonly mesh?: boolean;
  readonly fabric?: boolean;
  readonly tunnel?: boolean;
  /** The tunnel only between subnets (CrossSubnet modes). */
  readonly crossSubnet?: boolean;
  readonly cni?: Cni;
  /** A scene note (Calico VXLAN's "BIRD off") of this text. */
  readonly note?: string;
}

const LAYERS: readonly LayerKind[] = ['routing', 'iptables', 'tunnel', 'eth0'];

export function syntheticScene(o: SyntheticOptions): Scene {
  const subnetOf = (i: number) => `192.168.${(i % o.subnets) + 1}.0/24`;
  const nodes: SceneNode[] = Array.from({ length: o.nodes }, (_, i) => {
    const name = `node-${i + 1}`;
    return {
      id: `node:${name}`,
      name,
      internalIP: `192.168.${(i % o.subnets) + 1}.${10 + i}`,
      podCIDR: `10.244.${i}.0/24`,
      podRanges:
        o.cni === 'cilium'
          ? { caption: 'podCIDR', cidrs: [`10.244.${i}.0/24`], title: `pod CIDR of ${name}` }
          : { caption: 'IPAM blocks', cidrs: [`10.244.${i}.0/26`], title: `blocks of ${name}` },
      subnet: subnetOf(i),
      rack: `rack-${(i % o.subnets) + 1}`,
      pods: Array.from({ length: o.podsPerNode }, (_, j) => {
        const key = `ns/pod-${i + 1}-${j + 1}`;
        return {
          id: `pod:${key}`,
          vethId: `veth:${key}`,
          key,
          namespace: 'ns',
          name: `pod-${i + 1}-${j + 1}`,
          ip: `10.244.${i}.${j + 2}`,
          veth: `cali${String(i).padStart(2, '0')}${String(j).padStart(9, '0')}`,
        };
      }),
      layers: LAYERS.map((kind) => ({
        id: `layer:${name}:${kind}`,
        kind,
        label: kind,
        detail: `${kind} detail`,
      })),
    };
  });
  const subnets = [...new Set(nodes.map((n) => n.subnet))];
  const gateways = subnets.map((s, i) =>
    o.fabric
      ? {
          id: `tor:tor-rack-${i + 1}`,
          kind: 'tor' as const,
          name: `tor-rack-${i + 1}`,
          ip: s.replace('0/24', '1'),
        }
      : {
          id: `router:${s.replace('0/24', '1')}`,
          kind: 'router' as const,
          name: `router ${s.replace('0/24', '1')}`,
          ip: s.replace('0/24', '1'),
        },
  );
  const segments = subnets.map((s, i) => ({
    id: `segment:${s}`,
    subnet: s,
    nodes: nodes.filter((n) => n.subnet === s).map((n) => n.name),
    gatewayId: gateways[i]!.id,
  }));
  const spines = o.fabric
    ? [1, 2].map((i) => ({ id: `spine:spine-${i}`, name: `spine-${i}`, as: 65000 }))
    : [];
  const sessions: SceneSession[] = [];
  const session = (a: string, b: string, kind: SceneSession['kind']) =>
    sessions.push({
      id: `bgp:${a}~${b}`,
      a,
      b,
      kind,
      ibgp: kind !== 'spine',
      title: `${a} ↔ ${b}`,
    });
  if (o.mesh)
    for (let i = 0; i < nodes.length; i++)
      for (let j = i + 1; j < nodes.length; j++) session(nodes[i]!.id, nodes[j]!.id, 'mesh');
  if (o.fabric) {
    for (const n of nodes) session(n.id, gateways[subnets.indexOf(n.subnet)]!.id, 'tor');
    for (const g of gateways) for (const s of spines) session(g.id, s.id, 'spine');
  }
  const links = o.fabric
    ? [
        ...gateways.flatMap((g) =>
          spines.map((s) => ({ id: `link:${g.id}~${s.id}`, a: g.id, b: s.id })),
        ),
        { id: `link:${spines[0]!.id}~outside`, a: spines[0]!.id, b: 'outside' },
      ]
    : [
        ...gateways
          .slice(1)
          .map((g, i) => ({ id: `link:${gateways[i]!.id}~${g.id}`, a: gateways[i]!.id, b: g.id })),
        { id: `link:${gateways[0]!.id}~outside`, a: gateways[0]!.id, b: 'outside' },
      ];
  return {
    cni: o.cni ?? 'calico',
    title: 'synthetic',
    nodes,
    segments,
    gateways,
    spines,
    links,
    sessions,
    tunnel: o.tunnel
      ? {
          id: 'tunnel',
          proto: 'IPIP',
          device: 'tunl0',
          crossSubnetOnly: o.crossSubnet ?? false,
          label: o.crossSubnet ? 'IPIP tunnel (IP proto 4), between subnets only' : 'IPIP tunnel',
        }
      : null,
    outside: { id: 'outside', label: 'outside the cluster' },
    ...(o.note ? { note: { id: 'note', label: o.note, title: `why: ${o.note}` } } : {}),
  };
}
