/**
 * A packet's walk under Calico: the iptables dataplane (Felix chains, kube-proxy's nat chains, BIRD
 * or Felix routes, tunl0 / vxlan.calico / wireguard.cali) or the eBPF dataplane (calico_tc_main on
 * the cali* veths, cali_v4_* maps, per-endpoint policy programs behind jump maps).
 *
 * Sources: datapath-facts.md §1; felix/rules/static.go and endpoints.go (chain walk, conntrack
 * rules first in each endpoint chain); felix/rules/nat.go (cali-nat-outgoing: MASQUERADE from
 * cali40masq-ipam-pools to anything outside cali40all-ipam-pools; in BPF mode the same rule keyed
 * on a mark the BPF program sets); felix/bpf-gpl/tc.c (calico_tc_main, the one tc program,
 * specialised per hook); felix/bpf/jump/map.go (cali_jump_ing / cali_jump_egr, version 2);
 * docs.tigera.io FAQ "Why does my container have a route to 169.254.1.1?" (proxy ARP on the veth);
 * felix/rules/static.go filterInputChain ("Allow IPIP packets from Calico hosts", "Allow IPv4 VXLAN
 * packets from allowed hosts"); node/pkg/lifecycle/startup/startup.go (the default pool gets
 * natOutgoing from CALICO_IPV4POOL_NAT_OUTGOING, default true); kubernetes pkg/proxy/iptables/
 * proxier.go (KUBE-SERVICES, KUBE-SVC-, KUBE-SEP-, the "has no endpoints" REJECT).
 */
import type { CalicoDataplane } from '../engine/calico/dataplane';
import { podKey } from '../engine/cluster';
import type { Cluster } from '../engine/model';
import { runFilter, filterRows, type FilterPart } from './calicoFilter';
import type { CalicoConfig } from './config';
import { ENCAPS } from './encap';
import type { FiveTuple } from './flow';
import { describeTuple, HopLog, l4Header, routeRows, type CniWalk } from './hops';
import type { ResolvedPacket } from './packet';
import { calicoPodMtuFor, calicoRoutes, lookupRoute, type Route } from './routes';
import { subnetGateway } from './topology';
import { place } from './place';
import { CALICO_BPF_CT_ICMP, icmpServiceNote, localReceiver } from './icmp';
import { crossUnderlay, gatewayId, pastGateway } from './wire';
import {
  type Ctx,
  veth,
  atTc,
  atNetfilter,
  fabric,
  CT_MAP_VERSION_NOTE,
  BPF_FORWARD_NOTE,
  ctlbApplies,
  podSends,
  routeHop,
  deliverToPod,
  hairpin,
} from './calicoCtx';
import { kubeProxy, ebpfConnectTimeLb, ebpfServiceNat } from './calicoServices';
import { policyHop, dropPolicy } from './calicoIptablesHops';
import { bpfPolicyHop, dropBpf, bpfForwardHop } from './calicoBpfHops';
import { encapsulate, arrive } from './calicoEncap';
import { walkReply } from './calicoReply';

export function walkCalico(
  cluster: Cluster,
  dp: CalicoDataplane,
  config: CalicoConfig,
  p: ResolvedPacket,
): CniWalk {
  const ctx: Ctx = {
    cluster,
    dp,
    config,
    p,
    log: new HopLog(),
    notes: [...p.notes],
    ebpf: config.dataplane === 'ebpf',
  };
  if (p.http)
    ctx.notes.push(
      'Calico’s own dataplane does not parse HTTP: the request is judged as a TCP connection (Calico’s HTTP rules need the Istio/Envoy application layer, not modelled).',
    );
  if (p.reply) walkReply(ctx);
  else walkForward(ctx);
  return { log: ctx.log, podMtu: calicoPodMtuFor(config), notes: ctx.notes };
}

function walkForward(ctx: Ctx): void {
  const { p, log } = ctx;
  const client = p.client;
  const cNode = p.clientNode;
  let t: FiveTuple = p.flow;
  // eBPF, TCP to a Service: connect-time load balancing rewrites the destination at connect(),
  // before the first packet exists.
  const ctlb = ctx.ebpf && p.service !== undefined && ctlbApplies(p.flow);
  if (ctlb) {
    const done = ebpfConnectTimeLb(ctx, t);
    if (!done) return;
    t = done;
  }
  podSends(ctx, client, cNode, t);

  // PREROUTING (iptables) or the from-workload tc program (eBPF): the Service lookup.
  if (ctx.ebpf) {
    log.add({
      stage: 'egress-hook',
      node: cNode.name,
      place: atTc(cNode),
      where: `${veth(ctx, client)} tc ingress: calico_tc_main (from-workload program)`,
      table: 'cali_v4_ct4',
      match: `no entry for ${describeTuple(t)}: a new flow`,
      headers: [l4Header(t)],
      cost: { lookups: 1 },
      explanation: `The packet crosses the veth into the host, where Felix attached calico_tc_main at tc ingress of ${veth(ctx, client)} (host-side ingress = the pod's egress). Its first step is a conntrack lookup in Calico's own BPF conntrack map: nothing yet, so this is a new flow that policy must judge.${ctlb ? ` It is already addressed to the backend (the connect hook also recorded the Service address in cali_v4_ct_nats, keyed by the socket cookie and the backend; calico_tc_main looks that entry up with the packet’s socket cookie and, on a hit, gives the policy program the Service address as the pre-DNAT destination beside the backend, felix/bpf-gpl/tc.c and connect.h).` : ''}${t.icmp ? ` ${CALICO_BPF_CT_ICMP}` : ''}${p.icmpToService ? ` ${icmpServiceNote(p.icmpToService, t, 'calico-bpf')}` : ''} ${CT_MAP_VERSION_NOTE} ${BPF_FORWARD_NOTE}`,
    });
    if (p.service && !ctlb) {
      const done = ebpfServiceNat(ctx, t);
      if (!done) return;
      t = done;
    }
  } else {
    const dnat = kubeProxy(ctx, t);
    if (!dnat) return;
    t = dnat;
  }

  const target = p.target!;
  if (target.kind === 'pod' && podKey(target.pod) === podKey(client)) return hairpin(ctx, t);
  if (target.kind === 'external') return forwardExternal(ctx, t);
  const dNode = target.node;
  const sameNode = dNode.name === cNode.name;

  if (target.kind === 'node' && sameNode) {
    const route: Route = {
      dst: 'default',
      type: 'unicast',
      text: `local ${dNode.internalIP} dev eth0 table local proto kernel scope host src ${dNode.internalIP}`,
      origin: 'kernel',
      why: `${dNode.internalIP} is one of this node's own addresses, so the local table delivers it to the host's stack (INPUT), not FORWARD.`,
    };
    routeHop(ctx, cNode, t, route);
    const f = runFilter(ctx.dp, cNode.name, 'INPUT', { inIface: veth(ctx, client) }, t, 'NEW');
    policyHop(
      ctx,
      cNode,
      t,
      f.first,
      'egress',
      f.at,
      `INPUT → ${f.first.path.slice(1).join(' → ')}`,
    );
    if (f.verdict === 'DROP') return dropPolicy(ctx, cNode, t, f.at);
    log.add({
      stage: 'delivered',
      node: cNode.name,
      place: place.node(cNode.name),
      where: `host network namespace of ${cNode.name}`,
      table: 'cali-wl-to-host',
      match: 'Configured DefaultEndpointToHostAction: ACCEPT',
      headers: [l4Header(t)],
      explanation: `After the pod's egress policy, cali-wl-to-host applies DefaultEndpointToHostAction, which the calico.yaml manifests set to ACCEPT (Felix's own default is DROP), and the host's socket receives the packet.`,
    });
    return;
  }

  const routes = calicoRoutes(ctx.cluster, cNode, ctx.config);
  const dstIP = t.dst;
  const route = lookupRoute(routes, dstIP)!;
  const wg =
    ctx.config.wireguard && !sameNode && route.dst !== 'default' && route.remoteNode !== undefined;
  // iptables routes in PREROUTING's wake, before FORWARD's policy; calico_tc_main runs the policy
  // program first and looks the route up once the packet is accepted.
  if (!ctx.ebpf) routeHop(ctx, cNode, t, route, wg ? route : undefined);

  if (sameNode && target.kind === 'pod') {
    const dVeth = veth(ctx, target.pod);
    const f = runFilter(
      ctx.dp,
      cNode.name,
      'FORWARD',
      { inIface: veth(ctx, client), outIface: dVeth },
      t,
      'NEW',
    );
    if (ctx.ebpf) {
      bpfPolicyHop(ctx, cNode, t, f.first, 'egress', veth(ctx, client));
      if (f.verdict === 'DROP' && !f.second)
        return dropBpf(ctx, cNode, t, f.first, veth(ctx, client));
      routeHop(ctx, cNode, t, route);
      bpfPolicyHop(ctx, cNode, t, f.second!, 'ingress', dVeth);
      if (f.verdict === 'DROP') return dropBpf(ctx, cNode, t, f.second!, dVeth);
    } else {
      policyHop(ctx, cNode, t, f.first, 'egress', f.at);
      if (f.verdict === 'DROP' && !f.second) return dropPolicy(ctx, cNode, t, f.at);
      policyHop(ctx, cNode, t, f.second!, 'ingress', f.at);
      if (f.verdict === 'DROP') return dropPolicy(ctx, cNode, t, f.at);
    }
    deliverToPod(ctx, cNode, target.pod, [l4Header(t)]);
    return;
  }

  // Across nodes.
  if (!leavingNodePolicy(ctx, t, wg ? 'wireguard.cali' : (route.dev ?? 'eth0'))) return;
  if (ctx.ebpf) routeHop(ctx, cNode, t, route, wg ? route : undefined);

  if (route.strandedAt) {
    log.drop(
      {
        node: `router ${route.strandedAt}`,
        place: place.network(gatewayId(ctx.cluster, cNode, fabric(ctx))),
        where: `eth0 (${cNode.name}) → router ${route.strandedAt}`,
        table: `routing table of ${route.strandedAt}`,
        match: `no route to ${t.dst}`,
        headers: [l4Header(t)],
        explanation: `The un-encapsulated pod packet reaches the subnet's router ${route.strandedAt}, which never peered with Calico and so has no route to the pod range (it would need ToR peering, or an overlay: IPIP or VXLAN, CrossSubnet being enough). It is dropped there (or sent off along a default route, never to arrive).`,
      },
      `no route to ${t.dst} at router ${route.strandedAt}: without encapsulation, pod routes must be known to the fabric`,
    );
    return;
  }

  const dstNode = dNode;
  const stack = encapsulate(ctx, cNode, dstNode, t, route, wg);
  crossUnderlay(log, ctx.cluster, cNode, dstNode, stack.headers, fabric(ctx));
  arrive(ctx, cNode, dstNode, t, stack.kind);

  if (target.kind === 'node') {
    const fi = runFilter(
      ctx.dp,
      dstNode.name,
      'INPUT',
      { inIface: stack.kind ? ENCAPS[stack.kind].device : 'eth0' },
      t,
      'NEW',
    );
    log.add({
      stage: 'ingress-policy',
      node: dstNode.name,
      place: atNetfilter(ctx, dstNode),
      where: `INPUT → ${fi.first.path.slice(1).join(' → ') || 'cali-INPUT'}`,
      table: 'cali-INPUT',
      match: fi.at ? `${fi.at.chain} rule ${fi.at.number}` : 'no host endpoint: nothing to enforce',
      rows: filterRows(fi.first, fi.at),
      headers: [l4Header(t)],
      cost: { rules: fi.first.rules },
      explanation: `Addressed to ${dstNode.name} itself, the packet goes up INPUT, where Calico would apply host endpoint policy; no HostEndpoint exists, so the chain lets it through.`,
    });
    log.add({
      stage: 'delivered',
      node: dstNode.name,
      place: place.node(dstNode.name),
      where: `host network namespace of ${dstNode.name}`,
      table: t.icmp ? 'icmp_rcv' : 'socket lookup',
      match: localReceiver(t),
      headers: [l4Header(t)],
      explanation: `The node's own stack receives the packet.`,
    });
    return;
  }

  const dVeth = veth(ctx, target.pod);
  const localRoute = lookupRoute(calicoRoutes(ctx.cluster, dstNode, ctx.config), t.dst)!;
  routeHop(ctx, dstNode, t, localRoute);
  const inIface = stack.kind ? ENCAPS[stack.kind].device : 'eth0';
  const fi = runFilter(ctx.dp, dstNode.name, 'FORWARD', { inIface, outIface: dVeth }, t, 'NEW');
  if (ctx.ebpf) {
    bpfPolicyHop(ctx, dstNode, t, fi.first, 'ingress', dVeth);
    if (fi.verdict === 'DROP') return dropBpf(ctx, dstNode, t, fi.first, dVeth);
  } else {
    policyHop(ctx, dstNode, t, fi.first, 'ingress', fi.at);
    if (fi.verdict === 'DROP') return dropPolicy(ctx, dstNode, t, fi.at);
  }
  deliverToPod(ctx, dstNode, target.pod, [l4Header(t)]);
}

function forwardExternal(ctx: Ctx, t: FiveTuple): void {
  const { log, p } = ctx;
  const node = p.clientNode;
  const route = lookupRoute(calicoRoutes(ctx.cluster, node, ctx.config), t.dst)!;
  if (!ctx.ebpf) routeHop(ctx, node, t, route);
  if (!leavingNodePolicy(ctx, t, 'eth0')) return;
  if (ctx.ebpf) {
    routeHop(ctx, node, t, route, undefined, true);
    bpfForwardHop(ctx, node, t, veth(ctx, p.client), 'eth0', true);
  }
  const masq: FiveTuple = { ...t, src: node.internalIP };
  log.add({
    stage: 'egress-hook',
    node: node.name,
    place: atNetfilter(ctx, node),
    where: 'nat POSTROUTING → cali-POSTROUTING → cali-nat-outgoing',
    table: 'cali-nat-outgoing',
    match: ctx.ebpf
      ? '-m mark --mark 0x3800000/0x3f00000 -j MASQUERADE'
      : '-m set --match-set cali40masq-ipam-pools src -m set ! --match-set cali40all-ipam-pools dst -j MASQUERADE',
    headers: [l4Header(masq)],
    cost: { rules: 1 },
    explanation: `The default IP pool has natOutgoing on (CALICO_IPV4POOL_NAT_OUTGOING defaults to true), and ${t.dst} is outside every Calico pool, so Felix's cali-nat-outgoing rule masquerades the packet: its source becomes the node's address ${node.internalIP}, and conntrack remembers the mapping for the replies.${ctx.ebpf ? ' In the eBPF dataplane the pool test is the BPF program’s: it marks such packets 0x3800000 (MarkSeenNATOutgoing = "seen" 0x1000000 + "bypass" 0x2000000 + "NAT outgoing" 0x800000, matched under the mask 0x3f00000; felix/bpf/tc/defs/defs.go, CALI_SKB_MARK_NAT_OUT in felix/bpf-gpl/bpf.h) and Felix’s BPF-mode rule only matches the mark (felix/rules/nat.go makeNATOutgoingRuleBPF). Felix appends --random-fully to MASQUERADE where iptables supports it.' : ''}`,
  });
  const gw = subnetGateway(ctx.cluster, node);
  log.add({
    stage: 'wire',
    node: node.name,
    place: place.network(gatewayId(ctx.cluster, node, fabric(ctx))),
    where: `eth0 (${node.name}) → ${gw}`,
    table: `ip route (${node.name})`,
    match: route.text,
    rows: routeRows(calicoRoutes(ctx.cluster, node, ctx.config), route, t.dst),
    headers: [l4Header(masq)],
    explanation: `Out of eth0 to the default gateway ${gw}, towards ${t.dst}.`,
  });
  pastGateway(
    log,
    t.dst,
    l4Header(masq),
    p.icmpToService,
    false,
    `The packet has left the cluster with the node's address as its source; PacketWalk follows it no further.`,
  );
}

/**
 * The client's egress policy for a packet that leaves its node (for another node or the outside):
 * the FORWARD pass from the client's veth to `outIface`, shown as one policy hop (both parts of the
 * pass, when there are two). Logs the drop and returns false when policy denies the packet.
 */
function leavingNodePolicy(ctx: Ctx, t: FiveTuple, outIface: string): boolean {
  const node = ctx.p.clientNode;
  const cVeth = veth(ctx, ctx.p.client);
  const f = runFilter(ctx.dp, node.name, 'FORWARD', { inIface: cVeth, outIface }, t, 'NEW');
  const whole: FilterPart = f.second
    ? {
        path: f.first.path,
        trace: [...f.first.trace, ...f.second.trace],
        rules: f.first.rules + f.second.rules,
        ...(f.first.outcome ? { outcome: f.first.outcome } : {}),
      }
    : f.first;
  if (ctx.ebpf) bpfPolicyHop(ctx, node, t, whole, 'egress', cVeth);
  else policyHop(ctx, node, t, whole, 'egress', f.at);
  if (f.verdict === 'ACCEPT') return true;
  if (ctx.ebpf) dropBpf(ctx, node, t, whole, cVeth);
  else dropPolicy(ctx, node, t, f.at);
  return false;
}

export type { CniWalk } from './hops';
