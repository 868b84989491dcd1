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
import type { Cluster, ClusterNode, Pod } from '../engine/model';
import { bgpState } from './bgp';
import type { RuleRef } from '../engine/calico/walk';
import {
  runFilter,
  describeOutcome,
  dropWords,
  bpfPolicyRules,
  bpfPolicyRows,
  describeBpfOutcome,
  filterRows,
  type FilterPart,
} from './calicoFilter';
import type { CalicoConfig } from './config';
import { ENCAPS, outerHeader, type EncapKind } from './encap';
import { flowHash, portFromHash, reverseTuple, type FiveTuple } from './flow';
import type { HopRow, PacketHeader } from './hop';
import { describeTuple, HopLog, l4Header, routeRows } from './hops';
import type { ResolvedPacket } from './packet';
import { calicoPodMtuFor, calicoRoutes, lookupRoute, type Route } from './routes';
import {
  allServicePorts,
  kubeProxyTrace,
  kubeSvcChain,
  serviceId,
  servicePortName,
  type ServiceBackend,
} from './services';
import { calicoBlocks, calicoTunnelAddress, subnetGateway } from './topology';
import { place, type HopPlace } from './place';
import { crossUnderlay, gatewayId, OUTSIDE } from './wire';

export interface CniWalk {
  readonly log: HopLog;
  readonly podMtu: number;
  readonly notes: string[];
}

interface Ctx {
  readonly cluster: Cluster;
  readonly dp: CalicoDataplane;
  readonly config: CalicoConfig;
  readonly p: ResolvedPacket;
  readonly log: HopLog;
  readonly notes: string[];
  readonly ebpf: boolean;
}

const veth = (ctx: Ctx, pod: Pod): string => ctx.dp.workloads[podKey(pod)]!.iface;

/** calico_tc_main and the policy programs behind it, on the cali* veths (eBPF dataplane). */
const atTc = (node: ClusterNode): HopPlace => place.layer(node.name, 'tc-ebpf', 'tc');

/**
 * A netfilter chain: the iptables layer, or in the eBPF dataplane (which draws none) what is left of
 * netfilter there, just before eth0.
 */
const atNetfilter = (ctx: Ctx, node: ClusterNode): HopPlace =>
  place.layer(node.name, ctx.ebpf ? 'eth0' : 'iptables', 'netfilter');

/** ToR peering with BGP on: the underlay is the leaf-spine fabric the scene draws. */
const fabric = (ctx: Ctx): boolean =>
  ctx.config.peering === 'tor' && bgpState(ctx.cluster, ctx.config).enabled;

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

// ---------------------------------------------------------------------------------------------
// Forward
// ---------------------------------------------------------------------------------------------

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
      explanation: `The packet crosses the veth into the host, where Felix attached calico_tc_main at tc ingress of ${veth(ctx, client)} (host-side ingress = the pod's egress). Its first step is a conntrack lookup in Calico's own BPF conntrack map: nothing yet, so this is a new flow that policy must judge.${ctlb ? ` It is already addressed to the backend (the connect hook also recorded the Service address in cali_v4_ct_nats, keyed by the socket cookie and the backend; calico_tc_main looks that entry up with the packet’s socket cookie and, on a hit, gives the policy program the Service address as the pre-DNAT destination beside the backend, felix/bpf-gpl/tc.c and connect.h).` : ''} ${CT_MAP_VERSION_NOTE} ${BPF_FORWARD_NOTE}`,
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
    if (ctx.ebpf) {
      const f = runFilter(
        ctx.dp,
        cNode.name,
        'FORWARD',
        { inIface: veth(ctx, client), outIface: dVeth },
        t,
        'NEW',
      );
      bpfPolicyHop(ctx, cNode, t, f.first, 'egress', veth(ctx, client));
      if (f.verdict === 'DROP' && !f.second)
        return dropBpf(ctx, cNode, t, f.first, veth(ctx, client));
      routeHop(ctx, cNode, t, route);
      bpfPolicyHop(ctx, cNode, t, f.second!, 'ingress', dVeth);
      if (f.verdict === 'DROP') return dropBpf(ctx, cNode, t, f.second!, dVeth);
    } else {
      const f = runFilter(
        ctx.dp,
        cNode.name,
        'FORWARD',
        { inIface: veth(ctx, client), outIface: dVeth },
        t,
        'NEW',
      );
      policyHop(ctx, cNode, t, f.first, 'egress', f.at);
      if (f.verdict === 'DROP' && !f.second) return dropPolicy(ctx, cNode, t, f.at);
      policyHop(ctx, cNode, t, f.second!, 'ingress', f.at);
      if (f.verdict === 'DROP') return dropPolicy(ctx, cNode, t, f.at);
    }
    deliverToPod(ctx, cNode, target.pod, [l4Header(t)]);
    return;
  }

  // Across nodes.
  const outIface = wg ? 'wireguard.cali' : (route.dev ?? 'eth0');
  const f = runFilter(
    ctx.dp,
    cNode.name,
    'FORWARD',
    { inIface: veth(ctx, client), outIface },
    t,
    'NEW',
  );
  const whole: FilterPart = f.second
    ? {
        path: f.first.path,
        trace: [...f.first.trace, ...f.second.trace],
        rules: f.first.rules + f.second.rules,
        ...(f.first.outcome ? { outcome: f.first.outcome } : {}),
      }
    : f.first;
  if (ctx.ebpf) bpfPolicyHop(ctx, cNode, t, whole, 'egress', veth(ctx, client));
  else policyHop(ctx, cNode, t, whole, 'egress', f.at);
  if (f.verdict === 'DROP')
    return ctx.ebpf
      ? dropBpf(ctx, cNode, t, whole, veth(ctx, client))
      : dropPolicy(ctx, cNode, t, f.at);
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
      table: 'socket lookup',
      match: `${t.protocol} ${t.dst}:${t.dport}`,
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
  const f = runFilter(
    ctx.dp,
    node.name,
    'FORWARD',
    { inIface: veth(ctx, p.client), outIface: 'eth0' },
    t,
    'NEW',
  );
  const whole: FilterPart = f.second
    ? {
        path: f.first.path,
        trace: [...f.first.trace, ...f.second.trace],
        rules: f.first.rules + f.second.rules,
        ...(f.first.outcome ? { outcome: f.first.outcome } : {}),
      }
    : f.first;
  if (ctx.ebpf) bpfPolicyHop(ctx, node, t, whole, 'egress', veth(ctx, p.client));
  else policyHop(ctx, node, t, whole, 'egress', f.at);
  if (f.verdict === 'DROP')
    return ctx.ebpf
      ? dropBpf(ctx, node, t, whole, veth(ctx, p.client))
      : dropPolicy(ctx, node, t, f.at);
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
  log.add({
    stage: 'delivered',
    node: OUTSIDE,
    place: place.outside(),
    where: `${t.dst} (outside the cluster)`,
    table: '',
    match: '',
    headers: [l4Header(masq)],
    explanation: `The packet has left the cluster with the node's address as its source; PacketWalk follows it no further.`,
  });
}

// ---------------------------------------------------------------------------------------------
// Reply
// ---------------------------------------------------------------------------------------------

function walkReply(ctx: Ctx): void {
  const { p, log } = ctx;
  const client = p.client;
  const cNode = p.clientNode;
  const target = p.target!;
  // The reply of the connection the forward walk opened: server back to client, after DNAT.
  const forward: FiveTuple = { ...p.flow, dst: p.dstIP, dport: p.dport };
  let t = reverseTuple(forward);
  const cVeth = veth(ctx, client);

  if (target.kind === 'external') {
    const masq: FiveTuple = { ...t, dst: cNode.internalIP };
    log.add({
      stage: 'wire',
      node: OUTSIDE,
      place: place.outside(),
      where: `${t.src} → eth0 (${cNode.name})`,
      table: '',
      match: '',
      headers: [l4Header(masq)],
      explanation: `The outside host answers the node's address ${cNode.internalIP}, because the request left masqueraded.`,
    });
    log.add({
      stage: 'ingress-hook',
      node: cNode.name,
      place: place.layer(cNode.name, 'eth0', 'netfilter'),
      where: 'eth0: netfilter PREROUTING (conntrack)',
      table: 'conntrack',
      match: `reply of ${describeTuple(forward)} [MASQUERADE]: destination ${cNode.internalIP} → ${client.ip}`,
      headers: [l4Header(t)],
      explanation: `Conntrack recognises the reply of the masqueraded connection and rewrites the destination back to the pod before routing.`,
    });
    const route = lookupRoute(calicoRoutes(ctx.cluster, cNode, ctx.config), t.dst)!;
    routeHop(ctx, cNode, t, route);
    replyFilterHop(ctx, cNode, t, { inIface: 'eth0', outIface: cVeth }, 'ingress', cVeth);
    deliverToPod(ctx, cNode, client, [l4Header(t)]);
    return;
  }

  if (target.kind === 'pod' && podKey(target.pod) === podKey(client)) return hairpin(ctx, forward);
  const sNode = target.node;
  if (target.kind === 'pod') {
    podSends(ctx, target.pod, sNode, t, true);
  } else {
    log.add({
      stage: 'in-pod',
      node: sNode.name,
      place: place.node(sNode.name),
      where: `host network namespace of ${sNode.name}: OUTPUT`,
      table: 'conntrack',
      match: `reply of ${describeTuple(forward)}`,
      headers: [l4Header(t)],
      explanation: `${sNode.name}'s own stack answers.`,
    });
  }
  const sameNode = sNode.name === cNode.name;
  const route = lookupRoute(calicoRoutes(ctx.cluster, sNode, ctx.config), t.dst)!;
  const wg = ctx.config.wireguard && !sameNode && route.remoteNode !== undefined;
  if (!ctx.ebpf && target.kind === 'pod') {
    log.add({
      stage: 'egress-hook',
      node: sNode.name,
      place: atNetfilter(ctx, sNode),
      where: `${veth(ctx, target.pod)} (host side of the veth): netfilter PREROUTING`,
      table: 'conntrack',
      match: `ESTABLISHED: reply direction of ${describeTuple(forward)}`,
      headers: [l4Header(t)],
      explanation: `Conntrack matches the packet to the connection the request opened. The nat table only ever sees a connection's first packet, so kube-proxy's KUBE-SERVICES chain is not traversed for this one.`,
    });
  }
  if (ctx.ebpf) {
    log.add({
      stage: 'egress-hook',
      node: sNode.name,
      place: target.kind === 'pod' ? atTc(sNode) : place.node(sNode.name),
      where:
        target.kind === 'pod'
          ? `${veth(ctx, target.pod)} tc ingress: calico_tc_main (from-workload program)`
          : 'OUTPUT',
      table: 'cali_v4_ct4',
      match: `hit: reply direction of ${describeTuple(forward)}, established`,
      headers: [l4Header(t)],
      cost: { lookups: 1 },
      explanation: `The BPF conntrack map already holds this connection, so calico_tc_main skips the policy program entirely: established flows never pay for policy again. ${CT_MAP_VERSION_NOTE}`,
    });
  }
  routeHop(ctx, sNode, t, route, wg ? route : undefined);
  if (!ctx.ebpf && target.kind === 'pod') {
    const outIface = sameNode ? cVeth : wg ? 'wireguard.cali' : (route.dev ?? 'eth0');
    replyFilterHop(
      ctx,
      sNode,
      t,
      { inIface: veth(ctx, target.pod), outIface },
      'egress',
      veth(ctx, target.pod),
    );
  }
  if (!sameNode) {
    const stack = encapsulate(ctx, sNode, cNode, t, route, wg);
    crossUnderlay(log, ctx.cluster, sNode, cNode, stack.headers, fabric(ctx));
    arrive(ctx, sNode, cNode, t, stack.kind);
    routeHop(ctx, cNode, t, lookupRoute(calicoRoutes(ctx.cluster, cNode, ctx.config), t.dst)!);
    if (ctx.ebpf) ebpfReplyIn(ctx, cNode, t, cVeth);
    else
      replyFilterHop(
        ctx,
        cNode,
        t,
        { inIface: stack.kind ? ENCAPS[stack.kind].device : 'eth0', outIface: cVeth },
        'ingress',
        cVeth,
      );
  } else if (ctx.ebpf) {
    ebpfReplyIn(ctx, cNode, t, cVeth);
  }
  if (p.service && ctx.ebpf && ctlbApplies(p.flow)) {
    log.add({
      stage: 'service-lb',
      node: cNode.name,
      place: place.pod(cNode.name, podKey(client), 'socket'),
      where: `socket of ${podKey(client)} (connected at connect() to ${t.src}:${t.sport})`,
      table: 'cali_v4_ct_nats',
      match: `no reverse NAT: the reply comes from ${t.src}:${t.sport}, the address the socket is connected to`,
      headers: [l4Header(t)],
      explanation: `Connect-time load balancing rewrote the socket's destination once, at connect(), so no packet of this TCP connection ever carried the Service address ${p.flow.dst}:${p.flow.dport}: the reply from ${t.src}:${t.sport} matches the socket as it is, and nothing needs translating back (the cali_v4_ct_nats entry only lets the BPF programs see the pre-NAT destination for policy).`,
    });
  } else if (p.service) {
    const vip: FiveTuple = { ...t, src: p.flow.dst, sport: p.flow.dport };
    log.add({
      stage: 'service-lb',
      node: cNode.name,
      place: ctx.ebpf ? atTc(cNode) : atNetfilter(ctx, cNode),
      where: ctx.ebpf
        ? `${cVeth}: calico_tc_main`
        : 'netfilter POSTROUTING (conntrack reverse NAT)',
      table: ctx.ebpf ? 'cali_v4_ct4' : 'conntrack',
      match: `reverse of the Service DNAT: source ${t.src}:${t.sport} → ${vip.src}:${vip.sport}`,
      headers: [l4Header(vip)],
      explanation: ctx.ebpf
        ? `The conntrack entry created with the NAT remembers the Service address, so the reply's source is rewritten back to ${vip.src}:${vip.sport}: the client only ever sees the virtual IP. ${CT_MAP_VERSION_NOTE}`
        : `kube-proxy's DNAT was done by conntrack on this node when the request left; conntrack undoes it on the reply (in POSTROUTING, after the filter table), so the client sees the answer come from ${vip.src}:${vip.sport}, the address it connected to.`,
    });
    t = vip;
  }
  deliverToPod(ctx, cNode, client, [l4Header(t)]);
}

function replyFilterHop(
  ctx: Ctx,
  node: ClusterNode,
  t: FiveTuple,
  ifaces: { inIface: string; outIface: string },
  direction: 'egress' | 'ingress',
  iface: string,
): void {
  const f = runFilter(ctx.dp, node.name, 'FORWARD', ifaces, t, 'ESTABLISHED');
  const part: FilterPart = f.second
    ? {
        path: [...f.first.path, ...f.second.path],
        trace: [...f.first.trace, ...f.second.trace],
        rules: f.first.rules + f.second.rules,
      }
    : f.first;
  ctx.log.add({
    stage: direction === 'egress' ? 'egress-policy' : 'ingress-policy',
    node: node.name,
    place: atNetfilter(ctx, node),
    where: part.path.join(' → '),
    table: f.at?.chain ?? `cali-${direction === 'egress' ? 'fw' : 'tw'}-${iface}`,
    match: f.at
      ? `${f.at.chain} rule ${f.at.number}: -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`
      : 'ACCEPT',
    rows: filterRows(part, f.at),
    headers: [l4Header(t)],
    cost: { rules: part.rules },
    explanation: `This packet belongs to an established connection, so the first rule of ${f.at?.chain ?? 'the endpoint chain'} accepts it on conntrack state alone: no policy is evaluated for replies, whatever the policies say about traffic in this direction.${direction === 'egress' ? ' ACCEPT ends the FORWARD traversal at once, so no cali-tw- chain is consulted on this node either.' : ''}`,
  });
}

function ebpfReplyIn(ctx: Ctx, node: ClusterNode, t: FiveTuple, iface: string): void {
  ctx.log.add({
    stage: 'ingress-policy',
    node: node.name,
    place: atTc(node),
    where: `${iface} tc egress: calico_tc_main (to-workload program)`,
    table: 'cali_v4_ct4',
    match: 'hit: established, policy program skipped',
    headers: [l4Header(t)],
    cost: { lookups: 1 },
    explanation: `The to-workload program finds the connection in conntrack and lets the reply through without a policy lookup. ${CT_MAP_VERSION_NOTE}`,
  });
}

// ---------------------------------------------------------------------------------------------
// Pieces
// ---------------------------------------------------------------------------------------------

function podSends(ctx: Ctx, pod: Pod, node: ClusterNode, t: FiveTuple, reply = false): void {
  ctx.log.add({
    stage: 'in-pod',
    node: node.name,
    place: place.pod(node.name, podKey(pod)),
    where: `eth0 in ${podKey(pod)} (network namespace)`,
    table: `ip route (${podKey(pod)})`,
    match: 'default via 169.254.1.1 dev eth0',
    headers: [l4Header(t)],
    explanation: `${podKey(pod)} ${reply ? 'answers' : 'sends'} ${describeTuple(t)}${reply ? ' (the reply of the connection)' : ''}. Calico gives every pod a default route to the link-local address 169.254.1.1, which nothing owns: the host side of the veth (${veth(ctx, pod)}) answers its ARP by proxy ARP, so every packet leaves the pod into the host.`,
  });
}

/** kube-proxy in iptables mode: the nat table's Service lookup. Returns the tuple after DNAT, or null on a drop. */
function kubeProxy(ctx: Ctx, t: FiveTuple): FiveTuple | null {
  const { p, log } = ctx;
  const node = p.clientNode;
  const cVeth = veth(ctx, p.client);
  const servicePorts = allServicePorts(ctx.cluster).length;
  if (!p.service) {
    log.add({
      stage: 'egress-hook',
      node: node.name,
      place: atNetfilter(ctx, node),
      where: `${cVeth} (host side of the veth): netfilter PREROUTING`,
      table: 'nat PREROUTING → KUBE-SERVICES',
      match: `no rule matches ${t.dst}:${t.dport} (${servicePorts} service rule${servicePorts === 1 ? '' : 's'}, then KUBE-NODEPORTS, which only takes local addresses)`,
      rows: kubeServicesRows(ctx, t, -1),
      headers: [l4Header(t)],
      cost: { rules: servicePorts + 1 },
      explanation: `The packet enters the host on ${cVeth} and conntrack records a new connection. kube-proxy (iptables mode, running beside Calico's iptables dataplane) jumps every new packet from nat PREROUTING into KUBE-SERVICES, a linear list with one rule per Service port; ${t.dst} is no Service address, so every rule is tested and none matches.`,
    });
    return t;
  }
  const hit = p.service;
  const svc = hit.service;
  const proto = hit.port.protocol.toLowerCase();
  if (hit.chosen < 0) {
    const name = `${svc.namespace}/${svc.name}${hit.port.name ? `:${hit.port.name}` : ''}`;
    log.add({
      stage: 'egress-hook',
      node: node.name,
      place: atNetfilter(ctx, node),
      where: `${cVeth} (host side of the veth): netfilter FORWARD → KUBE-SERVICES (filter)`,
      table: 'filter KUBE-SERVICES',
      match: `-A KUBE-SERVICES -d ${svc.clusterIP}/32 -p ${proto} -m comment --comment "${name} has no endpoints" -m ${proto} --dport ${hit.port.port} -j REJECT --reject-with icmp-port-unreachable`,
      headers: [l4Header(t)],
      cost: { rules: 1 },
      explanation: `${svc.namespace}/${svc.name} selects no pod with the target port, so kube-proxy writes no nat chains for it, only a REJECT in the filter table: the client gets an ICMP port unreachable.`,
    });
    log.drop(
      {
        node: node.name,
        place: atNetfilter(ctx, node),
        where: 'filter KUBE-SERVICES',
        table: 'filter KUBE-SERVICES',
        match: 'REJECT --reject-with icmp-port-unreachable',
        headers: [l4Header(t)],
        explanation: 'Rejected: the Service has no endpoints.',
      },
      `"${name} has no endpoints" (kube-proxy REJECT, ICMP port unreachable)`,
    );
    return null;
  }
  const backend = hit.backends[hit.chosen]!;
  const kp = kubeProxyTrace(ctx.cluster, svc, hit.port, hit.backends, hit.chosen);
  log.add({
    stage: 'egress-hook',
    node: node.name,
    place: atNetfilter(ctx, node),
    where: `${cVeth} (host side of the veth): netfilter PREROUTING`,
    table: 'nat PREROUTING → KUBE-SERVICES',
    match: kp.servicesRule,
    rows: kubeServicesRows(ctx, t, kp.servicesRulesTested - 1, kp.servicesRule),
    headers: [l4Header(t)],
    cost: { rules: kp.servicesRulesTested },
    explanation: `The packet enters the host on ${cVeth}; conntrack sees a new connection, and kube-proxy's nat PREROUTING rule sends it to KUBE-SERVICES, which tests one rule per Service port in order until rule ${kp.servicesRulesTested} matches the ClusterIP ${svc.clusterIP}:${hit.port.port}. The chain name's suffix is the first 16 characters of base32(SHA-256("${svc.namespace}/${svc.name}${hit.port.name ? `:${hit.port.name}` : ''}${proto}")).`,
  });
  log.add({
    stage: 'service-lb',
    node: node.name,
    place: atNetfilter(ctx, node),
    where: `nat ${kp.svcChain}`,
    table: kp.svcChain,
    match: kp.svcRules[kp.svcRules.length - 1]!,
    rows: kubeProxyTrace(
      ctx.cluster,
      svc,
      hit.port,
      hit.backends,
      hit.backends.length - 1,
    ).svcRules.map((text, i): HopRow =>
      i < hit.chosen
        ? { text, state: 'tested', outcome: 'no match: the random draw did not pick this endpoint' }
        : i === hit.chosen
          ? {
              text,
              state: 'matched',
              outcome: `decided: endpoint ${i + 1} of ${hit.backends.length}`,
            }
          : { text, state: 'not-reached' },
    ),
    headers: [l4Header(t)],
    cost: { rules: kp.svcRules.length },
    explanation: `The Service has ${hit.backends.length} endpoint${hit.backends.length === 1 ? '' : 's'}. Rule i of n matches with probability 1/(n−i) (the last unconditionally), which makes every backend equally likely; this flow takes endpoint ${hit.chosen + 1}, ${podKey(backend.pod)} (PacketWalk draws the "random" choice from a hash of the flow, so the same flow always lands on the same backend).`,
  });
  const after: FiveTuple = { ...t, dst: backend.ip, dport: backend.port };
  log.add({
    stage: 'service-lb',
    node: node.name,
    place: atNetfilter(ctx, node),
    where: `nat ${kp.sepChain}`,
    table: kp.sepChain,
    match: kp.sepRules[1]!,
    rows: [
      {
        text: kp.sepRules[0]!,
        state: 'tested',
        outcome:
          t.src === backend.ip
            ? 'match: hairpin, marked for masquerading (0x4000); evaluation goes on'
            : 'no match: the source is not the backend itself',
      },
      { text: kp.sepRules[1]!, state: 'matched', outcome: 'decided: DNAT' },
    ],
    headers: [l4Header(after)],
    cost: { rules: 2 },
    explanation: `The endpoint chain first marks the packet for masquerading only if the pod is talking to itself through the Service (hairpin, -s ${backend.ip}), then DNATs it: the destination becomes ${backend.ip}:${backend.port}. Conntrack stores the translation, so later packets of the connection skip these chains and replies are translated back. Everything after this, Calico's policy included, sees the pod address, not the Service.`,
  });
  return after;
}

/**
 * KUBE-SERVICES as kube-proxy writes it: one rule per Service port (PacketWalk keeps manifest
 * order), then the jump to KUBE-NODEPORTS, whose comment is kube-proxy's own (kubernetes
 * pkg/proxy/iptables/proxier.go). `matched` is the index of the rule that matched, or -1.
 */
function kubeServicesRows(ctx: Ctx, t: FiveTuple, matched: number, matchedText?: string): HopRow[] {
  const rows = allServicePorts(ctx.cluster).map(({ svc, port }, i): HopRow => {
    const proto = port.protocol.toLowerCase();
    const text =
      i === matched && matchedText
        ? matchedText
        : `-A KUBE-SERVICES -d ${svc.clusterIP}/32 -p ${proto} -m comment --comment "${servicePortName(svc, port)} cluster IP" -m ${proto} --dport ${port.port} -j ${kubeSvcChain(svc, port)}`;
    if (matched < 0 || i < matched)
      return { text, state: 'tested', outcome: `no match: not ${svc.clusterIP}:${port.port}` };
    return i === matched
      ? { text, state: 'matched', outcome: 'decided: the packet is for this Service port' }
      : { text, state: 'not-reached' };
  });
  const local = t.dst === ctx.p.clientNode.internalIP;
  rows.push({
    text: '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
    ...(matched >= 0
      ? { state: 'not-reached' as const }
      : {
          state: 'tested' as const,
          outcome: local
            ? 'match: a local address, so KUBE-NODEPORTS is tried'
            : `no match: ${t.dst} is not an address of this node`,
        }),
  });
  return rows;
}

/**
 * The conntrack map's name by version: `cali_v4_ct4` from v3.31 (felix/bpf/conntrack/v4/map.go,
 * Version 4), `cali_v4_ct3` before (felix/bpf/conntrack/v3/map.go).
 */
const CT_MAP_VERSION_NOTE =
  'The map is cali_v4_ct4 in Calico v3.31 and later; before v3.31 it was cali_v4_ct3.';

/**
 * When netfilter's FORWARD still sees a packet in BPF mode: felix/dataplane/linux/int_dataplane.go
 * `setUpIptablesBPF` (the FORWARD rules and their comments), felix/bpf-gpl/fib_co_re.h
 * (`forward_or_drop`: bpf_redirect_neigh / bpf_redirect_peer after the FIB lookup),
 * felix/bpf-gpl/fib_common.h (`fib_approve`: "send unconfirmed packets via iptables" to a workload
 * whose programs are not ready), felix/bpf-gpl/tc.c (`update_fib_mark`: natOutgoing traffic keeps
 * the FIB off and goes to iptables for SNAT).
 */
const BPF_FORWARD_NOTE =
  'Once policy accepts it, calico_tc_main normally redirects the packet itself (bpf_redirect_neigh or bpf_redirect_peer after a FIB lookup), so it never meets netfilter’s FORWARD chain. FORWARD still sees the packets the program does not redirect: traffic that natOutgoing must masquerade (iptables does the SNAT), a destination workload whose BPF programs are not attached yet, a failed FIB lookup or an expiring TTL, flows that pre-date the BPF programs. For those Felix writes a few FORWARD rules of its own ("Pre-approved by BPF programs.", "From workload without BPF seen mark", "To workload, mark has already been verified."), and no cali-fw-/cali-tw- chains.';

/**
 * Connect-time load balancing: `BPFConnectTimeLoadBalancing` defaults to `TCP`
 * (felix/config/config_params.go, oneof TCP/Enabled/Disabled); in `TCP` mode the cgroup hook
 * skips datagram sockets (felix/bpf-gpl/connect.h, CTLB_EXCLUDE_UDP), so UDP is NATed per packet
 * in calico_tc_main.
 */
const ctlbApplies = (t: FiveTuple): boolean => t.protocol === 'TCP';

/**
 * TCP to a Service in the eBPF dataplane: calico_connect_v4 on the cgroup/connect4 hook
 * (felix/bpf-gpl/connect_balancer.c) looks the Service up in the NAT maps and rewrites the
 * socket's destination, recording the translation in cali_v4_ct_nats (felix/bpf-gpl/connect.h);
 * with no backend it fails the connect() (NAT_NO_BACKEND: the hook returns an error).
 */
function ebpfConnectTimeLb(ctx: Ctx, t: FiveTuple): FiveTuple | null {
  const { p, log } = ctx;
  const hit = p.service!;
  const node = p.clientNode;
  const id = serviceId(ctx.cluster, hit.service, hit.port);
  const where = `connect() in ${podKey(p.client)}: cgroup/connect4 hook (calico_connect_v4)`;
  // The hook runs in the pod's own connect() call, before any packet exists.
  const at = place.pod(node.name, podKey(p.client), 'socket');
  if (hit.chosen < 0) {
    log.drop(
      {
        node: node.name,
        place: at,
        where,
        table: 'cali_v4_nat_fe3',
        match: `{${t.dst}:${t.dport} ${t.protocol}} → {id ${id}, count 0}`,
        headers: [l4Header(t)],
        cost: { lookups: 1 },
        explanation: `Before any packet exists, Calico's connect-time load balancer (a BPF program on the cgroup connect4 hook, on by default for TCP: BPFConnectTimeLoadBalancing=TCP) looks the Service up. Its frontend lists zero backends, so the hook fails the connect() call itself: the application gets an error at once and no packet leaves the pod.`,
      },
      `Service ${hit.service.namespace}/${hit.service.name} has no endpoints: connect() fails in the cgroup hook`,
    );
    return null;
  }
  const backend: ServiceBackend = hit.backends[hit.chosen]!;
  const after: FiveTuple = { ...t, dst: backend.ip, dport: backend.port };
  log.add({
    stage: 'service-lb',
    node: node.name,
    place: at,
    where,
    table: 'cali_v4_nat_fe3 → cali_v4_nat_be',
    match: `connect(${t.dst}:${t.dport}) → connect(${backend.ip}:${backend.port})`,
    rows: [
      {
        text: `cali_v4_nat_fe3 {${t.dst}:${t.dport} ${t.protocol}} -> {id ${id}, count ${hit.backends.length}}`,
        state: 'tested',
        outcome: 'the Service: its ID and backend count',
      },
      {
        text: `cali_v4_nat_be {id ${id}, ordinal ${hit.chosen}} -> ${backend.ip}:${backend.port}`,
        state: 'matched',
        outcome: 'decided: the backend; the socket is connected to it',
      },
      {
        text: `cali_v4_ct_nats {socket cookie, ${backend.ip}:${backend.port} ${t.protocol}} <- ${t.dst}:${t.dport}`,
        state: 'tested',
        outcome: 'written: the Service address, for pre-DNAT policy',
      },
    ],
    headers: [l4Header(after)],
    cost: { lookups: 2 },
    explanation: `Calico's eBPF dataplane balances TCP at connect() time (BPFConnectTimeLoadBalancing defaults to TCP): a BPF program on the cgroup connect4 hook sees ${podKey(p.client)} call connect(${t.dst}:${t.dport}), looks the Service up in the frontend map (its ID and backend count) and the backend map (${podKey(backend.pod)}), and connects the socket to ${backend.ip}:${backend.port} instead. No packet is ever addressed to the Service IP: the first SYN leaves the pod already addressed to the backend, so no per-packet NAT, and no reverse NAT on the replies, is needed. Per-packet NAT in calico_tc_main is what UDP gets (and TCP with BPFConnectTimeLoadBalancing=Disabled).`,
  });
  return after;
}

function ebpfServiceNat(ctx: Ctx, t: FiveTuple): FiveTuple | null {
  const { p, log } = ctx;
  const hit = p.service!;
  const node = p.clientNode;
  const id = serviceId(ctx.cluster, hit.service, hit.port);
  if (hit.chosen < 0) {
    log.drop(
      {
        node: node.name,
        place: atTc(node),
        where: `${veth(ctx, p.client)} tc ingress: calico_tc_main`,
        table: 'cali_v4_nat_fe3',
        match: `{${t.dst}:${t.dport} ${t.protocol}} → {id ${id}, count 0}`,
        headers: [l4Header(t)],
        cost: { lookups: 1 },
        explanation: `The Service has no endpoints: its NAT frontend lists zero backends, so the packet has nowhere to go.`,
      },
      `Service ${hit.service.namespace}/${hit.service.name} has no endpoints`,
    );
    return null;
  }
  const backend: ServiceBackend = hit.backends[hit.chosen]!;
  const after: FiveTuple = { ...t, dst: backend.ip, dport: backend.port };
  log.add({
    stage: 'service-lb',
    node: node.name,
    place: atTc(node),
    where: `${veth(ctx, p.client)} tc ingress: calico_tc_main (NAT)`,
    table: 'cali_v4_nat_fe3 → cali_v4_nat_be',
    match: `{${t.dst}:${t.dport} ${t.protocol}} → {id ${id}, count ${hit.backends.length}}; {id ${id}, ordinal ${hit.chosen}} → ${backend.ip}:${backend.port}`,
    rows: [
      {
        text: `cali_v4_nat_fe3 {${t.dst}:${t.dport} ${t.protocol}} -> {id ${id}, count ${hit.backends.length}}`,
        state: 'tested',
        outcome: 'the Service: its ID and backend count',
      },
      {
        text: `cali_v4_nat_be {id ${id}, ordinal ${hit.chosen}} -> ${backend.ip}:${backend.port}`,
        state: 'matched',
        outcome: 'decided: the backend',
      },
    ],
    headers: [l4Header(after)],
    cost: { lookups: 2 },
    explanation: `Calico's eBPF dataplane replaces kube-proxy: the frontend map gives the Service's ID and backend count, the backend map the chosen backend (${podKey(backend.pod)}), and the program rewrites the destination of this ${t.protocol} packet in place; a conntrack entry (cali_v4_ct4; cali_v4_ct3 before v3.31) remembers the translation for the rest of the flow and for the replies. This per-packet NAT is the path for UDP: connect-time load balancing is on by default for TCP only (BPFConnectTimeLoadBalancing=TCP), and TCP takes this path only when it is Disabled.`,
  });
  return after;
}

function routeHop(
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

/** `at` is the rule that ended the whole pass: it decides this part when no endpoint rule did. */
function policyHop(
  ctx: Ctx,
  node: ClusterNode,
  t: FiveTuple,
  part: FilterPart,
  direction: 'egress' | 'ingress',
  at: RuleRef | undefined,
  where?: string,
): void {
  const o = part.outcome;
  const chain =
    part.path.find((c) => c.startsWith(direction === 'egress' ? 'cali-fw-' : 'cali-tw-')) ??
    part.path[part.path.length - 1] ??
    'FORWARD';
  ctx.log.add({
    stage: direction === 'egress' ? 'egress-policy' : 'ingress-policy',
    node: node.name,
    place: atNetfilter(ctx, node),
    where: where ?? part.path.join(' → '),
    table: chain,
    match: describeOutcome(o),
    rows: filterRows(part, o?.decidedBy ?? at),
    headers: [l4Header(t)],
    cost: { rules: part.rules },
    explanation: `${direction === 'egress' ? `The sender's egress policy is judged on its own node, in ${chain}` : `The receiver's ingress policy is judged on its node, in ${chain}`}: Felix dispatches on the interface name to the endpoint chain, which tests conntrack first, then each tier's policies in order, then the namespace profile. ${o ? (o.allowed ? 'A rule set the accept mark (0x10000) and the chain returned.' : 'No rule accepted the packet.') : ''} ${part.rules} rules were tested on this pass, one after another, which is how iptables pays for policy: linearly.`,
  });
}

/**
 * The endpoint's policy program (felix/bpf/polprog): reached by a tail call through the jump map
 * of the hook (cali_jump_ing2 at the veth's tc ingress = the pod's egress, cali_jump_egr2 at tc
 * egress = its ingress; felix/bpf/jump/map.go), it returns allow or deny to calico_tc_main.
 */
function bpfPolicyHop(
  ctx: Ctx,
  node: ClusterNode,
  t: FiveTuple,
  part: FilterPart,
  direction: 'egress' | 'ingress',
  iface: string,
): void {
  const jumpMap = direction === 'egress' ? 'cali_jump_ing2' : 'cali_jump_egr2';
  const hook = direction === 'egress' ? 'tc ingress' : 'tc egress';
  const rules = bpfPolicyRules(ctx.dp, part);
  ctx.log.add({
    stage: direction === 'egress' ? 'egress-policy' : 'ingress-policy',
    node: node.name,
    place: atTc(node),
    where: `${iface} ${hook}: calico_tc_main → tail call into ${iface}'s ${direction} policy program (${jumpMap})`,
    table: `BPF policy program of ${iface} (${direction}, in ${jumpMap})`,
    match: describeBpfOutcome(part.outcome),
    rows: bpfPolicyRows(ctx.dp, part, part.outcome?.decidedBy),
    headers: [l4Header(t)],
    cost: { rules, lookups: 1 },
    explanation: `Felix compiles the endpoint's ${direction} policy (tiers in order, each policy's rules, then the namespace and service-account profiles when no policy selects the pod) into BPF bytecode, stores the program in the ${jumpMap} jump map and calico_tc_main reaches it by a tail call. There are no iptables chains and no accept mark here: the program tests its rules in order (${rules} here), IP sets are BPF map lookups (cali_v4_ip_sets), and it returns allow or deny to calico_tc_main. What the eBPF dataplane saves is the netfilter plumbing around the rules, and every later packet of the flow, which conntrack lets through without running the program.`,
  });
}

function dropPolicy(
  ctx: Ctx,
  node: ClusterNode,
  t: FiveTuple,
  at: Parameters<typeof dropWords>[0],
): void {
  const words = dropWords(at);
  ctx.log.drop(
    {
      node: node.name,
      place: atNetfilter(ctx, node),
      where: at ? at.chain : 'FORWARD',
      table: at?.chain ?? 'FORWARD',
      match: words,
      headers: [l4Header(t)],
      explanation: `The packet is dropped by ${words}. iptables drops silently: the client sees its connection attempt time out.`,
    },
    words,
  );
}

function dropBpf(ctx: Ctx, node: ClusterNode, t: FiveTuple, part: FilterPart, iface: string): void {
  const words = `denied by the policy program of ${iface} (${describeBpfOutcome(part.outcome)})`;
  ctx.log.drop(
    {
      node: node.name,
      place: atTc(node),
      where: `${iface}: calico_tc_main`,
      table: `policy program of ${iface}`,
      match: words,
      headers: [l4Header(t)],
      explanation: `The policy program returns deny and calico_tc_main drops the packet (TC_ACT_SHOT) before it goes anywhere.`,
    },
    words,
  );
}

interface Encapsulated {
  readonly kind: EncapKind | null;
  readonly headers: readonly PacketHeader[];
}

function encapsulate(
  ctx: Ctx,
  from: ClusterNode,
  to: ClusterNode,
  t: FiveTuple,
  route: Route,
  wg: boolean,
): Encapsulated {
  const inner = l4Header(t);
  const mtu = calicoPodMtuFor(ctx.config);
  if (wg) {
    const headers = [
      outerHeader('calico-wireguard', { src: from.internalIP, dst: to.internalIP }),
      inner,
    ];
    ctx.log.add({
      stage: 'encapsulation',
      node: from.name,
      place: place.layer(from.name, 'wireguard', 'device'),
      where: 'wireguard.cali',
      table: 'wg show wireguard.cali (peers)',
      match: `peer ${to.name}: endpoint ${to.internalIP}:51820, allowed ips ${calicoBlocks(
        ctx.cluster,
        to,
      )
        .map((b) => b.text)
        .join(', ')}`,
      headers,
      explanation: `wireguard.cali picks the peer whose allowed IPs hold ${t.dst} (${to.name}), encrypts the whole pod packet and sends it inside UDP from port 51820 to ${to.internalIP}:51820: ${ENCAPS['calico-wireguard'].anatomy}. With WireGuard, Calico does not also use IPIP or VXLAN for this traffic; the pod MTU is ${mtu} (host MTU minus the largest enabled overhead).`,
    });
    return { kind: 'calico-wireguard', headers };
  }
  if (route.tunnel === 'ipip') {
    const headers = [outerHeader('ipip', { src: from.internalIP, dst: to.internalIP }), inner];
    ctx.log.add({
      stage: 'encapsulation',
      node: from.name,
      place: place.layer(from.name, 'tunnel', 'device'),
      where: 'tunl0 (ipip)',
      table: `ip route (${from.name})`,
      match: route.text,
      headers,
      explanation: `The route sends the packet into tunl0, which prepends ${ENCAPS.ipip.anatomy}: source ${from.internalIP}, destination ${to.internalIP} (the route's next hop). The pod MTU is ${mtu} to leave room for it. On the way out, cali-nat-outgoing leaves it alone: the destination is inside a Calico pool.`,
    });
    return { kind: 'ipip', headers };
  }
  if (route.tunnel === 'calico-vxlan') {
    const sport = portFromHash(flowHash(t, 'vxlan-sport'));
    const headers = [
      outerHeader('calico-vxlan', { src: from.internalIP, dst: to.internalIP, sport, vni: 4096 }),
      inner,
    ];
    ctx.log.add({
      stage: 'encapsulation',
      node: from.name,
      place: place.layer(from.name, 'tunnel', 'device'),
      where: 'vxlan.calico (VNI 4096, dstport 4789)',
      table: 'ip neigh / bridge fdb (vxlan.calico)',
      match: `${calicoTunnelAddress(ctx.cluster, to)} → ${to.name}'s VTEP MAC; fdb: that MAC dst ${to.internalIP}`,
      headers,
      explanation: `The route's next hop is ${to.name}'s VTEP address; Felix programmed the neighbour and FDB entries that map it to ${to.name}'s real address, so vxlan.calico wraps the frame: ${ENCAPS['calico-vxlan'].anatomy}. Routes, neighbour and FDB entries all come from Felix, not from BGP: VXLAN mode needs no BIRD (calico_backend: vxlan). The outer UDP source port (${sport}) is a hash of the inner flow, so the underlay can spread flows; the destination port is 4789, the IANA port (Cilium uses 8472). Pod MTU ${mtu}.`,
    });
    return { kind: 'calico-vxlan', headers };
  }
  return { kind: null, headers: [inner] };
}

function arrive(
  ctx: Ctx,
  from: ClusterNode,
  node: ClusterNode,
  t: FiveTuple,
  kind: EncapKind | null,
): void {
  const inner = [l4Header(t)];
  const prefix = ctx.ebpf
    ? 'eth0 tc ingress: calico_tc_main (from-host-endpoint program), then '
    : 'eth0, then ';
  if (ctx.ebpf && (kind === 'ipip' || kind === 'calico-vxlan')) {
    ebpfTunnelArrival(ctx, node, t, kind);
  } else if (kind === 'ipip') {
    ctx.log.add({
      stage: 'ingress-hook',
      node: node.name,
      place: place.layer(node.name, 'tunnel', 'device'),
      where: `${prefix}tunl0 (decapsulation)`,
      table: 'cali-INPUT',
      match:
        '-A cali-INPUT -p ipencap -m comment --comment "Allow IPIP packets from Calico hosts" -m set --match-set cali40all-hosts-net src -m addrtype --dst-type LOCAL -j ACCEPT',
      headers: inner,
      cost: { rules: 1 },
      explanation: `An IP protocol 4 packet addressed to this node goes up INPUT, where Felix accepts IPIP only from other Calico hosts (the cali40all-hosts-net set; the next rule drops the rest: "Drop IPIP packets from non-Calico hosts"), then the ipip module strips the 20-byte outer header and the inner pod packet appears on tunl0.`,
    });
  } else if (kind === 'calico-vxlan') {
    ctx.log.add({
      stage: 'ingress-hook',
      node: node.name,
      place: place.layer(node.name, 'tunnel', 'device'),
      where: `${prefix}vxlan.calico (decapsulation)`,
      table: 'cali-INPUT',
      match:
        '-A cali-INPUT -p udp -m comment --comment "Allow IPv4 VXLAN packets from allowed hosts" -m multiport --dports 4789 -m set --match-set cali40all-vxlan-net src -m addrtype --dst-type LOCAL -j ACCEPT',
      headers: inner,
      cost: { rules: 1 },
      explanation: `UDP to port 4789 from another Calico node's VTEP (the cali40all-vxlan-net set): the vxlan.calico device takes it, checks VNI 4096, strips the 50 bytes and hands the inner frame to the stack as if it arrived on vxlan.calico.`,
    });
  } else if (kind === 'calico-wireguard') {
    ctx.log.add({
      stage: 'ingress-hook',
      node: node.name,
      place: place.layer(node.name, 'wireguard', 'device'),
      where: `${prefix}wireguard.cali (decryption)`,
      table: 'wg show wireguard.cali (peers)',
      match: `peer ${from.name}: endpoint ${from.internalIP}:51820, allowed ips ${calicoBlocks(
        ctx.cluster,
        from,
      )
        .map((b) => b.text)
        .join(', ')}`,
      headers: inner,
      explanation: `UDP 51820 reaches wireguard.cali, which authenticates and decrypts it with the sending node's key and checks the inner source against that peer's allowed IPs.`,
    });
  } else {
    ctx.log.add({
      stage: 'ingress-hook',
      node: node.name,
      place: place.layer(node.name, 'eth0', ctx.ebpf ? 'tc' : 'device'),
      where: ctx.ebpf ? 'eth0 tc ingress: calico_tc_main (from-host-endpoint program)' : 'eth0',
      table: ctx.ebpf ? 'cali_v4_ct4' : 'netfilter PREROUTING',
      match: ctx.ebpf
        ? ctx.p.reply
          ? 'hit: established'
          : 'no entry: new flow'
        : ctx.p.reply
          ? 'conntrack: ESTABLISHED'
          : 'conntrack: NEW',
      headers: inner,
      ...(ctx.ebpf ? { cost: { lookups: 1 } } : {}),
      explanation: `The plain pod packet arrives on ${node.name}'s eth0: nothing to unwrap.${ctx.ebpf ? ` calico_tc_main ${ctx.p.reply ? 'finds the established connection in its conntrack map: no policy program runs' : "finds no entry for it in its conntrack map, so the destination's policy program must judge it"}. ${CT_MAP_VERSION_NOTE}` : ''}`,
    });
  }
}

/**
 * Felix's filter FORWARD rules in BPF mode, IPv4, in the order `setUpIptablesBPF` writes them
 * (felix/dataplane/linux/int_dataplane.go, v3.32), with the marks of felix/bpf/tc/defs/defs.go:
 * MarkSeenBypass 0x3000000, MarkSeen 0x1000000, MarkLinuxConntrackEstablished 0x8000000.
 * Only packets calico_tc_main did not redirect get here; a packet from a workload carries the
 * "seen" mark the program set. A natOutgoing packet carries MarkSeenNATOutgoing 0x3800000
 * (update_fib_mark in felix/bpf-gpl/tc.c), which includes the bypass bits, so the first rule
 * ("Pre-approved by BPF programs.") accepts it.
 */
function bpfForwardHop(
  ctx: Ctx,
  node: ClusterNode,
  t: FiveTuple,
  inIface: string,
  outIface: string,
  natOutgoing = false,
): void {
  const fromWl = inIface.startsWith('cali');
  const toWl = outIface.startsWith('cali');
  const rules: { text: string; hit: boolean; why: string }[] = [
    {
      text: '-A FORWARD -m comment --comment "Pre-approved by BPF programs." -m mark --mark 0x3000000/0x3000000 -j ACCEPT',
      hit: natOutgoing,
      why: natOutgoing
        ? 'match: calico_tc_main marked the packet 0x3800000 (MarkSeenNATOutgoing = bypass 0x3000000 + NAT outgoing 0x800000), so iptables accepts it here and leaves the SNAT to nat POSTROUTING'
        : 'no match: the bypass bits are not set on this packet',
    },
    {
      text: '-A FORWARD -i cali+ -m comment --comment "From workload without BPF seen mark" -m mark ! --mark 0x1000000/0x1000000 -j DROP',
      hit: false,
      why: fromWl
        ? 'no match: calico_tc_main set the seen mark on the way out of the pod'
        : `no match: not from a workload interface`,
    },
    {
      text: '-A FORWARD -m comment --comment "Mark pre-established flows." -m conntrack --ctstate RELATED,ESTABLISHED -j MARK --set-xmark 0x8000000/0x8000000',
      hit: false,
      why: 'no match: a new connection for Linux conntrack',
    },
    {
      text: '-A FORWARD -o cali+ -m comment --comment "To workload, check workload is known." -j cali-to-wl-dispatch',
      hit: toWl,
      why: toWl
        ? 'match: on to the dispatch chain, which accepts only interfaces whose BPF programs are in place'
        : `no match: ${outIface} is not a workload interface`,
    },
    {
      text: '-A FORWARD -i cali+ -m comment --comment "To workload, mark has already been verified." -j ACCEPT',
      hit: fromWl && !toWl,
      why: fromWl
        ? 'match: from a workload, already judged by its policy program'
        : 'no match: not from a workload interface',
    },
    {
      text: '-A FORWARD -i bpfout.cali -m comment --comment "From bpfout.cali device, mark verified, accept." -j ACCEPT',
      hit: inIface === 'bpfout.cali',
      why:
        inIface === 'bpfout.cali'
          ? 'match: from Felix’s bpfout.cali device'
          : `no match: ${inIface} is not bpfout.cali`,
    },
  ];
  const decided = rules.findIndex((r) => r.hit);
  ctx.log.add({
    stage: 'egress-hook',
    node: node.name,
    place: atNetfilter(ctx, node),
    where: `netfilter FORWARD (${node.name}): Felix's BPF-mode rules`,
    table: 'filter FORWARD',
    match: decided >= 0 ? rules[decided]!.text : 'FORWARD: end of chain',
    rows: rules.map((r, i): HopRow => ({
      text: r.text,
      state: i === decided ? 'matched' : decided >= 0 && i > decided ? 'not-reached' : 'tested',
      outcome: i === decided ? `${r.why}, decided` : r.why,
      chain: 'FORWARD',
    })),
    headers: [l4Header(t)],
    cost: { rules: decided >= 0 ? decided + 1 : rules.length },
    explanation: `This packet was not redirected by calico_tc_main (${fromWl ? 'natOutgoing traffic is left to iptables for the masquerade' : 'a new flow the program could not hand straight to the device'}), so it goes through the kernel's FORWARD hook. In BPF mode that chain holds none of the iptables mode's cali-FORWARD, cali-fw-/cali-tw- or policy chains, only a few rules Felix inserts for packets the programs have already judged: ${decided >= 0 ? `rule ${decided + 1} accepts it` : 'none decides, and the chain’s policy applies'}.${natOutgoing ? ' The NAT-outgoing mark carries the "bypass" bits, so the first rule already accepts it.' : ''} Policy was enforced by the BPF program, not here.`,
  });
}

/**
 * eBPF dataplane, a tunnelled packet arriving: Felix installs no cali-INPUT chain in BPF mode
 * (int_dataplane.go `setUpIptablesBPF`, instead of `setUpIptablesNormal`), so no "Allow IPIP
 * packets from Calico hosts" / "Allow IPv4 VXLAN packets from allowed hosts" rules. On eth0,
 * calico_tc_main lets IPIP through without policy and without a FIB lookup, and lets "VXLAN
 * packet from known Calico host" through (felix/bpf-gpl/tc.c); the kernel's tunnel device
 * decapsulates, and calico_tc_main on that device sees the inner packet.
 */
function ebpfTunnelArrival(
  ctx: Ctx,
  node: ClusterNode,
  t: FiveTuple,
  kind: 'ipip' | 'calico-vxlan',
): void {
  const dev = ENCAPS[kind].device;
  const reply = ctx.p.reply;
  const ct = reply
    ? `hit: established ${describeTuple(t)}`
    : `no entry for ${describeTuple(t)}, a new flow`;
  const outer =
    kind === 'ipip'
      ? 'IP protocol 4 (IPIP) to this node: allowed without policy, no FIB lookup'
      : 'UDP 4789 from a known Calico host: "VXLAN packet from known Calico host, allow."';
  ctx.log.add({
    stage: 'ingress-hook',
    node: node.name,
    place: place.layer(node.name, 'tunnel', 'tc'),
    where: `eth0 tc ingress: calico_tc_main (host endpoint program), then ${dev} (kernel decapsulation), then ${dev} tc ingress: calico_tc_main`,
    table: 'cali_v4_ct4',
    match: `eth0: ${outer}; ${dev}: ${ct}`,
    rows: [
      {
        text: `eth0 calico_tc_main: ${outer}`,
        state: 'tested',
        outcome: 'passed up to the kernel',
      },
      {
        text: `${dev}: ${kind === 'ipip' ? 'the ipip module strips the 20-byte outer header' : 'vxlan.calico checks VNI 4096 and strips the 50 bytes'}`,
        state: 'tested',
        outcome: 'the inner pod packet appears on the tunnel device',
      },
      {
        text: `${dev} calico_tc_main: cali_v4_ct4 lookup ${describeTuple(t)}`,
        state: 'matched',
        outcome: reply
          ? 'hit: an established flow, no policy program'
          : 'no entry: a new flow, policy decides at the pod',
      },
    ],
    headers: [l4Header(t)],
    cost: { lookups: 1 },
    explanation: `In the eBPF dataplane Felix installs no cali-INPUT chain, so none of the iptables mode's "Allow ${kind === 'ipip' ? 'IPIP packets from Calico hosts' : 'IPv4 VXLAN packets from allowed hosts'}" rules exist. calico_tc_main on eth0 recognises the ${kind === 'ipip' ? 'IPIP' : 'VXLAN'} packet and passes it up untouched; the outer packet, addressed to this node, is decapsulated by the kernel's ${dev} device (INPUT holds only Felix's BPF-mode rules, which match marked fall-through packets), and calico_tc_main, attached to ${dev} as well, takes the inner packet: ${reply ? 'its conntrack entry says the connection is established, so no policy program runs for it' : "no conntrack entry yet, so the destination's policy program will judge it"}. ${CT_MAP_VERSION_NOTE}`,
  });
}

function deliverToPod(
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
function hairpin(ctx: Ctx, t: FiveTuple): void {
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
