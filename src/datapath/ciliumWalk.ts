/**
 * A packet's walk under Cilium: cil_from_container on the pod's lxc veth, the ipcache and the
 * per-endpoint policy maps, the service maps (socket-LB at connect() with kube-proxy replacement,
 * per packet in cil_from_container otherwise), cilium_vxlan / cilium_geneve or native routing with
 * bpf_redirect_neigh, WireGuard (cilium_wg0) or IPsec, and bpf_redirect_peer into the destination.
 *
 * Sources: datapath-facts.md §2 (programs, maps, identities, Hubble drop reasons); Cilium
 * Documentation/network/concepts/routing.rst and masquerading.rst (iptables masquerading, rule
 * "cilium masquerade non-cluster" in CILIUM_POST_nat, unless bpf.masquerade=true);
 * cilium/cilium#10651 (ClusterIP traffic from pods is load-balanced by bpf_lxc even with kube-proxy
 * replacement off); IPsec as of 1.18 (read at cilium main 2025-05-29, 1.18.0-dev): bpf/lib/encrypt.h
 * (cil_to_netdev marks 0x?E00 and redirects to cilium_net; do_decrypt marks 0x0D00 on ESP arrival
 * and the decrypted packet passes cil_from_netdev again), pkg/datapath/linux/ipsec.go (ESP between
 * node IPs around VXLAN; between CiliumInternalIPs in native routing; subnet mode (ENI) uses node IPs
 * unless use-cilium-internal-ip-for-ipsec); WireGuard: bpf_wireguard.c and pkg/option/config.go
 * NeedIngressOnWireGuardDevice (cil_from_wireguard only in native routing); pkg/mtu/mtu.go
 * (overheads add up; WireguardOverhead 80 = 32 + 40-byte outer IP + 8 UDP);
 * pkg/monitor/api/drop.go (133 "Policy denied", 181 "Policy denied by denylist", 158 "Service
 * backend not found"); pkg/datapath/iptables/iptables.go (CILIUM_POST_nat rules).
 */
import type { Cidr } from '../engine/cidr';
import { podKey } from '../engine/cluster';
import type { ClusterNode } from '../engine/model';
import type { Engine } from '../engine/verdict';
import { ciliumPolicy } from './ciliumPolicy';
import { ciliumHostRouting, ciliumIsNative, type CiliumConfig } from './config';
import { ciliumPodMtu } from './encap';
import type { FiveTuple } from './flow';
import { describeTuple, HopLog, l4Header, routeRows, type CniWalk } from './hops';
import { probeOf, type ResolvedPacket } from './packet';
import { ciliumRoutes, lookupRoute } from './routes';
import { subnetGateway } from './topology';
import { place } from './place';
import { CILIUM_CT_ICMP, icmpServiceNote, localReceiver } from './icmp';
import { formatIcmp } from '../engine/probe';
import { crossUnderlay, gatewayId, pastGateway } from './wire';
import {
  type Ctx,
  lxc,
  ctMap,
  encapKinds,
  atLxc,
  routedAt,
  endpointOf,
  endpointRoutes,
  podSends,
  deliver,
  nativeRoutingCidr,
  postNatHop,
} from './ciliumCtx';
import { sendAcross } from './ciliumAcross';
import { serviceLookup } from './ciliumServiceLb';
import { policyHop, policyDrop, proxyHop } from './ciliumPolicyHops';
import { walkReply } from './ciliumReply';

export function walkCilium(engine: Engine, config: CiliumConfig, p: ResolvedPacket): CniWalk {
  const ctx: Ctx = {
    cluster: engine.cluster,
    dp: engine.cilium(),
    config,
    hostRouting: ciliumHostRouting(config),
    p,
    log: new HopLog(),
    notes: [...p.notes],
    mtu: ciliumPodMtu(encapKinds(config)),
  };
  if (p.reply) walkReply(ctx);
  else walkForward(ctx);
  return { log: ctx.log, podMtu: ctx.mtu, notes: ctx.notes };
}

function walkForward(ctx: Ctx): void {
  const { p, log } = ctx;
  const client = p.client;
  const cNode = p.clientNode;
  let t: FiveTuple = p.flow;
  const socketLb = ctx.config.kubeProxyReplacement && p.service !== undefined;

  if (socketLb) {
    const after = serviceLookup(ctx, t, 'socket');
    if (!after) return;
    t = after;
  }
  podSends(ctx, client, cNode, t);
  log.add({
    stage: 'egress-hook',
    node: cNode.name,
    place: atLxc(cNode),
    where: `${lxc(client)} tc ingress: cil_from_container`,
    table: ctMap(t.protocol),
    match: `no entry for ${describeTuple(t)}: CT_NEW`,
    headers: [l4Header(t)],
    cost: { lookups: 1 },
    explanation: `The packet crosses the veth; on the host side (${lxc(client)}) Cilium attached cil_from_container (bpf_lxc.c) at tc ingress. It first looks the flow up in conntrack: a new connection, so the service and policy lookups follow. No iptables chain sees pod traffic here.${t.icmp ? ` ${CILIUM_CT_ICMP}` : ''}${p.icmpToService ? ` ${icmpServiceNote(p.icmpToService, t, 'cilium')}` : ''}`,
  });
  if (p.service && !socketLb) {
    const after = serviceLookup(ctx, t, 'tc');
    if (!after) return;
    t = after;
  }

  const target = p.target!;
  if (target.kind === 'pod' && podKey(target.pod) === podKey(client)) {
    ctx.notes.push(
      'Hairpin: the Service sent the connection back to the pod that opened it. The NetworkPolicy spec lets a pod reach itself, and PacketWalk does not walk hairpin traffic through policy.',
    );
    log.add({
      stage: 'delivered',
      node: cNode.name,
      place: place.pod(cNode.name, podKey(client)),
      where: `eth0 in ${podKey(client)} (hairpin)`,
      table: 'cilium_lb4_backends_v3',
      match: `backend ${t.dst}:${t.dport} is the client itself`,
      headers: [l4Header(t)],
      explanation: `The chosen backend is ${podKey(client)} itself, so the connection goes back into the pod that opened it.`,
    });
    return;
  }
  const probe = probeOf(p);
  const policy = probe ? ciliumPolicy(ctx.cluster, ctx.dp, probe) : null;
  if (target.kind === 'node' && target.node.name === cNode.name) {
    log.add({
      stage: 'egress-policy',
      node: cNode.name,
      place: atLxc(cNode),
      where: `${lxc(client)}: cil_from_container`,
      table: 'cilium_ipcache_v2',
      match: `${t.dst}/32 → identity 1 (reserved:host)`,
      headers: [l4Header(t)],
      cost: { lookups: 1 },
      explanation:
        `The destination is this node itself (identity 1, host; identities 1–11 are reserved, 11 being encrypted-overlay, and 0 means unknown). ${policy?.decision.reason ?? ''} ${policy?.decision.notes.join(' ') ?? ''}`.trim(),
    });
    log.add({
      stage: 'delivered',
      node: cNode.name,
      place: place.layer(cNode.name, 'cilium-host', 'host'),
      where: `cilium_host → host network namespace of ${cNode.name}`,
      table: `ip route (${cNode.name})`,
      match: `local ${t.dst} dev eth0 table local`,
      headers: [l4Header(t)],
      explanation: `The program passes the packet to the host stack (Hubble: to-stack), which delivers it locally.`,
    });
    return;
  }

  const egress = policy?.egress;
  if (egress) {
    policyHop(ctx, cNode, t, egress, client);
    if (!egress.allowed) return policyDrop(ctx, cNode, t, egress, policy);
    if (egress.proxyPort) {
      if (!proxyHop(ctx, cNode, t, egress, policy!)) return;
    }
  }

  if (target.kind === 'external') return forwardOut(ctx, t, cNode, null);
  const dNode = target.node;
  if (target.kind === 'node') return forwardOut(ctx, t, cNode, dNode);

  const dst = target.pod;
  const dEp = endpointOf(ctx, dst);
  if (dNode.name === cNode.name) {
    log.add({
      stage: 'routing',
      node: cNode.name,
      place: atLxc(cNode, 'route'),
      where: `cil_from_container: local endpoint lookup`,
      table: 'cilium_lxc',
      match: `${dst.ip} → {lxc_id ${dEp.id}, ifindex of ${lxc(dst)}, sec_id ${dEp.identity}}`,
      headers: [l4Header(t)],
      cost: { lookups: 1 },
      explanation: `cilium_lxc holds every endpoint on this node: ${dst.ip} is ${podKey(dst)}, so the packet is delivered locally without touching the routing table or the tunnel.`,
    });
  } else {
    const sent = sendAcross(ctx, t, cNode, dNode);
    if (!sent) return;
    if (!endpointRoutes(ctx))
      log.add({
        stage: 'routing',
        node: dNode.name,
        place: atLxc(dNode, 'route'),
        where: `local endpoint lookup (${dNode.name})`,
        table: 'cilium_lxc',
        match: `${dst.ip} → {lxc_id ${dEp.id}, ifindex of ${lxc(dst)}, sec_id ${dEp.identity}}`,
        headers: [l4Header(t)],
        cost: { lookups: 1 },
        explanation: `${dst.ip} is a local endpoint of ${dNode.name}: ${podKey(dst)}, endpoint ${dEp.id}.${ctx.hostRouting === 'BPF' ? '' : ' The program jumps to the endpoint’s policy program and then delivers with a plain redirect.'}`,
      });
  }
  const ingress = policy?.ingress;
  if (ingress) {
    const fromTunnel = dNode.name !== cNode.name && !ciliumIsNative(ctx.config.routing);
    policyHop(ctx, dNode, t, ingress, dst, fromTunnel);
    if (!ingress.allowed) return policyDrop(ctx, dNode, t, ingress, policy);
    if (ingress.proxyPort) {
      if (!proxyHop(ctx, dNode, t, ingress, policy!)) return;
    }
  }
  deliver(ctx, dNode, dst, t);
}

/** To an address outside the pod network: the host stack, masquerading, eth0. */
function forwardOut(ctx: Ctx, t: FiveTuple, node: ClusterNode, toNode: ClusterNode | null): void {
  const { log } = ctx;
  const routes = ciliumRoutes(ctx.cluster, node, ctx.config);
  const route = lookupRoute(routes, t.dst)!;
  const bpfHost = ctx.hostRouting === 'BPF';
  log.add({
    stage: 'routing',
    node: node.name,
    place: routedAt(ctx, node),
    where: bpfHost
      ? 'cil_from_container: bpf_fib_lookup → bpf_redirect_neigh'
      : 'cil_from_container → host stack (Hubble: to-stack)',
    table: `ip route (${node.name})`,
    match: route.text,
    rows: routeRows(routes, route, t.dst),
    headers: [l4Header(t)],
    explanation: bpfHost
      ? `${t.dst} is no endpoint; with eBPF host routing the program asks the kernel FIB for the next hop and redirects the packet out of eth0 with bpf_redirect_neigh, past netfilter: ${route.why}`
      : `${t.dst} is no endpoint, so the program hands the packet to the host's stack, which routes it: ${route.why}`,
  });
  let out = t;
  if (ctx.config.bpfMasquerade) {
    if (!toNode) {
      out = { ...t, src: node.internalIP };
      log.add({
        stage: 'egress-hook',
        node: node.name,
        place: place.layer(node.name, 'eth0', 'tc'),
        where: 'eth0 tc egress: cil_to_netdev (BPF masquerade)',
        table: 'cilium_snat_v4_external',
        match: t.icmp
          ? `${t.src} → ${node.internalIP} (${formatIcmp(t.icmp)})`
          : `${t.src}:${t.sport} → ${node.internalIP}:${t.sport}`,
        headers: [l4Header(out)],
        cost: { lookups: 1 },
        explanation: `With bpf.masquerade=true Cilium installs no iptables masquerade rule: cil_to_netdev on eth0 rewrites the source of traffic leaving the cluster to the node address ${node.internalIP} and records the mapping in cilium_snat_v4_external (PacketWalk keeps the source port; the real program picks a free one when it must).`,
      });
    } else {
      ctx.notes.push(
        'With BPF masquerade, PacketWalk does not model how cil_to_netdev treats traffic to another node’s address; it shows the pod address kept, as the iptables rule it replaces would.',
      );
    }
  } else if (toNode) {
    postNatHop(ctx, node, t, {
      match:
        '-m set --match-set cilium_node_set_v4 dst -m comment --comment "exclude traffic to cluster nodes from masquerade" -j ACCEPT',
      cost: { rules: 1 },
      explanation: `Traffic to another node keeps the pod's address: Cilium's masquerading chain excludes cluster nodes.`,
    });
  } else {
    out = { ...t, src: node.internalIP };
    const exclusion: Cidr = ciliumIsNative(ctx.config.routing)
      ? nativeRoutingCidr(ctx.cluster)
      : node.podCIDR;
    postNatHop(ctx, node, out, {
      match: `-A CILIUM_POST_nat -s ${node.podCIDR.text} ! -d ${exclusion.text} ! -o cilium_+ -m comment --comment "cilium masquerade non-cluster" -j MASQUERADE`,
      cost: { rules: 1 },
      explanation: `Cilium masquerades traffic leaving the cluster (enable-ipv4-masquerade, on by default). With the default bpf.masquerade=false it does so with this iptables rule${ciliumIsNative(ctx.config.routing) ? `, which spares destinations in ipv4-native-routing-cidr (PacketWalk takes ${exclusion.text}, the smallest prefix covering every node's pod CIDR)` : ''}: the source becomes ${node.internalIP}. (With bpf.masquerade=true, cil_to_netdev on eth0 would do it with the cilium_snat_v4_external map.)`,
    });
  }
  if (toNode && toNode.name !== node.name) {
    crossUnderlay(log, ctx.cluster, node, toNode, [l4Header(out)], false);
    log.add({
      stage: 'delivered',
      node: toNode.name,
      place: place.node(toNode.name),
      where: `eth0 → host network namespace of ${toNode.name}`,
      table: out.icmp ? 'icmp_rcv' : 'socket lookup',
      match: localReceiver(out),
      headers: [l4Header(out)],
      explanation: `The node's own stack receives the packet (no host firewall is configured).`,
    });
    return;
  }
  const gw = subnetGateway(ctx.cluster, node);
  log.add({
    stage: 'wire',
    node: node.name,
    place: place.network(gatewayId(ctx.cluster, node, false)),
    where: `eth0 (${node.name}) → ${gw}`,
    table: `ip route (${node.name})`,
    match: route.text,
    rows: routeRows(routes, route, t.dst),
    headers: [l4Header(out)],
    explanation: `Out of eth0 to the default gateway ${gw}.`,
  });
  pastGateway(
    log,
    t.dst,
    l4Header(out),
    ctx.p.icmpToService,
    true,
    'The packet has left the cluster with the node’s address as its source; PacketWalk follows it no further.',
  );
}
