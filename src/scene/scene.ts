/**
 * What a CNI panel draws for a cluster under one configuration: the nodes with their pods and the
 * host stack a packet crosses (the layers differ per CNI and mode), and the network between nodes
 * (L2 segments, routers or a ToR/spine fabric, BGP sessions, the overlay tunnel). Pure data with a
 * stable id on every drawable element (place.ts's constructors, the ones the walks use for
 * `Hop.place`), so the renderer can key its joins on ids and `placeHop` can say where a hop happens.
 *
 * Every name shown comes from the datapath model itself: veth names from naming.ts (the same
 * functions the walks use), devices from encap.ts, sessions from bgp.ts, subnets, gateways and
 * racks from topology.ts.
 */
import { podKey } from '../engine/cluster';
import type { Cluster, ClusterNode, Cni } from '../engine/model';
import { bgpState, type BgpPeerKind, type BgpSpeaker } from '../datapath/bgp';
import {
  calicoTunnel,
  isCalicoCrossSubnet,
  type CalicoConfig,
  type CiliumConfig,
  type WalkConfig,
} from '../datapath/config';
import { describeWalkConfig } from '../datapath/options';
import { ENCAPS, type EncapKind } from '../datapath/encap';
import { calicoVethName, ciliumVethName } from '../datapath/naming';
import {
  CALICO_BLOCK_SIZE,
  calicoBlocks,
  calicoTunnelAddress,
  ciliumHostAddress,
  nodeSubnet,
  rackOf,
  subnetGateway,
} from '../datapath/topology';
import {
  layerId,
  nodeId,
  OUTSIDE_ID,
  podId,
  routerId,
  segmentId,
  spineId,
  TUNNEL_ID,
  torId,
  vethId,
  type LayerKind,
} from '../datapath/place';

// The element ids the walks and the scene share live in place.ts; the drawing reads its types here.
export type { HopPlace, LayerKind } from '../datapath/place';

export interface SceneLayer {
  readonly id: string;
  readonly kind: LayerKind;
  /** The device or hook as the tools name it: `tunl0`, `iptables`, `cilium_host`. */
  readonly label: string;
  /** One short line: what runs there. */
  readonly detail: string;
}

export interface ScenePod {
  readonly id: string;
  /** The element that draws the host side of the pod's veth. */
  readonly vethId: string;
  /** `ns/pod`. */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly ip: string;
  /** Host-side veth name (`cali…` / `lxc…`), as the walk's hops name it. */
  readonly veth: string;
}

/**
 * The address ranges a node's pods take their IPs from, as this CNI's IPAM hands them out: what
 * the node box says under its address, so it names the same prefixes the routes do.
 */
export interface ScenePodRanges {
  /** `IPAM blocks` (Calico: the /26 blocks affine to the node) or `podCIDR` (Cilium). */
  readonly caption: string;
  readonly cidrs: readonly string[];
  /** One or two sentences for a tooltip: where the ranges come from. */
  readonly title: string;
}

export interface SceneNode {
  readonly id: string;
  readonly name: string;
  readonly internalIP: string;
  /** The Node's `spec.podCIDR` as the manifest gives it. */
  readonly podCIDR: string;
  /** The ranges this CNI's IPAM allocates the node's pods from (Calico blocks, Cilium pod CIDR). */
  readonly podRanges: ScenePodRanges;
  /** The node's subnet (PacketWalk assumes a /24 per InternalIP). */
  readonly subnet: string;
  readonly rack: string;
  /** Set in route-reflector mode on the nodes picked as reflectors: the id of their badge. */
  readonly routeReflectorId?: string;
  /** The BGP AS the node speaks in, when BGP runs. */
  readonly as?: number;
  readonly pods: readonly ScenePod[];
  /** Top (pod side) to bottom (eth0). */
  readonly layers: readonly SceneLayer[];
}

/** An L2 segment: the nodes of one subnet and the gateway they reach other subnets through. */
export interface SceneSegment {
  readonly id: string;
  readonly subnet: string;
  readonly nodes: readonly string[];
  /** The element id of the segment's router or ToR switch. */
  readonly gatewayId: string;
}

/** A subnet's router, or a rack's top-of-rack switch in the ToR model. */
export interface SceneGateway {
  readonly id: string;
  readonly kind: 'router' | 'tor';
  /** `router 192.168.1.1`, or the ToR's name `tor-rack-1`. */
  readonly name: string;
  readonly ip: string;
  readonly as?: number;
}

export interface SceneSpine {
  readonly id: string;
  readonly name: string;
  readonly as: number;
}

/** A physical link between two network elements (routers, switches, the outside). */
export interface SceneLink {
  readonly id: string;
  readonly a: string;
  readonly b: string;
}

export interface SceneSession {
  readonly id: string;
  /** Element ids of the two speakers (a node, a ToR or a spine). */
  readonly a: string;
  readonly b: string;
  readonly kind: BgpPeerKind;
  readonly ibgp: boolean;
  /** One line for a tooltip: who peers with whom, under which BIRD names, in which AS. */
  readonly title: string;
}

export interface SceneTunnel {
  readonly id: string;
  /** `IPIP`, `VXLAN`, `Geneve`. */
  readonly proto: string;
  /** The device on every node: `tunl0`, `vxlan.calico`, `cilium_vxlan`, `cilium_geneve`. */
  readonly device: string;
  readonly port?: number;
  /** CrossSubnet modes: only traffic between subnets goes through the tunnel. */
  readonly crossSubnetOnly: boolean;
  readonly label: string;
}

export interface Scene {
  readonly cni: Cni;
  /** The configuration in one line (describeWalkConfig). */
  readonly title: string;
  readonly nodes: readonly SceneNode[];
  readonly segments: readonly SceneSegment[];
  readonly gateways: readonly SceneGateway[];
  readonly spines: readonly SceneSpine[];
  readonly links: readonly SceneLink[];
  readonly sessions: readonly SceneSession[];
  /** How BGP is shaped, or why it is off; absent for Cilium (no BGP in these modes). */
  readonly bgpSummary?: string;
  /**
   * A note drawn under the network when the drawing alone would mislead: Calico's VXLAN modes run
   * no BIRD, so no session is drawn and the note says who programs the routes instead.
   */
  readonly note?: { readonly id: string; readonly label: string; readonly title: string };
  readonly tunnel: SceneTunnel | null;
  readonly outside: { readonly id: string; readonly label: string };
}

// ---------------------------------------------------------------------------------------------
// Ids
// ---------------------------------------------------------------------------------------------

export const NOTE_ID = 'note';

// ---------------------------------------------------------------------------------------------
// Building
// ---------------------------------------------------------------------------------------------

const layer = (node: string, kind: LayerKind, label: string, detail: string): SceneLayer => ({
  id: layerId(node, kind),
  kind,
  label,
  detail,
});

function encapLayer(node: string, kind: EncapKind, extra = ''): SceneLayer {
  const spec = ENCAPS[kind];
  const what =
    spec.port !== undefined
      ? `${spec.proto}, UDP ${spec.port}`
      : `${spec.proto}, IP proto ${spec.ipProtocol}`;
  const layerKind: LayerKind =
    kind === 'calico-wireguard' || kind === 'cilium-wireguard'
      ? 'wireguard'
      : kind === 'ipsec'
        ? 'xfrm'
        : 'tunnel';
  return layer(
    node,
    layerKind,
    kind === 'ipsec' ? 'xfrm (IPsec)' : spec.device,
    `${what}, ${spec.overhead} B${extra}`,
  );
}

function calicoLayers(cluster: Cluster, node: ClusterNode, config: CalicoConfig): SceneLayer[] {
  const n = node.name;
  const layers: SceneLayer[] = [];
  if (config.dataplane === 'ebpf') {
    layers.push(layer(n, 'tc-ebpf', 'tc eBPF', 'calico_tc_main on the cali* veths'));
    layers.push(layer(n, 'routing', 'routing table', 'cali_v4_routes, then the kernel FIB'));
  } else {
    layers.push(layer(n, 'routing', 'routing table', 'ip route'));
    layers.push(layer(n, 'iptables', 'iptables', 'Felix cali-* chains, kube-proxy KUBE-*'));
  }
  const tunnel = calicoTunnel(config.encap);
  if (tunnel === 'ipip')
    layers.push(encapLayer(n, 'ipip', `, ${calicoTunnelAddress(cluster, node)}`));
  if (tunnel === 'vxlan')
    layers.push(encapLayer(n, 'calico-vxlan', `, VTEP ${calicoTunnelAddress(cluster, node)}`));
  if (config.wireguard) layers.push(encapLayer(n, 'calico-wireguard'));
  layers.push(layer(n, 'eth0', 'eth0', node.internalIP));
  return layers;
}

/**
 * Calico: the IPAM blocks affine to the node (IPPool blockSize 26, libcalico-go's ipam; the /26s the
 * routes name: a `blackhole` on the node, `via` it on the others), from topology.ts's calicoBlocks.
 * Cilium: the node's pod CIDR: in cluster-pool IPAM (the default) the operator writes it to the
 * CiliumNode's spec.ipam.podCIDRs, with `ipam: kubernetes` it is the Node's spec.podCIDR
 * (cilium Documentation/network/concepts/ipam/cluster-pool.rst and kubernetes.rst); PacketWalk
 * takes the manifest's podCIDR for both.
 */
function podRangesOf(cluster: Cluster, node: ClusterNode, cni: Cni): ScenePodRanges {
  if (cni === 'calico') {
    const blocks = calicoBlocks(cluster, node).map((b) => b.text);
    return {
      caption: 'IPAM blocks',
      cidrs: blocks,
      title: `Calico IPAM blocks affine to ${node.name}: ${blocks.join(', ')} (IPPool blockSize ${CALICO_BLOCK_SIZE}). Pods get their addresses from these blocks, and routes to ${node.name}'s pods name them. calico-ipam does not use the Node's spec.podCIDR (${node.podCIDR.text}); PacketWalk carves the blocks out of it.`,
    };
  }
  return {
    caption: 'podCIDR',
    cidrs: [node.podCIDR.text],
    title: `${node.name}'s pod CIDR ${node.podCIDR.text}: in cluster-pool IPAM (Cilium's default) the operator assigns it in the CiliumNode's spec.ipam.podCIDRs; with ipam: kubernetes it is the Node's spec.podCIDR. Pods and cilium_host take their addresses from it.`,
  };
}

function hasL7Policy(cluster: Cluster): boolean {
  return cluster.ciliumPolicies.some((p) =>
    [...(p.ingress ?? []), ...(p.egress ?? [])].some((r) =>
      (r.toPorts ?? []).some((tp) => tp.http !== null),
    ),
  );
}

function ciliumLayers(cluster: Cluster, node: ClusterNode, config: CiliumConfig): SceneLayer[] {
  const n = node.name;
  const layers: SceneLayer[] = [
    layer(n, 'lxc-ebpf', 'lxc… tc eBPF', 'cil_from_container, cil_lxc_policy'),
  ];
  if (hasL7Policy(cluster)) layers.push(layer(n, 'proxy', 'cilium-envoy', 'L7 proxy (HTTP rules)'));
  layers.push(
    layer(
      n,
      'cilium-host',
      'cilium_host',
      `${ciliumHostAddress(cluster, node, config.routing)} (router IP)`,
    ),
  );
  if (config.routing === 'vxlan') layers.push(encapLayer(n, 'cilium-vxlan'));
  if (config.routing === 'geneve') layers.push(encapLayer(n, 'geneve'));
  // Since Cilium 1.18 ESP wraps the VXLAN packet, so xfrm comes after the tunnel device.
  if (config.encryption === 'ipsec') layers.push(encapLayer(n, 'ipsec'));
  if (config.encryption === 'wireguard') layers.push(encapLayer(n, 'cilium-wireguard'));
  layers.push(
    layer(
      n,
      'eth0',
      'eth0',
      config.routing === 'eni'
        ? `${node.internalIP}; ENI eth1: pods ${node.podCIDR.text}`
        : node.internalIP,
    ),
  );
  return layers;
}

function tunnelOf(config: WalkConfig): SceneTunnel | null {
  if (config.cni === 'calico') {
    const t = calicoTunnel(config.calico.encap);
    if (!t) return null;
    const spec = ENCAPS[t === 'ipip' ? 'ipip' : 'calico-vxlan'];
    const cross = isCalicoCrossSubnet(config.calico.encap);
    return {
      id: TUNNEL_ID,
      proto: spec.proto,
      device: spec.device,
      ...(spec.port !== undefined ? { port: spec.port } : {}),
      crossSubnetOnly: cross,
      label: `${spec.proto} tunnel${spec.port !== undefined ? ` (UDP ${spec.port})` : ' (IP proto 4)'}${cross ? ', between subnets only' : ''}`,
    };
  }
  const routing = config.cilium.routing;
  if (routing === 'native' || routing === 'eni') return null;
  const spec = ENCAPS[routing === 'geneve' ? 'geneve' : 'cilium-vxlan'];
  return {
    id: TUNNEL_ID,
    proto: spec.proto,
    device: spec.device,
    ...(spec.port !== undefined ? { port: spec.port } : {}),
    crossSubnetOnly: false,
    label: `${spec.proto} tunnel (UDP ${spec.port ?? ''}), VNI = source identity`,
  };
}

export function buildScene(cluster: Cluster, config: WalkConfig): Scene {
  const calico = config.cni === 'calico' ? config.calico : null;
  const bgp = calico ? bgpState(cluster, calico) : null;
  const fabric = calico?.peering === 'tor' && bgp?.enabled === true;
  const reflectors = new Set(bgp?.routeReflectors ?? []);

  const nodes: SceneNode[] = cluster.nodes.map((node) => {
    const pods = cluster.pods
      .filter((p) => p.nodeName === node.name)
      .map((p): ScenePod => {
        const key = podKey(p);
        return {
          id: podId(key),
          vethId: vethId(key),
          key,
          namespace: p.namespace,
          name: p.name,
          ip: p.ip,
          // The names the walks use: calicoWalk reads Felix's workload iface (calicoVethName's
          // formula), ciliumWalk calls ciliumVethName(podKey(pod)).
          veth: calico ? calicoVethName(p.namespace, p.name) : ciliumVethName(key),
        };
      });
    const as = bgp?.enabled ? bgp.nodeAs[node.name] : undefined;
    return {
      id: nodeId(node.name),
      name: node.name,
      internalIP: node.internalIP,
      podCIDR: node.podCIDR.text,
      podRanges: podRangesOf(cluster, node, config.cni),
      subnet: nodeSubnet(node).text,
      rack: rackOf(node),
      ...(reflectors.has(node.name) ? { routeReflectorId: `rr:${node.name}` } : {}),
      ...(as !== undefined ? { as } : {}),
      pods,
      layers:
        config.cni === 'calico'
          ? calicoLayers(cluster, node, config.calico)
          : ciliumLayers(cluster, node, config.cilium),
    };
  });

  // Gateways: one per subnet (its .1, or .254), which in the ToR model is the rack's switch.
  const gateways: SceneGateway[] = [];
  const gatewayByIp = new Map<string, SceneGateway>();
  if (fabric && bgp) {
    for (const s of bgp.speakers) {
      if (!s.name.startsWith('tor-')) continue;
      const g: SceneGateway = { id: torId(s.name), kind: 'tor', name: s.name, ip: s.ip, as: s.as };
      gateways.push(g);
      gatewayByIp.set(s.ip, g);
    }
  }
  const segments: SceneSegment[] = [];
  for (const node of cluster.nodes) {
    const subnet = nodeSubnet(node).text;
    const seg = segments.find((s) => s.subnet === subnet);
    if (seg) {
      (seg.nodes as string[]).push(node.name);
      continue;
    }
    const ip = subnetGateway(cluster, node);
    let gw = gatewayByIp.get(ip);
    if (!gw) {
      gw = { id: routerId(ip), kind: 'router', name: `router ${ip}`, ip };
      gateways.push(gw);
      gatewayByIp.set(ip, gw);
    }
    segments.push({ id: segmentId(subnet), subnet, nodes: [node.name], gatewayId: gw.id });
  }

  const spines: SceneSpine[] = fabric
    ? (bgp?.speakers ?? [])
        .filter((s) => s.name.startsWith('spine-'))
        .map((s) => ({ id: spineId(s.name), name: s.name, as: s.as }))
    : [];

  // Physical links: ToRs to every spine, spines (or the first router) to the outside, and the
  // routers between subnets chained (PacketWalk only assumes they route node addresses).
  const links: SceneLink[] = [];
  const link = (a: string, b: string) => links.push({ id: `link:${a}~${b}`, a, b });
  if (spines.length > 0) {
    for (const g of gateways) if (g.kind === 'tor') for (const s of spines) link(g.id, s.id);
    for (const g of gateways) if (g.kind === 'router') link(g.id, spines[0]!.id);
    link(spines[0]!.id, OUTSIDE_ID);
  } else {
    for (let i = 1; i < gateways.length; i++) link(gateways[i - 1]!.id, gateways[i]!.id);
    if (gateways[0]) link(gateways[0].id, OUTSIDE_ID);
  }

  const speakerId = (s: BgpSpeaker): string =>
    s.name.startsWith('spine-') && fabric
      ? spineId(s.name)
      : s.name.startsWith('tor-') && fabric
        ? torId(s.name)
        : nodeId(s.name);
  const sessions: SceneSession[] = (bgp?.sessions ?? []).map((s) => {
    const a = speakerId(s.a);
    const b = speakerId(s.b);
    const names = [s.birdNameOnA, s.birdNameOnB].filter(Boolean).join(' / ');
    return {
      id: `bgp:${a}~${b}`,
      a,
      b,
      kind: s.kind,
      ibgp: s.ibgp,
      title: `${s.ibgp ? 'iBGP' : 'eBGP'} ${s.a.name} (AS ${s.a.as}) ↔ ${s.b.name} (AS ${s.b.as}), TCP 179${names ? `; BIRD: ${names}` : ''}`,
    };
  });

  return {
    cni: config.cni,
    title: describeWalkConfig(config),
    nodes,
    segments,
    gateways,
    spines,
    links,
    sessions,
    ...(bgp ? { bgpSummary: bgp.summary } : {}),
    ...(bgp && !bgp.enabled
      ? {
          note: {
            id: NOTE_ID,
            label: 'BIRD off (calico_backend: vxlan): Felix programs the pod routes, no BGP',
            title: bgp.summary,
          },
        }
      : {}),
    tunnel: tunnelOf(config),
    outside: { id: OUTSIDE_ID, label: 'outside the cluster' },
  };
}

// Which elements a scene draws and where a hop happens: place.ts (light, for the main thread).
