/**
 * What every part of a Cilium walk shares: the walk's context, the lxc veth and conntrack map
 * names, where hops are drawn, the endpoint lookups, the pod sending and the delivery into the pod,
 * and the native-routing CIDR PacketWalk derives.
 *
 * Sources: datapath-facts.md §2 (programs, maps); bpf/lib/local_delivery.h (redirect_ep:
 * bpf_redirect_peer with BPF host routing, a plain redirect otherwise).
 */
import { cidr as parseCidrText, formatIPv4, type Cidr } from '../engine/cidr';
import { podKey } from '../engine/cluster';
import type { CiliumDataplane } from '../engine/cilium/ebpf';
import type { Cluster, ClusterNode, Pod } from '../engine/model';
import { ciliumHostRoutingReason, type CiliumConfig, type CiliumHostRouting } from './config';
import type { EncapKind } from './encap';
import type { FiveTuple } from './flow';
import type { HopInput, HopLog } from './hops';
import { l4Header, podSendsHop } from './hops';
import { ciliumVethName } from './naming';
import type { ResolvedPacket } from './packet';
import { ciliumHostAddress } from './topology';
import { place, type HookKind, type HopPlace } from './place';

export interface Ctx {
  readonly cluster: Cluster;
  readonly dp: CiliumDataplane;
  readonly config: CiliumConfig;
  readonly hostRouting: CiliumHostRouting;
  readonly p: ResolvedPacket;
  readonly log: HopLog;
  readonly notes: string[];
  readonly mtu: number;
}

export const lxc = (pod: Pod): string => ciliumVethName(podKey(pod));

export const ctMap = (protocol: string): string =>
  protocol === 'TCP' ? 'cilium_ct4_global' : 'cilium_ct_any4_global';

export function encapKinds(config: CiliumConfig): EncapKind[] {
  const kinds: EncapKind[] = [];
  // AWS ENI ('eni') is native routing: no tunnel overhead.
  if (config.routing === 'vxlan') kinds.push('cilium-vxlan');
  if (config.routing === 'geneve') kinds.push('geneve');
  if (config.encryption === 'wireguard') kinds.push('cilium-wireguard');
  if (config.encryption === 'ipsec') kinds.push('ipsec');
  return kinds;
}

/** cil_from_container, the endpoint's policy program, cil_to_container: the lxc tc eBPF layer. */
export const atLxc = (node: ClusterNode, hook: HookKind = 'tc'): HopPlace =>
  place.layer(node.name, 'lxc-ebpf', hook);

/**
 * Where a packet leaving an endpoint is routed: in the program with eBPF host routing
 * (bpf_fib_lookup), by the host stack behind cilium_host with legacy host routing.
 */
export const routedAt = (ctx: Ctx, node: ClusterNode): HopPlace =>
  ctx.hostRouting === 'BPF' ? atLxc(node, 'route') : place.layer(node.name, 'cilium-host', 'route');

export const endpointOf = (ctx: Ctx, pod: Pod) => ctx.dp.index.endpointByPod.get(podKey(pod))!;

export function podAt(ctx: Ctx, ip: string): Pod | undefined {
  return ctx.cluster.pods.find((p) => p.ip === ip);
}

export function podOf(ctx: Ctx, key: string): Pod {
  return ctx.cluster.pods.find((p) => podKey(p) === key)!;
}

/** AWS ENI runs with enable-endpoint-routes; without BPF host routing cil_to_container enforces. */
export const endpointRoutes = (ctx: Ctx): boolean =>
  ctx.config.routing === 'eni' && ctx.hostRouting === 'legacy';

export function podSends(ctx: Ctx, pod: Pod, node: ClusterNode, t: FiveTuple, reply = false): void {
  const router = ciliumHostAddress(ctx.cluster, node, ctx.config.routing);
  podSendsHop(
    ctx.log,
    podKey(pod),
    node.name,
    t,
    reply,
    `default via ${router} dev eth0 mtu ${ctx.mtu}`,
    `. Cilium gives the pod a default route via the node's cilium_host address ${router} with the pod MTU (${ctx.mtu}), so everything leaves through the veth to the host side ${lxc(pod)}.${ctx.config.routing === 'eni' ? ` AWS ENI mode: ${pod.ip} is a secondary IP that the operator assigned to ${node.name}'s ENI eth1 through the EC2 API; PacketWalk keeps the scenario's pod addresses and treats ${node.podCIDR.text} as the VPC subnet of that ENI (the router IP is an ENI address too).` : ''}`,
  );
}

/**
 * nat POSTROUTING's jump to CILIUM_POST_nat, Cilium's iptables masquerading chain
 * (pkg/datapath/iptables/iptables.go installMasqueradeRules), leaving `t` as it is after the chain.
 */
export function postNatHop(
  ctx: Ctx,
  node: ClusterNode,
  t: FiveTuple,
  hop: Pick<HopInput, 'match' | 'rows' | 'cost' | 'explanation'>,
): void {
  ctx.log.add({
    stage: 'egress-hook',
    node: node.name,
    place: place.layer(node.name, 'eth0', 'netfilter'),
    where: 'nat POSTROUTING → CILIUM_POST_nat',
    table: 'CILIUM_POST_nat',
    headers: [l4Header(t)],
    ...hop,
  });
}

export function deliver(ctx: Ctx, node: ClusterNode, pod: Pod, t: FiveTuple): void {
  const bpfHost = ctx.hostRouting === 'BPF';
  ctx.log.add({
    stage: 'delivered',
    node: node.name,
    place: place.pod(node.name, podKey(pod)),
    where: bpfHost
      ? `bpf_redirect_peer → eth0 in ${podKey(pod)}`
      : endpointRoutes(ctx)
        ? `${lxc(pod)} → eth0 in ${podKey(pod)}`
        : `redirect → ${lxc(pod)} → eth0 in ${podKey(pod)}`,
    table: '',
    match: 'Hubble: to-endpoint FORWARDED',
    headers: [l4Header(t)],
    explanation: bpfHost
      ? `With eBPF host routing the program hands the packet straight to the pod's side of the veth with bpf_redirect_peer, skipping the host's stack and ${lxc(pod)}'s own egress path.`
      : endpointRoutes(ctx)
        ? `The packet leaves ${lxc(pod)} and crosses the veth into the pod.`
        : `With legacy host routing the program delivers with a plain redirect to ${lxc(pod)}, which passes the packet across the veth into the pod (bpf/lib/local_delivery.h redirect_ep(): without BPF host routing it uses ctx_redirect, a plain redirect through the CPU backlog, instead of ctx_redirect_peer). ${ciliumHostRoutingReason(ctx.config)}`,
  });
}

export function nativeRoutingCidr(cluster: Cluster): Cidr {
  return coveringCidr(
    cluster.nodes.map((n) => n.podCIDR.base),
    Math.min(32, ...cluster.nodes.map((n) => n.podCIDR.prefix)),
  );
}

/** The smallest prefix (at most `longest` bits) that covers every base address. */
export function coveringCidr(bases: readonly number[], longest: number): Cidr {
  const first = bases[0] ?? 0;
  const mask = (p: number) => (p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0);
  let prefix = longest;
  while (
    prefix > 0 &&
    !bases.every((b) => (b & mask(prefix)) >>> 0 === (first & mask(prefix)) >>> 0)
  )
    prefix--;
  return parseCidrText(`${formatIPv4((first & mask(prefix)) >>> 0)}/${prefix}`);
}
