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
 * replacement off); commit 19a62da "bpf: Lookup tunnel endpoint for IPsec rewrite" (ESP between the
 * CiliumInternalIPs, then VXLAN/Geneve: ESP-on-VXLAN); pkg/mtu/mtu.go (overheads add up);
 * pkg/monitor/api/drop.go (133 "Policy denied", 181 "Policy denied by denylist", 158 "Service
 * backend not found"); pkg/datapath/iptables/iptables.go (CILIUM_POST_nat rules).
 */
import { cidr as parseCidrText, type Cidr } from '../engine/cidr';
import { podKey } from '../engine/cluster';
import type { CiliumDataplane } from '../engine/cilium/ebpf';
import type { Cluster, ClusterNode, Pod } from '../engine/model';
import type { Engine } from '../engine/verdict';
import type { CniWalk } from './calicoWalk';
import { ciliumPolicy, lookupText, type CiliumPolicyView, type CiliumSide } from './ciliumPolicy';
import type { CiliumConfig } from './config';
import { ciliumPodMtu, ENCAPS, outerHeader, type EncapKind } from './encap';
import { flowHash, portFromHash, reverseTuple, type FiveTuple } from './flow';
import type { PacketHeader } from './hop';
import { describeTuple, HopLog, l4Header, lookupRows, routeRows } from './hops';
import { ciliumVethName } from './naming';
import { probeOf, type ResolvedPacket } from './packet';
import { ciliumRoutes, lookupRoute } from './routes';
import { backendId, serviceId } from './services';
import { ciliumHostAddress, subnetGateway } from './topology';
import { crossUnderlay, OUTSIDE } from './wire';

interface Ctx {
  readonly cluster: Cluster;
  readonly dp: CiliumDataplane;
  readonly config: CiliumConfig;
  readonly p: ResolvedPacket;
  readonly log: HopLog;
  readonly notes: string[];
  readonly mtu: number;
}

const lxc = (pod: Pod): string => ciliumVethName(podKey(pod));
const ctMap = (protocol: string): string =>
  protocol === 'TCP' ? 'cilium_ct4_global' : 'cilium_ct_any4_global';

function encapKinds(config: CiliumConfig): EncapKind[] {
  const kinds: EncapKind[] = [];
  if (config.routing === 'vxlan') kinds.push('cilium-vxlan');
  if (config.routing === 'geneve') kinds.push('geneve');
  if (config.encryption === 'wireguard') kinds.push('cilium-wireguard');
  if (config.encryption === 'ipsec') kinds.push('ipsec');
  return kinds;
}

export function walkCilium(engine: Engine, config: CiliumConfig, p: ResolvedPacket): CniWalk {
  const ctx: Ctx = {
    cluster: engine.cluster,
    dp: engine.cilium(),
    config,
    p,
    log: new HopLog(),
    notes: [...p.notes],
    mtu: ciliumPodMtu(encapKinds(config)),
  };
  if (p.reply) walkReply(ctx);
  else walkForward(ctx);
  return { log: ctx.log, podMtu: ctx.mtu, notes: ctx.notes };
}

const endpointOf = (ctx: Ctx, pod: Pod) => ctx.dp.index.endpointByPod.get(podKey(pod))!;

// ---------------------------------------------------------------------------------------------
// Forward
// ---------------------------------------------------------------------------------------------

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
    where: `${lxc(client)} tc ingress: cil_from_container`,
    table: ctMap(t.protocol),
    match: `no entry for ${describeTuple(t)}: CT_NEW`,
    headers: [l4Header(t)],
    cost: { lookups: 1 },
    explanation: `The packet crosses the veth; on the host side (${lxc(client)}) Cilium attached cil_from_container (bpf_lxc.c) at tc ingress. It first looks the flow up in conntrack: a new connection, so the service and policy lookups follow. No iptables chain sees pod traffic here.`,
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
      where: `${lxc(client)}: cil_from_container`,
      table: 'cilium_ipcache_v2',
      match: `${t.dst}/32 → identity 1 (reserved:host)`,
      headers: [l4Header(t)],
      cost: { lookups: 1 },
      explanation:
        `The destination is this node itself (identity 1, host). ${policy?.decision.reason ?? ''} ${policy?.decision.notes.join(' ') ?? ''}`.trim(),
    });
    log.add({
      stage: 'delivered',
      node: cNode.name,
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
    log.add({
      stage: 'routing',
      node: dNode.name,
      where: `local endpoint lookup (${dNode.name})`,
      table: 'cilium_lxc',
      match: `${dst.ip} → {lxc_id ${dEp.id}, ifindex of ${lxc(dst)}, sec_id ${dEp.identity}}`,
      headers: [l4Header(t)],
      cost: { lookups: 1 },
      explanation: `${dst.ip} is a local endpoint of ${dNode.name}: ${podKey(dst)}, endpoint ${dEp.id}.`,
    });
  }
  const ingress = policy?.ingress;
  if (ingress) {
    const fromTunnel = dNode.name !== cNode.name && ctx.config.routing !== 'native';
    policyHop(ctx, dNode, t, ingress, dst, fromTunnel);
    if (!ingress.allowed) return policyDrop(ctx, dNode, t, ingress, policy);
    if (ingress.proxyPort) {
      if (!proxyHop(ctx, dNode, t, ingress, policy!)) return;
    }
  }
  deliver(ctx, dNode, dst, t);
}

/** Cross-node: encryption, encapsulation, the wire, and the arrival on the other node. */
function sendAcross(ctx: Ctx, t: FiveTuple, from: ClusterNode, to: ClusterNode): boolean {
  const { log, config } = ctx;
  const inner = l4Header(t);
  const srcId = ctx.dp.index.podAddresses.get(t.src)?.identity ?? 2;
  const native = config.routing === 'native';
  const routes = ciliumRoutes(ctx.cluster, from, config);
  const route = lookupRoute(routes, t.dst)!;
  if (native) {
    log.add({
      stage: 'routing',
      node: from.name,
      where: 'cil_from_container: bpf_fib_lookup → bpf_redirect_neigh',
      table: `cilium_lxc, then the kernel FIB (ip route on ${from.name})`,
      match: `${t.dst} not local; ${route.text}`,
      rows: [
        {
          text: `cilium_lxc {${t.dst}} -> no entry`,
          state: 'tested',
          outcome: 'not a local endpoint',
        },
        ...routeRows(routes, route, t.dst),
      ],
      headers: [inner],
      cost: { lookups: 1 },
      explanation: `Not a local endpoint (cilium_lxc miss). Native routing: the program asks the kernel FIB for the next hop and redirects the packet straight out of eth0 with bpf_redirect_neigh (eBPF host routing), skipping the host's netfilter. ${route.why}`,
    });
    if (route.dst === 'default') {
      const gw = subnetGateway(ctx.cluster, from);
      log.drop(
        {
          node: `router ${gw}`,
          where: `eth0 (${from.name}) → router ${gw}`,
          table: `routing table of ${gw}`,
          match: `no route to ${t.dst}`,
          headers: [inner],
          explanation: `${to.name} is not on ${from.name}'s L2 segment, so auto-direct-node-routes installed no route for its pod CIDR, and the packet follows the default route to ${gw}, which knows node addresses but not pod ranges. Native routing across subnets needs the network to learn pod routes (Cilium's BGP control plane, or static routes on the routers).`,
        },
        `no route to ${t.dst} at router ${gw}: native routing across subnets needs the underlay to know the pod CIDRs`,
      );
      return false;
    }
  } else {
    log.add({
      stage: 'routing',
      node: from.name,
      where: 'cil_from_container: tunnel lookup',
      table: 'cilium_lxc, cilium_ipcache_v2',
      match: `${t.dst} not local; ipcache ${t.dst}/32 → {identity ${ctx.dp.index.podAddresses.get(t.dst)?.identity ?? '?'}, tunnel_endpoint ${to.internalIP}}`,
      rows: [
        {
          text: `cilium_lxc {${t.dst}} -> no entry`,
          state: 'tested',
          outcome: 'not a local endpoint',
        },
        {
          text: `cilium_ipcache_v2 ${t.dst}/32 -> {identity ${ctx.dp.index.podAddresses.get(t.dst)?.identity ?? '?'}, tunnel_endpoint ${to.internalIP}}`,
          state: 'matched',
          outcome: 'decided: the tunnel endpoint (the entry the policy lookup already read)',
        },
      ],
      headers: [inner],
      cost: { lookups: 1 },
      explanation: `Not a local endpoint (cilium_lxc miss). In tunnel mode the ipcache entry the policy lookup already read also names the node that hosts ${t.dst}: its tunnel endpoint ${to.internalIP} (the old cilium_tunnel_map is gone since 1.18; the ipcache carries it). The kernel routing table (${route.text}) is not consulted for this packet.`,
    });
  }

  let stack: PacketHeader[] = [inner];
  const fromHost = ciliumHostAddress(ctx.cluster, from);
  const toHost = ciliumHostAddress(ctx.cluster, to);
  if (config.encryption === 'ipsec') {
    stack = [outerHeader('ipsec', { src: fromHost, dst: toHost, spi: 3 }), ...stack];
    log.add({
      stage: 'encapsulation',
      node: from.name,
      where: 'xfrm (kernel IPsec), marked for encryption by the BPF program',
      table: 'ip xfrm state / ip xfrm policy',
      match: `ESP ${fromHost} → ${toHost}, SPI 3 (the key ID)`,
      headers: stack,
      explanation: `With IPsec the program marks the packet for encryption and lets the kernel's XFRM layer wrap it in ESP between the two nodes' CiliumInternalIPs (the cilium_host addresses ${fromHost} → ${toHost}); the SPI is the key ID of the cilium-ipsec-keys secret (3 in Cilium's example). ${ENCAPS.ipsec.anatomy}.${native ? '' : ' The encrypted packet is then encapsulated like any other (ESP-on-VXLAN).'}`,
    });
  }
  if (!native) {
    const kind: EncapKind = config.routing === 'geneve' ? 'geneve' : 'cilium-vxlan';
    const spec = ENCAPS[kind];
    const sport = portFromHash(flowHash(t, 'tunnel-sport'));
    stack = [
      outerHeader(kind, { src: from.internalIP, dst: to.internalIP, sport, vni: srcId }),
      ...stack,
    ];
    log.add({
      stage: 'encapsulation',
      node: from.name,
      where: `${spec.device} (tc egress: cil_to_overlay)`,
      table: 'tunnel key (bpf_skb_set_tunnel_key)',
      match: `remote ${to.internalIP}, VNI ${srcId} (the source security identity), UDP ${spec.port}`,
      headers: stack,
      explanation: `The program sets a tunnel key and redirects the packet to ${spec.device}, a collect-metadata device: ${spec.anatomy}. The VNI carries the sender's identity ${srcId}, so the receiving node knows who sent it without an ipcache lookup. The destination port is ${spec.port}${kind === 'cilium-vxlan' ? ' (Cilium keeps the Linux default 8472; Calico uses IANA’s 4789)' : ''}; the outer source port ${sport} hashes the inner flow. Pod MTU ${ctx.mtu}.`,
    });
  }
  if (config.encryption === 'wireguard') {
    stack = [
      outerHeader('cilium-wireguard', { src: from.internalIP, dst: to.internalIP }),
      ...stack,
    ];
    log.add({
      stage: 'encapsulation',
      node: from.name,
      where: 'cilium_wg0',
      table: 'wg show cilium_wg0 (peers)',
      match: `peer ${to.name}: endpoint ${to.internalIP}:51871, allowed ips ${to.podCIDR.text}, ${to.internalIP}/32`,
      headers: stack,
      explanation: `Transparent encryption with WireGuard: the packet${native ? '' : ', tunnel headers and all,'} is redirected to cilium_wg0, which encrypts it for ${to.name}'s key and sends it over UDP 51871. Cilium budgets ${ENCAPS['cilium-wireguard'].overhead} bytes for it${native ? '' : ' on top of the tunnel’s 50'}, so the pod MTU is ${ctx.mtu}.`,
    });
  }

  crossUnderlay(log, ctx.cluster, from, to, stack, false);

  if (config.encryption === 'wireguard') {
    stack = stack.slice(1);
    log.add({
      stage: 'ingress-hook',
      node: to.name,
      where: 'cilium_wg0 (decryption)',
      table: 'wg show cilium_wg0 (peers)',
      match: `peer ${from.name}: endpoint ${from.internalIP}:51871`,
      headers: stack,
      explanation: `UDP 51871 reaches cilium_wg0, which authenticates and decrypts the packet with ${from.name}'s key.`,
    });
  }
  if (!native) {
    const kind: EncapKind = config.routing === 'geneve' ? 'geneve' : 'cilium-vxlan';
    stack = stack.slice(1);
    log.add({
      stage: 'ingress-hook',
      node: to.name,
      where: `${ENCAPS[kind].device} tc ingress: cil_from_overlay`,
      table: 'tunnel key (bpf_skb_get_tunnel_key)',
      match: `VNI ${srcId} → source identity ${srcId}`,
      headers: stack,
      explanation: `The kernel strips the outer headers; cil_from_overlay (bpf_overlay.c) reads the tunnel key and takes the source identity from the VNI.`,
    });
  } else {
    log.add({
      stage: 'ingress-hook',
      node: to.name,
      where: 'eth0 tc ingress: cil_from_netdev',
      table: 'cilium_ipcache_v2',
      match: `${t.src} → identity ${srcId}`,
      headers: stack,
      cost: { lookups: 1 },
      explanation: `The plain pod packet arrives on eth0, where cil_from_netdev (bpf_host.c) finds the source identity in the ipcache.`,
    });
  }
  if (config.encryption === 'ipsec') {
    stack = stack.slice(1);
    log.add({
      stage: 'ingress-hook',
      node: to.name,
      where: 'xfrm (kernel IPsec decryption)',
      table: 'ip xfrm state',
      match: `ESP ${fromHost} → ${toHost}, SPI 3`,
      headers: stack,
      explanation: `The ESP packet is decrypted by the XFRM state for SPI 3 and comes back to Cilium marked as decrypted.`,
    });
  }
  return true;
}

/** To an address outside the pod network: the host stack, masquerading, eth0. */
function forwardOut(ctx: Ctx, t: FiveTuple, node: ClusterNode, toNode: ClusterNode | null): void {
  const { log } = ctx;
  const routes = ciliumRoutes(ctx.cluster, node, ctx.config);
  const route = lookupRoute(routes, t.dst)!;
  log.add({
    stage: 'routing',
    node: node.name,
    where: 'cil_from_container → host stack (Hubble: to-stack)',
    table: `ip route (${node.name})`,
    match: route.text,
    rows: routeRows(routes, route, t.dst),
    headers: [l4Header(t)],
    explanation: `${t.dst} is no endpoint, so the program hands the packet to the host's stack, which routes it: ${route.why}`,
  });
  let out = t;
  if (toNode) {
    log.add({
      stage: 'egress-hook',
      node: node.name,
      where: 'nat POSTROUTING → CILIUM_POST_nat',
      table: 'CILIUM_POST_nat',
      match:
        '-m set --match-set cilium_node_set_v4 dst -m comment --comment "exclude traffic to cluster nodes from masquerade" -j ACCEPT',
      headers: [l4Header(t)],
      cost: { rules: 1 },
      explanation: `Traffic to another node keeps the pod's address: Cilium's masquerading chain excludes cluster nodes.`,
    });
  } else {
    out = { ...t, src: node.internalIP };
    const exclusion: Cidr =
      ctx.config.routing === 'native' ? nativeRoutingCidr(ctx.cluster) : node.podCIDR;
    log.add({
      stage: 'egress-hook',
      node: node.name,
      where: 'nat POSTROUTING → CILIUM_POST_nat',
      table: 'CILIUM_POST_nat',
      match: `-A CILIUM_POST_nat -s ${node.podCIDR.text} ! -d ${exclusion.text} ! -o cilium_+ -m comment --comment "cilium masquerade non-cluster" -j MASQUERADE`,
      headers: [l4Header(out)],
      cost: { rules: 1 },
      explanation: `Cilium masquerades traffic leaving the cluster (enable-ipv4-masquerade, on by default). With the default bpf.masquerade=false it does so with this iptables rule${ctx.config.routing === 'native' ? `, which spares destinations in ipv4-native-routing-cidr (PacketWalk takes ${exclusion.text}, the smallest prefix covering every node's pod CIDR)` : ''}: the source becomes ${node.internalIP}. (With bpf.masquerade=true, cil_to_netdev on eth0 would do it with the cilium_snat_v4_external map.)`,
    });
  }
  if (toNode && toNode.name !== node.name) {
    crossUnderlay(log, ctx.cluster, node, toNode, [l4Header(out)], false);
    log.add({
      stage: 'delivered',
      node: toNode.name,
      where: `eth0 → host network namespace of ${toNode.name}`,
      table: 'socket lookup',
      match: `${out.protocol} ${out.dst}:${out.dport}`,
      headers: [l4Header(out)],
      explanation: `The node's own stack receives the packet (no host firewall is configured).`,
    });
    return;
  }
  const gw = subnetGateway(ctx.cluster, node);
  log.add({
    stage: 'wire',
    node: node.name,
    where: `eth0 (${node.name}) → ${gw}`,
    table: `ip route (${node.name})`,
    match: route.text,
    rows: routeRows(routes, route, t.dst),
    headers: [l4Header(out)],
    explanation: `Out of eth0 to the default gateway ${gw}.`,
  });
  log.add({
    stage: 'delivered',
    node: OUTSIDE,
    where: `${t.dst} (outside the cluster)`,
    table: '',
    match: '',
    headers: [l4Header(out)],
    explanation:
      'The packet has left the cluster with the node’s address as its source; PacketWalk follows it no further.',
  });
}

function nativeRoutingCidr(cluster: Cluster): Cidr {
  let prefix = 32;
  const bases = cluster.nodes.map((n) => n.podCIDR.base);
  const first = bases[0] ?? 0;
  for (const n of cluster.nodes) prefix = Math.min(prefix, n.podCIDR.prefix);
  const mask = (p: number) => (p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0);
  while (
    prefix > 0 &&
    !bases.every((b) => (b & mask(prefix)) >>> 0 === (first & mask(prefix)) >>> 0)
  )
    prefix--;
  const base = (first & mask(prefix)) >>> 0;
  return parseCidrText(
    `${[base >>> 24, (base >>> 16) & 255, (base >>> 8) & 255, base & 255].join('.')}/${prefix}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Reply
// ---------------------------------------------------------------------------------------------

function walkReply(ctx: Ctx): void {
  const { p, log } = ctx;
  const client = p.client;
  const cNode = p.clientNode;
  const target = p.target!;
  const forward: FiveTuple = { ...p.flow, dst: p.dstIP, dport: p.dport };
  const t = reverseTuple(forward);
  const socketLb = ctx.config.kubeProxyReplacement && p.service !== undefined;

  if (target.kind !== 'pod') {
    const from = target.kind === 'node' ? target.node.name : OUTSIDE;
    const arriving = target.kind === 'external' ? { ...t, dst: cNode.internalIP } : t;
    log.add({
      stage: 'wire',
      node: from,
      where: `${t.src} → eth0 (${cNode.name})`,
      table: '',
      match: '',
      headers: [l4Header(arriving)],
      explanation:
        target.kind === 'external'
          ? `The outside host answers the node's address, because the request left masqueraded.`
          : `${target.node.name} answers the pod.`,
    });
    if (target.kind === 'external') {
      log.add({
        stage: 'ingress-hook',
        node: cNode.name,
        where: 'eth0: netfilter PREROUTING (conntrack)',
        table: 'conntrack',
        match: `reply of ${describeTuple(forward)} [MASQUERADE]: destination ${cNode.internalIP} → ${client.ip}`,
        headers: [l4Header(t)],
        explanation:
          'Conntrack undoes the masquerade and the packet is routed towards the pod via cilium_host.',
      });
    }
    replyArrives(ctx, cNode, client, t);
    return;
  }

  const server = target.pod;
  const sNode = target.node;
  if (podKey(server) === podKey(client)) {
    log.add({
      stage: 'delivered',
      node: cNode.name,
      where: `eth0 in ${podKey(client)} (hairpin)`,
      table: ctMap(t.protocol),
      match: 'reply of a hairpin connection',
      headers: [l4Header(t)],
      explanation: `The Service sent the connection back to ${podKey(client)} itself; its reply goes back the same way.`,
    });
    return;
  }
  podSends(ctx, server, sNode, t, true);
  log.add({
    stage: 'egress-hook',
    node: sNode.name,
    where: `${lxc(server)} tc ingress: cil_from_container`,
    table: ctMap(t.protocol),
    match: `hit: CT_REPLY for ${describeTuple(forward)}`,
    headers: [l4Header(t)],
    cost: { lookups: 1 },
    explanation: `Conntrack already holds the connection and this packet is its reply, so cil_from_container skips the egress policy lookup entirely: policy is judged once per connection, not per packet.`,
  });
  if (sNode.name !== cNode.name) {
    if (!sendAcross(ctx, t, sNode, cNode)) return;
  } else {
    log.add({
      stage: 'routing',
      node: sNode.name,
      where: 'cil_from_container: local endpoint lookup',
      table: 'cilium_lxc',
      match: `${client.ip} → {lxc_id ${endpointOf(ctx, client).id}, ifindex of ${lxc(client)}}`,
      headers: [l4Header(t)],
      cost: { lookups: 1 },
      explanation: `The client is a local endpoint.`,
    });
  }
  replyArrives(ctx, cNode, client, t, p.service && !socketLb ? p.flow : undefined);
  if (socketLb)
    ctx.notes.push(
      'With socket-LB the client’s socket is connected to the backend itself; the reply needs no reverse NAT, and getpeername() (cil_sock4_getpeername) shows the application the Service address.',
    );
}

function replyArrives(
  ctx: Ctx,
  node: ClusterNode,
  client: Pod,
  t: FiveTuple,
  vip?: FiveTuple,
): void {
  const ep = endpointOf(ctx, client);
  ctx.log.add({
    stage: 'ingress-policy',
    node: node.name,
    where: `tail call cilium_call_policy[${ep.id}] → cil_lxc_policy`,
    table: ctMap(t.protocol),
    match: 'hit: CT_REPLY, policy skipped',
    headers: [l4Header(t)],
    cost: { lookups: 1 },
    explanation: `The policy program of ${podKey(client)} checks conntrack first: a reply of an established connection, so ${ep.mapName} is not consulted.`,
  });
  let last = t;
  if (vip) {
    last = { ...t, src: vip.dst, sport: vip.dport };
    ctx.log.add({
      stage: 'service-lb',
      node: node.name,
      where: `${lxc(client)}: reverse NAT`,
      table: 'cilium_lb4_reverse_nat',
      match: `rev_nat_index ${serviceId(ctx.cluster, ctx.p.service!.service, ctx.p.service!.port)} → ${vip.dst}:${vip.dport}`,
      headers: [l4Header(last)],
      cost: { lookups: 1 },
      explanation: `The conntrack entry carries the Service's rev_nat_index; the reverse-NAT map gives back the ClusterIP and port, and the reply's source is rewritten so the client sees the address it connected to.`,
    });
  }
  deliver(ctx, node, client, last);
}

// ---------------------------------------------------------------------------------------------
// Pieces
// ---------------------------------------------------------------------------------------------

function podSends(ctx: Ctx, pod: Pod, node: ClusterNode, t: FiveTuple, reply = false): void {
  const router = ciliumHostAddress(ctx.cluster, node);
  ctx.log.add({
    stage: 'in-pod',
    node: node.name,
    where: `eth0 in ${podKey(pod)} (network namespace)`,
    table: `ip route (${podKey(pod)})`,
    match: `default via ${router} dev eth0 mtu ${ctx.mtu}`,
    headers: [l4Header(t)],
    explanation: `${podKey(pod)} ${reply ? 'answers' : 'sends'} ${describeTuple(t)}. Cilium gives the pod a default route via the node's cilium_host address ${router} with the pod MTU (${ctx.mtu}), so everything leaves through the veth to the host side ${lxc(pod)}.`,
  });
}

function serviceLookup(ctx: Ctx, t: FiveTuple, how: 'socket' | 'tc'): FiveTuple | null {
  const { p, log } = ctx;
  const hit = p.service!;
  const node = p.clientNode;
  const id = serviceId(ctx.cluster, hit.service, hit.port);
  const where =
    how === 'socket'
      ? `${podKey(p.client)} socket: ${t.protocol === 'UDP' ? 'sendmsg()/connect()' : 'connect()'} → cgroup hook ${t.protocol === 'UDP' ? 'cil_sock4_sendmsg / cil_sock4_connect' : 'cil_sock4_connect'}`
      : `${lxc(p.client)} tc ingress: cil_from_container (per-packet service lookup)`;
  const key0 = `{${t.dst}:${t.dport}/${t.protocol}, slot 0}`;
  if (hit.chosen < 0) {
    log.drop(
      {
        node: node.name,
        where,
        table: 'cilium_lb4_services_v2',
        match: `${key0} → {count 0, rev_nat_index ${id}}`,
        headers: [l4Header(t)],
        cost: { lookups: 1 },
        explanation: `The Service is in the map but has no backends (no ready pod has the target port).`,
      },
      'Service backend not found (158)',
    );
    return null;
  }
  const backend = hit.backends[hit.chosen]!;
  const bid = backendId(ctx.cluster, backend, t.protocol);
  const after: FiveTuple = { ...t, dst: backend.ip, dport: backend.port };
  log.add({
    stage: 'service-lb',
    node: node.name,
    where,
    table: 'cilium_lb4_services_v2 → cilium_lb4_backends_v3',
    match: `${key0} → {count ${hit.backends.length}, rev_nat_index ${id}}; slot ${hit.chosen + 1} → backend_id ${bid}; backend ${bid} → ${backend.ip}:${backend.port}/${t.protocol}`,
    rows: lookupRows([
      `cilium_lb4_services_v2 ${key0} -> {count ${hit.backends.length}, rev_nat_index ${id}}`,
      `cilium_lb4_services_v2 {${t.dst}:${t.dport}/${t.protocol}, slot ${hit.chosen + 1}} -> {backend_id ${bid}}`,
      `cilium_lb4_backends_v3 {backend_id ${bid}} -> {${backend.ip}:${backend.port}/${t.protocol}}`,
    ]),
    headers: [l4Header(after)],
    cost: { lookups: 3 },
    explanation:
      how === 'socket'
        ? `kube-proxy replacement is on, so Cilium's socket-LB runs at the socket layer: when ${podKey(p.client)} calls connect() on ${t.dst}:${t.dport}, the cgroup program looks the Service up (slot 0 gives the backend count), picks slot ${hit.chosen + 1} of ${hit.backends.length} (Cilium's default "random" algorithm; PacketWalk hashes the flow so the choice is repeatable) and connects the socket straight to ${backend.ip}:${backend.port}. No packet ever carries the ClusterIP, so there is no per-packet NAT and no conntrack entry for the translation.`
        : `With kube-proxy replacement off, kube-proxy still programs iptables for NodePorts and host traffic, but traffic from pods to a ClusterIP is load-balanced by cil_from_container before kube-proxy's chains could see it: slot 0 gives the backend count, slot ${hit.chosen + 1} the backend ID, the backends map its address; the program DNATs the packet to ${backend.ip}:${backend.port} and stores rev_nat_index ${id} in conntrack for the reply.`,
  });
  return after;
}

function policyHop(
  ctx: Ctx,
  node: ClusterNode,
  t: FiveTuple,
  side: CiliumSide,
  pod: Pod,
  fromTunnel = false,
): void {
  const lookups = side.lookups.filter((l) => !(fromTunnel && l.startsWith('cilium_ipcache_v2')));
  const identityNote = side.ipcacheLine ? lookupText(side.ipcacheLine) : '';
  const egress = side.direction === 'egress';
  ctx.log.add({
    stage: egress ? 'egress-policy' : 'ingress-policy',
    node: node.name,
    where: egress
      ? `${lxc(pod)}: cil_from_container → policy lookup (egress of endpoint ${side.endpoint.id})`
      : `tail call cilium_call_policy[${side.endpoint.id}] → cil_lxc_policy (ingress of endpoint ${side.endpoint.id})`,
    table: `${fromTunnel ? '' : 'cilium_ipcache_v2, '}${side.endpoint.mapName}`,
    match: lookupText(side.decidingLine),
    rows: lookupRows(lookups.map(lookupText), lookups.lastIndexOf(side.decidingLine)),
    headers: [l4Header(t)],
    cost: { lookups: lookups.length },
    explanation: `${egress ? `The sender's egress policy is judged in cil_from_container on ${node.name}` : `The receiver's ingress policy runs in ${podKey(pod)}'s own policy program, reached by a tail call through cilium_call_policy`}. ${fromTunnel ? `The remote identity came with the tunnel key (VNI), so no ipcache lookup is needed. ` : identityNote ? `The ipcache gives the ${egress ? 'destination' : 'source'}'s identity (${identityNote}). ` : ''}The policy map is keyed by {remote identity, direction, protocol, port}, not by addresses: one lookup with the exact identity, then (unless a deny decided) one with identity 0 (ANY) for L4-only rules. ${side.reason} ${lookups.length} map lookups, however many policies exist: that is the eBPF model's cost.`,
  });
}

function policyDrop(
  ctx: Ctx,
  node: ClusterNode,
  t: FiveTuple,
  side: CiliumSide,
  policy: CiliumPolicyView | null,
): void {
  const code = policy?.dropReason ?? 'Policy denied (133)';
  const hookWhere =
    side.direction === 'egress'
      ? `${lxc(podOf(ctx, side.endpoint.pod))}: cil_from_container`
      : `cil_lxc_policy of endpoint ${side.endpoint.id}`;
  ctx.log.drop(
    {
      node: node.name,
      where: hookWhere,
      table: side.endpoint.mapName,
      match: `Hubble: DROPPED (${code.replace(/ \(\d+\)$/, '')}), ${side.direction === 'egress' ? 'egress' : 'ingress'}`,
      headers: [l4Header(t)],
      explanation: `The program returns DROP_POLICY${code.includes('181') ? '_DENY' : ''}; the drop is counted in cilium_metrics and reported on the cilium_events ring, where Hubble shows it as verdict DROPPED with drop reason "${code.replace(/ \(\d+\)$/, '')}" (code ${/\((\d+)\)/.exec(code)?.[1] ?? '133'}). The sender sees a timeout.`,
    },
    `${code} in ${side.endpoint.mapName} (${side.direction} of ${side.endpoint.pod})`,
  );
}

/** Returns false when the proxy refused the request (the walk ends there). */
function proxyHop(
  ctx: Ctx,
  node: ClusterNode,
  t: FiveTuple,
  side: CiliumSide,
  policy: CiliumPolicyView,
): boolean {
  const listener = side.direction === 'ingress' ? 'cilium-http-ingress' : 'cilium-http-egress';
  const stage = side.direction === 'ingress' ? 'ingress-policy' : 'egress-policy';
  const http = ctx.p.http;
  const where = `cilium-envoy: listener ${listener} (proxy port ${side.proxyPort})`;
  if (!http) {
    ctx.log.add({
      stage,
      node: node.name,
      where,
      table: `L7 policy of endpoint ${side.endpoint.id} (from ${side.endpoint.pod}'s policies)`,
      match: `redirect to proxy port ${side.proxyPort}`,
      headers: [l4Header(t)],
      explanation: `The policy entry carries a proxy port, so the connection is redirected to Envoy (Hubble: to-proxy). Envoy judges every HTTP request on it; give --http METHOD:PATH to see a request judged.`,
    });
    return true;
  }
  const l7 = policy.decision.l7;
  const allowed = l7?.allowed !== false;
  const proxyLine = policy.proxyLine ?? '';
  ctx.log.add({
    stage,
    node: node.name,
    where,
    table: `HTTP rules for endpoint ${side.endpoint.id} (${side.direction})`,
    match: proxyLine || `${http.method} ${http.path} → ${allowed ? 'allowed' : '403'}`,
    headers: [l4Header(t)],
    explanation: `The map entry redirects to proxy port ${side.proxyPort}, so the TCP connection is terminated by Envoy (the cilium-envoy DaemonSet), which parses the request and checks it against the policy's HTTP rules (method and path are full-match regular expressions). ${l7?.reason ?? policy.decision.reason}`,
  });
  if (!allowed) {
    ctx.log.drop(
      {
        node: node.name,
        where,
        table: `HTTP rules for endpoint ${side.endpoint.id}`,
        match: `HTTP/1.1 403 ${'Access denied'}`,
        headers: [l4Header(reverseTuple(t))],
        explanation: `Envoy answers the request itself with 403 "Access denied" and never forwards it: the TCP connection succeeded, the request did not. Hubble shows an L7 flow with verdict DROPPED for ${http.method} ${http.path}.`,
      },
      `Access denied: HTTP 403 from Envoy (${listener}, proxy port ${side.proxyPort}): ${http.method} ${http.path} matches no HTTP rule`,
    );
    return false;
  }
  return true;
}

function podOf(ctx: Ctx, key: string): Pod {
  return ctx.cluster.pods.find((p) => podKey(p) === key)!;
}

function deliver(ctx: Ctx, node: ClusterNode, pod: Pod, t: FiveTuple): void {
  ctx.log.add({
    stage: 'delivered',
    node: node.name,
    where: `bpf_redirect_peer → eth0 in ${podKey(pod)}`,
    table: '',
    match: 'Hubble: to-endpoint FORWARDED',
    headers: [l4Header(t)],
    explanation: `With eBPF host routing the program hands the packet straight to the pod's side of the veth with bpf_redirect_peer, skipping the host's stack and ${lxc(pod)}'s own egress path.`,
  });
}
