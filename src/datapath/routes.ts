/**
 * Each node's main routing table as `ip route` prints it, derived from the cluster and the CNI
 * configuration, with where each route came from. Sources: Calico confd/tests/compiled_templates
 * (bird_ipam.cfg's calico_kernel_programming: a route goes via tunl0 unless IPIP is CrossSubnet and
 * the next hop is in the node's own subnet), felix/dataplane/linux/route_mgr.go (VXLAN routes
 * `via <VTEP> dev vxlan.calico onlink`, CrossSubnet same-subnet routes straight over the data
 * device, blackholes for local blocks, all with Felix's route protocol 80), datapath-facts.md's
 * routes table; Cilium Documentation/network/concepts/routing.rst (tunnel routes via cilium_host;
 * native routing with auto-direct-node-routes installs a route per remote node's pod CIDR, only
 * for nodes on the same L2 segment).
 */
import { cidr, cidrContains, type Cidr } from '../engine/cidr';
import { indexCluster } from '../engine/cluster';
import type { Cluster, ClusterNode, Cni } from '../engine/model';
import { bgpState, CALICO_DEFAULT_AS, torName } from './bgp';
import {
  calicoTunnel,
  calicoUsesBgp,
  ciliumIsNative,
  isCalicoCrossSubnet,
  type CalicoConfig,
  type CiliumConfig,
  type WalkConfig,
} from './config';
import { calicoPodMtu, ciliumPodMtu, type EncapKind } from './encap';
import { calicoVethName, ciliumVethName } from './naming';
import {
  calicoBlocks,
  calicoTunnelAddress,
  ciliumHostAddress,
  nodeSubnet,
  rackOf,
  sameSubnet,
  subnetGateway,
} from './topology';

export type RouteOrigin = 'host' | 'kernel' | 'calico-cni' | 'bird' | 'felix' | 'cilium-agent';

export interface Route {
  /** `default` or a CIDR. */
  readonly dst: Cidr | 'default';
  readonly type: 'unicast' | 'blackhole';
  readonly dev?: string;
  readonly via?: string;
  /** The line `ip route` prints. */
  readonly text: string;
  readonly origin: RouteOrigin;
  /** Where the route came from and why it has this shape, one sentence. */
  readonly why: string;
  /** For a remote pod route: the node that owns the destination. */
  readonly remoteNode?: string;
  /** The packet leaves through this tunnel (Calico `tunl0` / `vxlan.calico`). */
  readonly tunnel?: 'ipip' | 'calico-vxlan';
  /**
   * Set when the next hop is a router outside the cluster that was never told about pod routes:
   * the packet will reach it and go no further.
   */
  readonly strandedAt?: string;
}

const DEFAULT_DST = 'default' as const;

function hostRoutes(cluster: Cluster, node: ClusterNode): Route[] {
  const subnet = nodeSubnet(node);
  const gw = subnetGateway(cluster, node);
  return [
    {
      dst: DEFAULT_DST,
      type: 'unicast',
      dev: 'eth0',
      via: gw,
      text: `default via ${gw} dev eth0`,
      origin: 'host',
      why: `The node's own default route to its subnet's router (PacketWalk assumes a /24 per node with the router at ${gw}).`,
    },
    {
      dst: subnet,
      type: 'unicast',
      dev: 'eth0',
      text: `${subnet.text} dev eth0 proto kernel scope link src ${node.internalIP}`,
      origin: 'kernel',
      why: 'The kernel adds the connected route of eth0’s own subnet when the address is configured.',
    },
  ];
}

export function calicoRoutes(cluster: Cluster, node: ClusterNode, config: CalicoConfig): Route[] {
  const routes = hostRoutes(cluster, node);
  const bgp = calicoUsesBgp(config);
  const tunnel = calicoTunnel(config.encap);
  const crossSubnet = isCalicoCrossSubnet(config.encap);
  const state = bgpState(cluster, config);
  const index = indexCluster(cluster);
  for (const pod of index.podsOnNode(node.name)) {
    const veth = calicoVethName(pod.namespace, pod.name);
    routes.push({
      dst: cidr(`${pod.ip}/32`),
      type: 'unicast',
      dev: veth,
      text: `${pod.ip} dev ${veth} scope link`,
      origin: 'calico-cni',
      why: `The Calico CNI plugin added this host route when it wired ${pod.namespace}/${pod.name}'s veth; Felix keeps it in sync.`,
    });
  }
  for (const block of calicoBlocks(cluster, node)) {
    routes.push({
      dst: block,
      type: 'blackhole',
      text: `blackhole ${block.text} proto ${bgp ? 'bird' : '80'}`,
      origin: bgp ? 'bird' : 'felix',
      why: `${block.text} is an IPAM block affine to this node: addresses in it without a pod route are dropped here rather than sent back out${bgp ? '; BIRD exports the block from this blackhole' : ''}.`,
    });
  }
  for (const remote of cluster.nodes) {
    if (remote.name === node.name) continue;
    const same = sameSubnet(node, remote);
    const encapsulate = tunnel !== null && !(crossSubnet && same);
    for (const block of calicoBlocks(cluster, remote)) {
      routes.push(
        calicoRemoteRoute(cluster, node, remote, block, config, { bgp, encapsulate, same, state }),
      );
    }
  }
  return routes;
}

function calicoRemoteRoute(
  cluster: Cluster,
  node: ClusterNode,
  remote: ClusterNode,
  block: Cidr,
  config: CalicoConfig,
  ctx: { bgp: boolean; encapsulate: boolean; same: boolean; state: ReturnType<typeof bgpState> },
): Route {
  const base = { dst: block, type: 'unicast' as const, remoteNode: remote.name };
  if (!ctx.bgp) {
    if (ctx.encapsulate) {
      const vtep = calicoTunnelAddress(cluster, remote);
      return {
        ...base,
        dev: 'vxlan.calico',
        via: vtep,
        tunnel: 'calico-vxlan',
        text: `${block.text} via ${vtep} dev vxlan.calico onlink`,
        origin: 'felix',
        why: `Felix programmed it from ${remote.name}'s IPAM block: next hop ${remote.name}'s VTEP address ${vtep}, whose FDB entry points at ${remote.internalIP}; no BGP involved.`,
      };
    }
    return {
      ...base,
      dev: 'eth0',
      via: remote.internalIP,
      text: `${block.text} via ${remote.internalIP} dev eth0 proto 80`,
      origin: 'felix',
      why: `VXLAN CrossSubnet: ${remote.name} is in this node's subnet, so Felix routes its block directly over eth0 without encapsulation.`,
    };
  }
  const learned =
    config.peering === 'full-mesh'
      ? `BIRD learned it over the mesh session ${'Mesh_' + remote.internalIP.replaceAll('.', '_')} (AS ${CALICO_DEFAULT_AS})`
      : config.peering === 'route-reflector'
        ? `BIRD learned it from the route reflector${ctx.state.routeReflectors.length > 1 ? 's' : ''} (${ctx.state.routeReflectors.join(', ')}), which passed ${remote.name}'s advertisement on with its next hop unchanged`
        : `BIRD learned it from ${torName(rackOf(node))}, its rack's top-of-rack router`;
  if (ctx.encapsulate) {
    return {
      ...base,
      dev: 'tunl0',
      via: remote.internalIP,
      tunnel: 'ipip',
      text: `${block.text} via ${remote.internalIP} dev tunl0 proto bird onlink`,
      origin: 'bird',
      why: `${learned}; BIRD's kernel export filter sets the tunnel to tunl0${
        config.encap === 'ipip-crosssubnet' ? ` because ${remote.name} is in another subnet` : ''
      }, so the next hop is reached through IPIP, "onlink" because ${remote.internalIP} need not be on tunl0's subnet.${
        config.peering === 'tor'
          ? ' (With ToR peering this needs keepOriginalNextHop on the BGPPeer, which PacketWalk assumes.)'
          : ''
      }`,
    };
  }
  /** A BIRD route over eth0, no encapsulation; `strandedAt` the router where the packet dies. */
  const overEth0 = (via: string, why: string, strandedAt?: string): Route => ({
    ...base,
    dev: 'eth0',
    via,
    text: `${block.text} via ${via} dev eth0 proto bird`,
    origin: 'bird',
    ...(strandedAt ? { strandedAt } : {}),
    why,
  });
  if (ctx.same) {
    return overEth0(
      remote.internalIP,
      `${learned}; ${remote.name} is on this node's own subnet, so the plain next hop works with no encapsulation.`,
    );
  }
  const gw = subnetGateway(cluster, node);
  if (config.peering === 'tor') {
    return overEth0(
      gw,
      `${learned}: ${remote.name} sits in another rack, so the ToR advertises the block with itself as next hop and the fabric, which learned it over BGP, carries the packet.`,
    );
  }
  return overEth0(
    gw,
    `${learned}, but ${remote.internalIP} is not on this node's subnet, so BIRD resolves the next hop recursively through the default route to ${gw}. That router never peered with Calico and has no route to ${block.text}: without encapsulation (or ToR peering) the packet dies there.`,
    gw,
  );
}

export function ciliumRoutes(cluster: Cluster, node: ClusterNode, config: CiliumConfig): Route[] {
  const routes = hostRoutes(cluster, node);
  const hostIP = ciliumHostAddress(cluster, node, config.routing);
  const encaps: EncapKind[] = [];
  if (!ciliumIsNative(config.routing))
    encaps.push(config.routing === 'geneve' ? 'geneve' : 'cilium-vxlan');
  if (config.encryption === 'wireguard') encaps.push('cilium-wireguard');
  if (config.encryption === 'ipsec') encaps.push('ipsec');
  const mtu = ciliumPodMtu(encaps);
  if (config.routing === 'eni') {
    // AWS ENI: enable-endpoint-routes, so one route per local endpoint straight to its lxc device
    // and no route for the node's pod range (routing.rst "AWS ENI", Ingress step 3); the per-ENI
    // tables that egress uses are ip rules into table 10+N (pkg/datapath/linux/routing/routing.go).
    for (const pod of cluster.pods) {
      if (pod.nodeName !== node.name) continue;
      const dev = ciliumVethName(`${pod.namespace}/${pod.name}`);
      routes.push({
        dst: cidr(`${pod.ip}/32`),
        type: 'unicast',
        dev,
        text: `${pod.ip} dev ${dev} scope link`,
        origin: 'cilium-agent',
        why: `ENI mode runs with enable-endpoint-routes: the agent routes each local pod address to its own lxc device, and an ip rule (priority 20, "to ${pod.ip} lookup main") makes sure traffic to it consults this table.`,
      });
    }
    return routes;
  }
  routes.push({
    dst: node.podCIDR,
    type: 'unicast',
    dev: 'cilium_host',
    via: hostIP,
    text: `${node.podCIDR.text} via ${hostIP} dev cilium_host src ${hostIP}`,
    origin: 'cilium-agent',
    why: `The agent routes the node's own pod CIDR to cilium_host (${hostIP}); with eBPF host routing, pod traffic skips this table and is redirected straight into the pod.`,
  });
  for (const remote of cluster.nodes) {
    if (remote.name === node.name) continue;
    if (config.routing !== 'native') {
      routes.push({
        dst: remote.podCIDR,
        type: 'unicast',
        dev: 'cilium_host',
        via: hostIP,
        remoteNode: remote.name,
        text: `${remote.podCIDR.text} via ${hostIP} dev cilium_host src ${hostIP} mtu ${mtu}`,
        origin: 'cilium-agent',
        why: `Tunnel mode: the agent points every remote pod CIDR at cilium_host with the tunnel MTU (${mtu}); the BPF program, not this route, picks the tunnel endpoint from the ipcache.`,
      });
    } else if (sameSubnet(node, remote)) {
      routes.push({
        dst: remote.podCIDR,
        type: 'unicast',
        dev: 'eth0',
        via: remote.internalIP,
        remoteNode: remote.name,
        text: `${remote.podCIDR.text} via ${remote.internalIP} dev eth0`,
        origin: 'cilium-agent',
        why: `auto-direct-node-routes: ${remote.name} shares this node's L2 segment, so the agent installs a direct route to its pod CIDR.`,
      });
    }
  }
  return routes;
}

export function routingTable(cluster: Cluster, node: ClusterNode, config: WalkConfig): Route[] {
  return config.cni === 'calico'
    ? calicoRoutes(cluster, node, config.calico)
    : ciliumRoutes(cluster, node, config.cilium);
}

/** Longest-prefix match, as the kernel's FIB does for the main table. */
export function lookupRoute(routes: readonly Route[], ip: string): Route | undefined {
  let best: Route | undefined;
  let bestPrefix = -1;
  for (const r of routes) {
    const prefix = r.dst === DEFAULT_DST ? 0 : r.dst.prefix;
    const hit = r.dst === DEFAULT_DST || cidrContains(r.dst, ip);
    if (hit && prefix > bestPrefix) {
      best = r;
      bestPrefix = prefix;
    }
  }
  return best;
}

export function calicoPodMtuFor(config: CalicoConfig): number {
  const kinds: EncapKind[] = [];
  const tunnel = calicoTunnel(config.encap);
  if (tunnel === 'ipip') kinds.push('ipip');
  if (tunnel === 'vxlan') kinds.push('calico-vxlan');
  if (config.wireguard) kinds.push('calico-wireguard');
  return calicoPodMtu(kinds);
}

/** The veth (host side) of a pod under each CNI. */
export const podVeth = (cni: Cni, ns: string, name: string): string =>
  cni === 'calico' ? calicoVethName(ns, name) : ciliumVethName(`${ns}/${name}`);
