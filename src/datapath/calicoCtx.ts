/**
 * What every part of a Calico walk shares: the walk's context, where hops are drawn (the cali*
 * veth's tc programs, netfilter), the conntrack-map and FORWARD notes, and the hops every path
 * takes (the pod sending, the routing decision, delivery into the pod, hairpin).
 *
 * Sources: docs.tigera.io FAQ "Why does my container have a route to 169.254.1.1?" (proxy ARP on
 * the veth); felix/bpf/conntrack/v4/map.go and v3/map.go (cali_v4_ct4 / ct3);
 * felix/dataplane/linux/vxlan_mgr.go (VXLAN routes are Felix's); felix/bpf-gpl/fib_co_re.h.
 */
import type { CalicoDataplane } from '../engine/calico/dataplane';
import { podKey } from '../engine/cluster';
import type { Cluster, ClusterNode, Pod } from '../engine/model';
import { bgpState } from './bgp';
import type { CalicoConfig } from './config';
import type { FiveTuple } from './flow';
import type { HopRow, PacketHeader } from './hop';
import type { HopLog } from './hops';
import { l4Header, podSendsHop, routeRows } from './hops';
import type { ResolvedPacket } from './packet';
import { calicoRoutes, type Route } from './routes';
import { place, type HopPlace } from './place';

export interface Ctx {
  readonly cluster: Cluster;
  readonly dp: CalicoDataplane;
  readonly config: CalicoConfig;
  readonly p: ResolvedPacket;
  readonly log: HopLog;
  readonly notes: string[];
  readonly ebpf: boolean;
}

export const veth = (ctx: Ctx, pod: Pod): string => ctx.dp.workloads[podKey(pod)]!.iface;

/** calico_tc_main and the policy programs behind it, on the cali* veths (eBPF dataplane). */
export const atTc = (node: ClusterNode): HopPlace => place.layer(node.name, 'tc-ebpf', 'tc');

/**
 * A netfilter chain: the iptables layer, or in the eBPF dataplane (which draws none) what is left of
 * netfilter there, just before eth0.
 */
export const atNetfilter = (ctx: Ctx, node: ClusterNode): HopPlace =>
  place.layer(node.name, ctx.ebpf ? 'eth0' : 'iptables', 'netfilter');

/** ToR peering with BGP on: the underlay is the leaf-spine fabric the scene draws. */
export const fabric = (ctx: Ctx): boolean =>
  ctx.config.peering === 'tor' && bgpState(ctx.cluster, ctx.config).enabled;

/**
 * The conntrack map's name by version: `cali_v4_ct4` from v3.31 (felix/bpf/conntrack/v4/map.go,
 * Version 4), `cali_v4_ct3` before (felix/bpf/conntrack/v3/map.go).
 */
export const CT_MAP_VERSION_NOTE =
  'The map is cali_v4_ct4 in Calico v3.31 and later; before v3.31 it was cali_v4_ct3.';

/**
 * When netfilter's FORWARD still sees a packet in BPF mode: felix/dataplane/linux/int_dataplane.go
 * `setUpIptablesBPF` (the FORWARD rules and their comments), felix/bpf-gpl/fib_co_re.h
 * (`forward_or_drop`: bpf_redirect_neigh / bpf_redirect_peer after the FIB lookup),
 * felix/bpf-gpl/fib_common.h (`fib_approve`: "send unconfirmed packets via iptables" to a workload
 * whose programs are not ready), felix/bpf-gpl/tc.c (`update_fib_mark`: natOutgoing traffic keeps
 * the FIB off and goes to iptables for SNAT).
 */
export const BPF_FORWARD_NOTE =
  'Once policy accepts it, calico_tc_main normally redirects the packet itself (bpf_redirect_neigh or bpf_redirect_peer after a FIB lookup), so it never meets netfilter’s FORWARD chain. FORWARD still sees the packets the program does not redirect: traffic that natOutgoing must masquerade (iptables does the SNAT), a destination workload whose BPF programs are not attached yet, a failed FIB lookup or an expiring TTL, flows that pre-date the BPF programs. For those Felix writes a few FORWARD rules of its own ("Pre-approved by BPF programs.", "From workload without BPF seen mark", "To workload, mark has already been verified."), and no cali-fw-/cali-tw- chains.';

/**
 * Connect-time load balancing: `BPFConnectTimeLoadBalancing` defaults to `TCP`
 * (felix/config/config_params.go, oneof TCP/Enabled/Disabled); in `TCP` mode the cgroup hook
 * skips datagram sockets (felix/bpf-gpl/connect.h, CTLB_EXCLUDE_UDP), so UDP is NATed per packet
 * in calico_tc_main.
 */
export const ctlbApplies = (t: FiveTuple): boolean => t.protocol === 'TCP';

export function podSends(ctx: Ctx, pod: Pod, node: ClusterNode, t: FiveTuple, reply = false): void {
  podSendsHop(
    ctx.log,
    podKey(pod),
    node.name,
    t,
    reply,
    'default via 169.254.1.1 dev eth0',
    `${reply ? ' (the reply of the connection)' : ''}. Calico gives every pod a default route to the link-local address 169.254.1.1, which nothing owns: the host side of the veth (${veth(ctx, pod)}) answers its ARP by proxy ARP, so every packet leaves the pod into the host.`,
  );
}

export function routeHop(
  ctx: Ctx,
  node: ClusterNode,
  t: FiveTuple,
  route: Route,
  wireguardVia?: Route,
  natOutgoing = false,
): void {
  if (ctx.ebpf) {
    const after = natOutgoing
      ? ` The destination is outside every Calico pool and the pool has natOutgoing, so the program leaves the FIB lookup off and hands the packet to the kernel with its NAT-outgoing mark: the kernel routes it, and iptables does the masquerading.`
      : ` The program then hands the packet straight to that device with bpf_redirect_neigh (bpf_redirect_peer into a pod once conntrack knows the flow): netfilter's FORWARD chain never sees it.`;
    ctx.log.add({
      stage: 'routing',
      node: node.name,
      place: place.layer(node.name, 'routing', 'route'),
      where: `calico_tc_main: route lookup + bpf_fib_lookup (${node.name})`,
      table: `cali_v4_routes, then the kernel FIB (ip route)`,
      match: wireguardVia
        ? `${wireguardVia.dst === 'default' ? 'default' : wireguardVia.dst.text} dev wireguard.cali`
        : route.text,
      ...(wireguardVia ? {} : { rows: mainTableRows(ctx, node, route, t.dst) }),
      headers: [l4Header(t)],
      cost: { lookups: 1 },
      explanation: `The program looks ${t.dst} up in Calico's BPF route map (which node owns it, local workload or not), then asks the kernel FIB for the next hop (bpf_fib_lookup). The FIB holds the same routes as in iptables mode: ${route.why}${after}${vxlanRoutesNote(ctx, route)}`,
    });
    return;
  }
  if (wireguardVia) {
    const block = wireguardVia.dst === 'default' ? 'default' : wireguardVia.dst.text;
    ctx.log.add({
      stage: 'routing',
      node: node.name,
      place: place.layer(node.name, 'routing', 'route'),
      where: `routing decision (${node.name})`,
      table: 'ip rule 99 → Felix’s WireGuard routing table',
      match: `${block} dev wireguard.cali`,
      headers: [l4Header(t)],
      explanation: `WireGuard is on: Felix adds a routing rule at priority 99 (WireguardRoutingRulePriority) that sends packets not yet encrypted to its own routing table, where every remote block routes into wireguard.cali. The main-table route (${wireguardVia.text}) is not used for this packet.`,
    });
    return;
  }
  ctx.log.add({
    stage: 'routing',
    node: node.name,
    place: place.layer(node.name, 'routing', 'route'),
    where: `routing decision (${node.name})`,
    table: `ip route (${node.name})`,
    match: route.text,
    rows: mainTableRows(ctx, node, route, t.dst),
    headers: [l4Header(t)],
    explanation: `${route.why}${vxlanRoutesNote(ctx, route)}`,
  });
}

/**
 * Calico VXLAN routes are Felix's, not BIRD's: felix/dataplane/linux/vxlan_mgr.go programs
 * `<block> via <VTEP> dev vxlan.calico onlink` and the VTEP's ARP/FDB entries from the
 * datastore; with `calico_backend: vxlan` BIRD does not run at all, and where BGP runs for other
 * peers it does not carry these routes (datapath-facts.md "Routes").
 */
function vxlanRoutesNote(ctx: Ctx, route: Route): string {
  if (ctx.config.encap !== 'vxlan' && ctx.config.encap !== 'vxlan-crosssubnet') return '';
  if (route.origin !== 'felix' || route.remoteNode === undefined) return '';
  return ' In VXLAN mode this route comes from Felix, which programs it from the IPAM blocks in the datastore, not from BGP: BIRD can be switched off entirely (calico_backend: vxlan), and where BGP runs for other peers it does not carry these routes.';
}

const mainTableRows = (ctx: Ctx, node: ClusterNode, route: Route, dst: string): HopRow[] =>
  routeRows(calicoRoutes(ctx.cluster, node, ctx.config), route, dst);

export function deliverToPod(
  ctx: Ctx,
  node: ClusterNode,
  pod: Pod,
  headers: readonly PacketHeader[],
): void {
  const established = ctx.p.reply;
  ctx.log.add({
    stage: 'delivered',
    node: node.name,
    place: place.pod(node.name, podKey(pod)),
    where: `${veth(ctx, pod)} → eth0 in ${podKey(pod)}`,
    table: ctx.ebpf ? '' : established ? 'conntrack' : 'filter FORWARD',
    match: ctx.ebpf
      ? 'redirected to the workload'
      : established
        ? 'accepted on ctstate RELATED,ESTABLISHED'
        : '-m mark --mark 0x10000/0x10000 -j ACCEPT "Policy explicitly accepted packet."',
    headers,
    explanation: ctx.ebpf
      ? `The to-workload program lets the packet out of ${veth(ctx, pod)} into ${podKey(pod)}.`
      : established
        ? `Accepted on its conntrack state, the reply crosses ${veth(ctx, pod)} into ${podKey(pod)}'s eth0.`
        : `Back in FORWARD, the accept mark set by the endpoint chains is honoured ("Policy explicitly accepted packet."); POSTROUTING's cali-nat-outgoing leaves pod-to-pod traffic alone, and the packet crosses ${veth(ctx, pod)} into ${podKey(pod)}'s eth0.`,
  });
}

/** A pod reaching itself through a Service: the backend chosen is the client. */
export function hairpin(ctx: Ctx, t: FiveTuple): void {
  const pod = ctx.p.client;
  ctx.notes.push(
    'Hairpin: the Service sent the connection back to the pod that opened it. The NetworkPolicy spec lets a pod reach itself, and PacketWalk does not walk hairpin traffic through policy.',
  );
  ctx.log.add({
    stage: 'delivered',
    node: ctx.p.clientNode.name,
    place: place.pod(ctx.p.clientNode.name, podKey(pod)),
    where: `${veth(ctx, pod)} → eth0 in ${podKey(pod)} (hairpin)`,
    table: ctx.ebpf ? 'cali_v4_nat_be' : 'KUBE-SEP (hairpin)',
    match: ctx.ebpf
      ? `backend ${t.dst}:${t.dport} is the client itself`
      : `-s ${t.dst}/32 -j KUBE-MARK-MASQ`,
    headers: [l4Header(t)],
    explanation: ctx.ebpf
      ? `The chosen backend is ${podKey(pod)} itself, so the packet is sent straight back into the pod it came from.`
      : `The chosen backend is ${podKey(pod)} itself. The endpoint chain's first rule (-s ${t.dst}) marks such hairpin traffic for masquerading (0x4000), so KUBE-POSTROUTING rewrites its source to a node address before it goes back into the pod: otherwise the pod would answer itself directly and the connection would break.`,
  });
}
