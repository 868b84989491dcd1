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
import {
  cidr as parseCidrText,
  cidrContains,
  formatIPv4,
  parseIPv4,
  type Cidr,
} from '../engine/cidr';
import { podKey } from '../engine/cluster';
import type { CiliumDataplane } from '../engine/cilium/ebpf';
import type { Cluster, ClusterNode, Pod } from '../engine/model';
import type { Engine } from '../engine/verdict';
import type { CniWalk } from './calicoWalk';
import { ciliumPolicy, lookupText, type CiliumPolicyView, type CiliumSide } from './ciliumPolicy';
import { formatDrop, type DropEvent } from '../engine/trace';
import {
  ciliumHostRouting,
  ciliumHostRoutingReason,
  ciliumIsNative,
  type CiliumConfig,
  type CiliumHostRouting,
} from './config';
import { ciliumPodMtu, ENCAPS, outerHeader, type EncapKind } from './encap';
import { flowHash, portFromHash, reverseTuple, type FiveTuple } from './flow';
import type { PacketHeader } from './hop';
import { describeTuple, HopLog, l4Header, lookupRows, routeRows } from './hops';
import { ciliumVethName } from './naming';
import { probeOf, type ResolvedPacket } from './packet';
import { ciliumRoutes, lookupRoute } from './routes';
import { backendId, serviceId } from './services';
import { ciliumHostAddress, nodeSubnet, subnetGateway, vpcRouterAddress } from './topology';
import { place, type HookKind, type HopPlace } from './place';
import { crossUnderlay, gatewayId, OUTSIDE, underlayPlace } from './wire';

interface Ctx {
  readonly cluster: Cluster;
  readonly dp: CiliumDataplane;
  readonly config: CiliumConfig;
  readonly hostRouting: CiliumHostRouting;
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
  // AWS ENI ('eni') is native routing: no tunnel overhead.
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

/** cil_from_container, the endpoint's policy program, cil_to_container: the lxc tc eBPF layer. */
const atLxc = (node: ClusterNode, hook: HookKind = 'tc'): HopPlace =>
  place.layer(node.name, 'lxc-ebpf', hook);

/**
 * Where a packet leaving an endpoint is routed: in the program with eBPF host routing
 * (bpf_fib_lookup), by the host stack behind cilium_host with legacy host routing.
 */
const routedAt = (ctx: Ctx, node: ClusterNode): HopPlace =>
  ctx.hostRouting === 'BPF' ? atLxc(node, 'route') : place.layer(node.name, 'cilium-host', 'route');

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
    place: atLxc(cNode),
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

/** Cross-node: encryption, encapsulation, the wire, and the arrival on the other node. */
function sendAcross(ctx: Ctx, t: FiveTuple, from: ClusterNode, to: ClusterNode): boolean {
  const { log, config } = ctx;
  const inner = l4Header(t);
  const srcId = ctx.dp.index.podAddresses.get(t.src)?.identity ?? 2;
  const native = ciliumIsNative(config.routing);
  const eni = config.routing === 'eni';
  const bpfHost = ctx.hostRouting === 'BPF';
  const routes = ciliumRoutes(ctx.cluster, from, config);
  const route = lookupRoute(routes, t.dst)!;
  const lxcMiss = {
    text: `cilium_lxc {${t.dst}} -> no entry`,
    state: 'tested' as const,
    outcome: 'not a local endpoint',
  };
  if (eni) {
    eniEgress(ctx, t, from);
  } else if (native) {
    log.add({
      stage: 'routing',
      node: from.name,
      place: routedAt(ctx, from),
      where: bpfHost
        ? 'cil_from_container: bpf_fib_lookup → bpf_redirect_neigh'
        : 'cil_from_container → host stack (Hubble: to-stack)',
      table: bpfHost
        ? `cilium_lxc, then the kernel FIB (ip route on ${from.name})`
        : `cilium_lxc, then ip route (${from.name})`,
      match: `${t.dst} not local; ${route.text}`,
      rows: [lxcMiss, ...routeRows(routes, route, t.dst)],
      headers: [inner],
      cost: { lookups: 1 },
      explanation: bpfHost
        ? `Not a local endpoint (cilium_lxc miss). Native routing with eBPF host routing (kube-proxy replacement and BPF masquerade are on): the program asks the kernel FIB for the next hop and redirects the packet straight out of eth0 with bpf_redirect_neigh (bpf/lib/fib.h), skipping the host's netfilter. ${route.why}`
        : `Not a local endpoint (cilium_lxc miss). Native routing with legacy host routing (${ciliumHostRoutingReason(config)}): the program returns the packet to the kernel, which routes it with the main table like any forwarded packet, so netfilter's FORWARD and POSTROUTING chains see it. ${route.why}`,
    });
    if (route.dst === 'default') {
      const gw = subnetGateway(ctx.cluster, from);
      log.drop(
        {
          node: `router ${gw}`,
          place: place.network(gatewayId(ctx.cluster, from, false)),
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
    if (!bpfHost) legacyNetfilterOut(ctx, t, from);
  } else {
    log.add({
      stage: 'routing',
      node: from.name,
      place: atLxc(from, 'route'),
      where: 'cil_from_container: tunnel lookup',
      table: 'cilium_lxc, cilium_ipcache_v2',
      match: `${t.dst} not local; ipcache ${t.dst}/32 → {identity ${ctx.dp.index.podAddresses.get(t.dst)?.identity ?? '?'}, tunnel_endpoint ${to.internalIP}}`,
      rows: [
        lxcMiss,
        {
          text: `cilium_ipcache_v2 ${t.dst}/32 -> {identity ${ctx.dp.index.podAddresses.get(t.dst)?.identity ?? '?'}, tunnel_endpoint ${to.internalIP}}`,
          state: 'matched',
          outcome: 'decided: the tunnel endpoint (the entry the policy lookup already read)',
        },
      ],
      headers: [inner],
      cost: { lookups: 1 },
      explanation: `Not a local endpoint (cilium_lxc miss). In tunnel mode the ipcache entry the policy lookup already read also names the node that hosts ${t.dst}: its tunnel endpoint ${to.internalIP} (the old cilium_tunnel_map is gone since 1.18; the ipcache carries it). The kernel routing table (${route.text}) is not consulted for this packet. Encapsulation does not depend on the host routing mode.`,
    });
  }

  let stack: PacketHeader[] = [inner];
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
      place: place.layer(from.name, 'tunnel', 'device'),
      where: `${spec.device} (tc egress: cil_to_overlay)`,
      table: 'tunnel key (bpf_skb_set_tunnel_key)',
      match: `remote ${to.internalIP}, VNI ${srcId} (the source security identity), UDP ${spec.port}`,
      headers: stack,
      explanation: `The program sets a tunnel key and redirects the packet to ${spec.device}, a collect-metadata device: ${spec.anatomy}. The VNI carries the sender's identity ${srcId}, so the receiving node knows who sent it without an ipcache lookup. The destination port is ${spec.port}${kind === 'cilium-vxlan' ? ' (Cilium keeps the Linux default 8472; Calico uses IANA’s 4789)' : ''}; the outer source port ${sport} hashes the inner flow. Pod MTU ${ctx.mtu}.`,
    });
  }
  const esp = ipsecEnds(ctx, from, to);
  if (config.encryption === 'ipsec') {
    stack = [outerHeader('ipsec', { src: esp.src, dst: esp.dst, spi: 3 }), ...stack];
    log.add({
      stage: 'encapsulation',
      node: from.name,
      place: place.layer(from.name, 'xfrm', 'device'),
      where: `${eni ? 'eth1' : 'eth0'} tc egress: cil_to_netdev (mark 0x3E00) → cilium_net ingress → xfrm`,
      table: 'ip xfrm state / ip xfrm policy',
      match: `ESP ${esp.src} → ${esp.dst}, SPI 3 (the key ID)`,
      headers: stack,
      explanation: `With IPsec in Cilium 1.18 the encryption decision is taken on the way out of the node: cil_to_netdev (bpf_host.c) at ${eni ? 'eth1' : 'eth0'}'s tc egress sees the ${native ? 'pod packet' : `VXLAN packet (cil_to_overlay left the overlay mark 0x0400 with the source identity on it)`}, sets the skb mark to the SPI in bits 12–15 over MARK_MAGIC_ENCRYPT 0x0E00 (0x3E00 for SPI 3) plus the destination node's ID in the upper 16 bits, and redirects it to the ingress of cilium_net (bpf/lib/encrypt.h ipsec_maybe_redirect_to_encrypt, set_ipsec_encrypt). There the kernel's XFRM policy that matches that mark wraps it in ESP (tunnel mode) ${esp.what}, and the ESP packet is routed out again. The SPI is the key ID of the cilium-ipsec-keys secret (3 in Cilium's example). ${ENCAPS.ipsec.anatomy}. ${
        native
          ? ''
          : `Since Cilium 1.18 ESP wraps the whole VXLAN packet ("VXLAN-in-ESP", PR #37723), so the VNI with the source identity is encrypted too; before 1.18 ESP ran between the cilium_host addresses inside the tunnel. `
      }The overheads still add up (pkg/mtu/mtu.go): ${native ? '' : `tunnel ${ENCAPS['cilium-vxlan'].overhead} + `}ESP ${ENCAPS.ipsec.overhead}, pod MTU ${ctx.mtu}.`,
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
      place: place.layer(from.name, 'wireguard', 'device'),
      where: 'cilium_wg0',
      table: 'wg show cilium_wg0 (peers)',
      match: `peer ${to.name}: endpoint ${to.internalIP}:51871, allowed ips ${to.podCIDR.text}, ${to.internalIP}/32`,
      headers: stack,
      explanation: `Transparent encryption with WireGuard: the packet${native ? '' : ', tunnel headers and all,'} is redirected to cilium_wg0 (cil_to_netdev's wg_maybe_redirect_to_encrypt), which encrypts it for ${to.name}'s key and sends it over UDP 51871. Cilium budgets ${ENCAPS['cilium-wireguard'].overhead} bytes for it${native ? '' : ' on top of the tunnel’s 50'}, so the pod MTU is ${ctx.mtu}. Calico budgets ${ENCAPS['calico-wireguard'].overhead} for the same header over IPv4: Cilium's WireguardOverhead (pkg/mtu/mtu.go) reserves an outer header the size of IPv6's (40 bytes, not IPv4's 20) whatever the underlay, so one figure fits both families.`,
    });
  }

  if (eni) eniWire(ctx, from, to, stack);
  else crossUnderlay(log, ctx.cluster, from, to, stack, false);

  const nic = eni ? 'eth1' : 'eth0';
  if (config.encryption !== 'none') {
    const outer = stack[0]!;
    log.add({
      stage: 'ingress-hook',
      node: to.name,
      place: place.layer(to.name, 'eth0', 'tc'),
      where: `${nic} tc ingress: cil_from_netdev`,
      table: '',
      match:
        config.encryption === 'wireguard'
          ? `UDP ${outer.src}:51871 → ${outer.dst}:51871: Cilium's WireGuard (traced as encrypted), passed to the stack`
          : `ESP ${outer.src} → ${outer.dst}, SPI 3: mark 0x0D00 (decrypt) + source node ID, passed to the stack`,
      headers: stack,
      explanation: `The encrypted packet arrives on ${nic} first, where cil_from_netdev (bpf_host.c) sees ${
        config.encryption === 'wireguard'
          ? 'UDP from and to the WireGuard port 51871; it only recognises the packet as Cilium’s WireGuard traffic, to trace it as encrypted (bpf/lib/wireguard.h ctx_is_wireguard), sets no mark, and the packet, addressed to the node itself, goes up the stack to the kernel’s WireGuard socket'
          : 'an ESP packet: do_decrypt (bpf/lib/encrypt.h) looks the sending node’s ID up by the outer source address, sets the skb mark MARK_MAGIC_DECRYPT 0x0D00 with that ID in the upper 16 bits, and passes the packet up the stack to the kernel’s XFRM layer without any further processing'
      }; nothing inside can be read yet.`,
    });
  }
  if (config.encryption === 'wireguard') {
    stack = stack.slice(1);
    log.add({
      stage: 'ingress-hook',
      node: to.name,
      place: place.layer(to.name, 'wireguard', 'device'),
      where: native
        ? 'cilium_wg0 (decryption) → tc ingress: cil_from_wireguard'
        : 'cilium_wg0 (decryption) → host stack (UDP 8472)',
      table: native && bpfHost ? 'cilium_ipcache_v2' : 'wg show cilium_wg0 (peers)',
      match:
        native && bpfHost
          ? `peer ${from.name} (${from.internalIP}:51871); ${t.src} → identity ${srcId}`
          : `peer ${from.name}: endpoint ${from.internalIP}:51871`,
      headers: stack,
      ...(native && bpfHost ? { cost: { lookups: 1 } } : {}),
      // pkg/option/config.go NeedIngressOnWireGuardDevice: cil_from_wireguard is attached in
      // native routing (or tunnel + NodePort + encrypt-node); loader.go sets secctx_from_ipcache
      // only without legacy host routing (bpf_wireguard.c resolve_srcid_ipv4, handle_ipv4).
      explanation: `The kernel's WireGuard socket authenticates and decrypts the packet with ${from.name}'s key, and the plain packet comes out of cilium_wg0 as if received there. ${
        native
          ? bpfHost
            ? 'In native routing Cilium attaches cil_from_wireguard (bpf_wireguard.c) at cilium_wg0’s tc ingress; with eBPF host routing it looks the source identity up in the ipcache and delivers to a local endpoint straight from BPF.'
            : 'In native routing Cilium attaches cil_from_wireguard (bpf_wireguard.c) at cilium_wg0’s tc ingress; with legacy host routing it does no ipcache lookup and returns the packet to the stack, which routes it like any forwarded packet.'
          : 'In tunnel mode Cilium attaches no program to cilium_wg0 (cil_from_wireguard is only attached in native routing, or with NodePort and encrypt-node): the decrypted VXLAN packet, node address to node address, simply goes up the stack to the kernel’s VXLAN socket on UDP 8472.'
      }`,
    });
  }
  if (config.encryption === 'ipsec') {
    stack = stack.slice(1);
    log.add({
      stage: 'ingress-hook',
      node: to.name,
      place: place.layer(to.name, 'xfrm', 'device'),
      where: 'xfrm (kernel IPsec decryption)',
      table: 'ip xfrm state',
      match: `ESP ${esp.src} → ${esp.dst}, SPI 3`,
      headers: stack,
      explanation: `The XFRM state for SPI 3 (matched by the decrypt mark) decrypts the packet${native ? '' : ', which turns back into the VXLAN packet between the node addresses'}; the state's output mark keeps 0x0D00 on it, and the kernel re-injects the inner packet on ${nic}.`,
    });
    // bpf_host.c cil_from_netdev: "In all other cases (packet doesn't need decryption or already
    // decrypted), we want to run all subsequent logic here"; do_decrypt clears the mark.
    log.add({
      stage: 'ingress-hook',
      node: to.name,
      place: place.layer(to.name, 'eth0', 'tc'),
      where: `${nic} tc ingress: cil_from_netdev (second pass, decrypted)`,
      table: '',
      match: `mark 0x0D00 (decrypted): cleared, ${native ? 'pod packet' : 'VXLAN packet'} passed to the stack`,
      headers: stack,
      explanation: `The decrypted packet passes ${nic}'s tc ingress a second time. cil_from_netdev's do_decrypt sees the decrypt mark, clears it, and the packet then takes the ordinary path: ${native ? `with legacy host routing (IPsec forces it in 1.18) bpf_host.c returns it to the stack` : `it is addressed to this node, so bpf_host.c hands it to the stack, which gives it to the VXLAN socket`}.`,
    });
  }
  if (!native) {
    const kind: EncapKind = config.routing === 'geneve' ? 'geneve' : 'cilium-vxlan';
    stack = stack.slice(1);
    log.add({
      stage: 'ingress-hook',
      node: to.name,
      place: place.layer(to.name, 'tunnel', 'tc'),
      where: `${ENCAPS[kind].device} tc ingress: cil_from_overlay`,
      table: 'tunnel key (bpf_skb_get_tunnel_key)',
      match: `VNI ${srcId} → source identity ${srcId}`,
      headers: stack,
      explanation: `The kernel's ${ENCAPS[kind].device} device strips the outer headers; cil_from_overlay (bpf_overlay.c) then runs at tc ingress, reads the tunnel key and takes the source identity from the VNI.`,
    });
  } else if (config.encryption === 'none') {
    log.add({
      stage: 'ingress-hook',
      node: to.name,
      place: place.layer(to.name, 'eth0', 'tc'),
      where: `${nic} tc ingress: cil_from_netdev`,
      table: 'cilium_ipcache_v2',
      match: `${t.src} → identity ${srcId}`,
      headers: stack,
      cost: { lookups: 1 },
      explanation: `The plain pod packet arrives on ${nic}, where cil_from_netdev (bpf_host.c) finds the source identity in the ipcache.${
        bpfHost
          ? ''
          : ' With legacy host routing it then passes the packet to the kernel (bpf_host.c returns it to the stack when BPF host routing is off, so that conntrack sees both directions of the connection).'
      }`,
    });
  }
  if (native && !bpfHost) legacyNetfilterIn(ctx, t, to);
  return true;
}

/** ESP's outer addresses: see pkg/datapath/linux/ipsec.go enableIPSecIPv4Do. */
function ipsecEnds(
  ctx: Ctx,
  from: ClusterNode,
  to: ClusterNode,
): { src: string; dst: string; what: string } {
  const routing = ctx.config.routing;
  if (routing === 'native') {
    const src = ciliumHostAddress(ctx.cluster, from, routing);
    const dst = ciliumHostAddress(ctx.cluster, to, routing);
    return {
      src,
      dst,
      what: `between the two nodes' CiliumInternalIPs (the cilium_host addresses ${src} → ${dst}), the XFRM states the agent writes for a node's pod CIDR in native routing`,
    };
  }
  if (routing === 'eni')
    return {
      src: from.internalIP,
      dst: to.internalIP,
      what: `between the node addresses ${from.internalIP} → ${to.internalIP}: ENI mode encrypts by pod subnet, and the agent uses the NodeInternalIPs as ESP endpoints unless use-cilium-internal-ip-for-ipsec is set`,
    };
  return {
    src: from.internalIP,
    dst: to.internalIP,
    what: `around the VXLAN packet, node address to node address (${from.internalIP} → ${to.internalIP}), with the XFRM states the agent writes for the overlay`,
  };
}

/** Legacy host routing, sending: the forwarded packet meets FORWARD and POSTROUTING. */
function legacyNetfilterOut(ctx: Ctx, t: FiveTuple, node: ClusterNode): void {
  ctx.log.add({
    stage: 'egress-hook',
    node: node.name,
    place: place.layer(node.name, 'eth0', 'netfilter'),
    where: 'filter FORWARD → CILIUM_FORWARD',
    table: 'CILIUM_FORWARD',
    match:
      '-A CILIUM_FORWARD -i lxc+ -m comment --comment "cilium: cluster->any on lxc+ forward accept" -j ACCEPT',
    // Rule order of installForwardChainRulesIpX (pkg/datapath/iptables/iptables.go, 1.18).
    rows: [
      {
        text: '-A CILIUM_FORWARD -o cilium_host -m comment --comment "cilium: any->cluster on cilium_host forward accept" -j ACCEPT',
        state: 'tested',
        outcome: 'no match: not leaving through cilium_host',
        chain: 'CILIUM_FORWARD',
      },
      {
        text: '-A CILIUM_FORWARD -i cilium_host -m comment --comment "cilium: cluster->any on cilium_host forward accept (nodeport)" -j ACCEPT',
        state: 'tested',
        outcome: 'no match: not from cilium_host',
        chain: 'CILIUM_FORWARD',
      },
      {
        text: '-A CILIUM_FORWARD -i lxc+ -m comment --comment "cilium: cluster->any on lxc+ forward accept" -j ACCEPT',
        state: 'matched',
        outcome: 'match: from a pod veth, decided',
        chain: 'CILIUM_FORWARD',
      },
    ],
    headers: [l4Header(t)],
    cost: { rules: 3 },
    explanation: `The packet came in on ${lxc(podAt(ctx, t.src) ?? ctx.p.client)} and is forwarded, so netfilter's FORWARD chain sees it and jumps to CILIUM_FORWARD (feeder rule "cilium-feeder: CILIUM_FORWARD"). Its third rule accepts traffic from pod veths; the two before it are for packets to and from cilium_host (pkg/datapath/iptables/iptables.go installForwardChainRulesIpX).`,
  });
  if (ctx.config.routing === 'eni') return;
  const exclusion = nativeRoutingCidr(ctx.cluster);
  ctx.log.add({
    stage: 'egress-hook',
    node: node.name,
    place: place.layer(node.name, 'eth0', 'netfilter'),
    where: 'nat POSTROUTING → CILIUM_POST_nat',
    table: 'CILIUM_POST_nat',
    match: ctx.config.bpfMasquerade
      ? 'no iptables masquerade rule (bpf.masquerade=true: cil_to_netdev masquerades)'
      : `-A CILIUM_POST_nat -s ${node.podCIDR.text} ! -d ${exclusion.text} ! -o cilium_+ -m comment --comment "cilium masquerade non-cluster" -j MASQUERADE: no match`,
    // installMasqueradeRules: in native routing (NodeIpsetNeeded: no tunnel, iptables
    // masquerading) the node-ipset exclusion comes first, then allEgressMasqueradeCmds.
    ...(ctx.config.bpfMasquerade
      ? {}
      : {
          rows: [
            {
              text: `-A CILIUM_POST_nat -s ${node.podCIDR.text} -m set --match-set cilium_node_set_v4 dst -m comment --comment "exclude traffic to cluster nodes from masquerade" -j ACCEPT`,
              state: 'tested' as const,
              outcome: `no match: ${t.dst} is a pod, not a node address`,
              chain: 'CILIUM_POST_nat',
            },
            {
              text: `-A CILIUM_POST_nat -s ${node.podCIDR.text} ! -d ${exclusion.text} ! -o cilium_+ -m comment --comment "cilium masquerade non-cluster" -j MASQUERADE`,
              state: 'tested' as const,
              outcome: `no match: ${t.dst} is inside ${exclusion.text}`,
              chain: 'CILIUM_POST_nat',
            },
          ],
        }),
    headers: [l4Header(t)],
    cost: { rules: ctx.config.bpfMasquerade ? 0 : 2 },
    explanation: ctx.config.bpfMasquerade
      ? `With bpf.masquerade=true Cilium installs no iptables masquerade rule; cil_to_netdev on eth0 masquerades in BPF, and only traffic leaving ipv4-native-routing-cidr (PacketWalk takes ${exclusion.text}). ${t.dst} is inside it, so the pod address stays.`
      : `nat POSTROUTING jumps to CILIUM_POST_nat. In native routing its first rule lets traffic to other nodes' addresses (the cilium_node_set_v4 ipset) leave unmasqueraded; the second is the masquerade rule, which excludes destinations inside ipv4-native-routing-cidr (PacketWalk takes ${exclusion.text}, the smallest prefix covering every node's pod CIDR). ${t.dst} is inside it, so neither rule matches (the chain's later rules are for proxy return, loopback and hairpin traffic) and the packet keeps the pod's address.`,
  });
}

/** Legacy host routing, receiving: the kernel routes the packet to the pod. */
function legacyNetfilterIn(ctx: Ctx, t: FiveTuple, node: ClusterNode): void {
  const pod = podAt(ctx, t.dst);
  if (ctx.config.routing === 'eni') {
    const dev = pod ? lxc(pod) : 'lxc…';
    ctx.log.add({
      stage: 'routing',
      node: node.name,
      place: place.layer(node.name, 'cilium-host', 'route'),
      where: 'host stack: ip rule, then ip route → endpoint route',
      table: `ip rule / ip route (${node.name})`,
      match: `20: from all to ${t.dst} lookup main; ${t.dst} dev ${dev} scope link`,
      rows: lookupRows([
        `0: from all lookup local -> no local address`,
        `20: from all to ${t.dst} lookup main`,
        `main: ${t.dst} dev ${dev} scope link`,
      ]),
      headers: [l4Header(t)],
      explanation: `With legacy host routing the kernel routes the packet: the agent's ingress rule (priority 20, "to ${t.dst} lookup main") sends it to the main table, whose endpoint route (enable-endpoint-routes) points at ${dev}; CILIUM_FORWARD accepts it ("any->cluster on lxc+ forward accept") and it leaves through ${dev}, where the endpoint's ingress policy runs (routing.rst "AWS ENI", Ingress).`,
    });
    return;
  }
  const routes = ciliumRoutes(ctx.cluster, node, ctx.config);
  const route = lookupRoute(routes, t.dst)!;
  ctx.log.add({
    stage: 'routing',
    node: node.name,
    place: place.layer(node.name, 'cilium-host', 'route'),
    where: 'host stack: ip route → cilium_host (tc egress: cil_from_host)',
    table: `ip route (${node.name})`,
    match: route.text,
    rows: routeRows(routes, route, t.dst),
    headers: [l4Header(t)],
    explanation: `With legacy host routing the kernel routes the packet by the main table to cilium_host, through netfilter FORWARD (CILIUM_FORWARD: "any->cluster on cilium_host forward accept"); cil_from_host (bpf_host.c) on cilium_host's egress then looks the endpoint up and delivers it. ${route.why}`,
  });
}

/** AWS ENI, sending: the per-ENI ip rule and table (pkg/datapath/linux/routing/routing.go). */
function eniEgress(ctx: Ctx, t: FiveTuple, node: ClusterNode): void {
  const bpfHost = ctx.hostRouting === 'BPF';
  const table = ENI_TABLE;
  const gw = vpcRouterAddress(node);
  const vpc = vpcCidrs(ctx.cluster);
  const hit = vpc.find((c) => cidrContains(c, t.dst)) ?? vpc[vpc.length - 1]!;
  const rows = [
    {
      text: `cilium_lxc {${t.dst}} -> no entry`,
      state: 'tested' as const,
      outcome: 'not a local endpoint',
    },
    {
      text: '0: from all lookup local',
      state: 'tested' as const,
      outcome: `${t.dst} is no local address`,
    },
    {
      text: `20: from all to <each local pod IP> lookup main`,
      state: 'tested' as const,
      outcome: `${t.dst} is not a pod of ${node.name}`,
    },
    ...vpc.map((c) => ({
      text: `111: from ${t.src} to ${c.text} lookup ${table}`,
      state: c === hit ? ('matched' as const) : ('tested' as const),
      outcome:
        c === hit
          ? `table ${table}, the table of eth1 (ENI index 1)`
          : `${t.dst} is not in ${c.text}`,
    })),
    {
      text: `table ${table}: default via ${gw} dev eth1`,
      state: 'matched' as const,
      outcome: `to the VPC router ${gw}`,
    },
  ];
  ctx.log.add({
    stage: 'routing',
    node: node.name,
    place: routedAt(ctx, node),
    where: bpfHost
      ? 'cil_from_container: bpf_fib_lookup (ip rules) → bpf_redirect_neigh'
      : 'cil_from_container → host stack (Hubble: to-stack): ip rule',
    table: `cilium_lxc, ip rule, ip route show table ${table} (${node.name})`,
    match: `111: from ${t.src} to ${hit.text} lookup ${table}; default via ${gw} dev eth1`,
    rows,
    headers: [l4Header(t)],
    cost: { lookups: 1 },
    explanation: `Not a local endpoint (cilium_lxc miss). AWS ENI mode: ${t.src} is a secondary address of this node's ENI eth1, and the agent installed an ip rule for it (priority 111, one per VPC CIDR while masquerading is on) that selects eth1's own table ${table} (10 + the ENI's interface number), whose default route goes to the VPC router ${gw} out of eth1. ${
      bpfHost
        ? 'With eBPF host routing, bpf_fib_lookup asks the kernel FIB, rules included, and bpf_redirect_neigh sends the packet out of eth1 directly.'
        : `With legacy host routing (${ciliumHostRoutingReason(ctx.config)}) the kernel does this lookup for the forwarded packet.`
    } No tunnel and no BGP: the VPC itself knows where every secondary address lives.`,
  });
  if (!bpfHost) legacyNetfilterOut(ctx, t, node);
}

/** AWS ENI: the VPC routes the secondary address to the ENI that holds it. */
function eniWire(ctx: Ctx, from: ClusterNode, to: ClusterNode, headers: PacketHeader[]): void {
  const outer = headers[0]!;
  ctx.log.add({
    stage: 'wire',
    node: `VPC router ${vpcRouterAddress(from)}`,
    place: underlayPlace(ctx.cluster, from, to),
    where: `eth1 (${from.name}) → VPC router → eth1 (${to.name})`,
    table: 'VPC route table (local route)',
    match: `${outer.dst} is a secondary IP of ${to.name}'s ENI eth1 → delivered to that ENI`,
    headers,
    explanation: `The VPC fabric routes every address it assigned to the ENI that holds it (the VPC's "local" route covers all its CIDRs), so ${outer.dst} reaches ${to.name}'s eth1 without any route for pod ranges on the nodes or in BGP. The operator, not the agent, talks to the EC2 API: it creates and attaches the ENIs and assigns their secondary IPs (pkg/ipam/eni, pkg/aws/eni); the agent only allocates pod addresses from them and installs the ip rules and routes on the node.`,
  });
}

/** AWS ENI: the per-ENI route table of eth1 (RouteTableInterfacesOffset 10 + interface number 1). */
const ENI_TABLE = 11;

/**
 * The VPC's CIDRs in the ENI walk: a primary CIDR covering the node subnets and a secondary CIDR
 * covering the pod addresses (PacketWalk keeps the scenario's pod ranges and treats each node's as
 * the subnet of its pod ENI eth1).
 */
function vpcCidrs(cluster: Cluster): Cidr[] {
  const nodes = coveringCidr(
    cluster.nodes.map((n) => parseIPv4(n.internalIP) ?? 0),
    32,
  );
  const pods = nativeRoutingCidr(cluster);
  return [nodes, pods];
}

function podAt(ctx: Ctx, ip: string): Pod | undefined {
  return ctx.cluster.pods.find((p) => p.ip === ip);
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
        match: `${t.src}:${t.sport} → ${node.internalIP}:${t.sport}`,
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
    log.add({
      stage: 'egress-hook',
      node: node.name,
      place: place.layer(node.name, 'eth0', 'netfilter'),
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
    const exclusion: Cidr = ciliumIsNative(ctx.config.routing)
      ? nativeRoutingCidr(ctx.cluster)
      : node.podCIDR;
    log.add({
      stage: 'egress-hook',
      node: node.name,
      place: place.layer(node.name, 'eth0', 'netfilter'),
      where: 'nat POSTROUTING → CILIUM_POST_nat',
      table: 'CILIUM_POST_nat',
      match: `-A CILIUM_POST_nat -s ${node.podCIDR.text} ! -d ${exclusion.text} ! -o cilium_+ -m comment --comment "cilium masquerade non-cluster" -j MASQUERADE`,
      headers: [l4Header(out)],
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
    place: place.network(gatewayId(ctx.cluster, node, false)),
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
    place: place.outside(),
    where: `${t.dst} (outside the cluster)`,
    table: '',
    match: '',
    headers: [l4Header(out)],
    explanation:
      'The packet has left the cluster with the node’s address as its source; PacketWalk follows it no further.',
  });
}

function nativeRoutingCidr(cluster: Cluster): Cidr {
  return coveringCidr(
    cluster.nodes.map((n) => n.podCIDR.base),
    Math.min(32, ...cluster.nodes.map((n) => n.podCIDR.prefix)),
  );
}

/** The smallest prefix (at most `longest` bits) that covers every base address. */
function coveringCidr(bases: readonly number[], longest: number): Cidr {
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
      place: target.kind === 'node' ? place.segment(nodeSubnet(target.node).text) : place.outside(),
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
        place: place.layer(cNode.name, 'eth0', 'netfilter'),
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
      place: place.pod(cNode.name, podKey(client)),
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
    place: atLxc(sNode),
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
      place: atLxc(sNode, 'route'),
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
    place: atLxc(node),
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
      place: atLxc(node),
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
  const router = ciliumHostAddress(ctx.cluster, node, ctx.config.routing);
  ctx.log.add({
    stage: 'in-pod',
    node: node.name,
    place: place.pod(node.name, podKey(pod)),
    where: `eth0 in ${podKey(pod)} (network namespace)`,
    table: `ip route (${podKey(pod)})`,
    match: `default via ${router} dev eth0 mtu ${ctx.mtu}`,
    headers: [l4Header(t)],
    explanation: `${podKey(pod)} ${reply ? 'answers' : 'sends'} ${describeTuple(t)}. Cilium gives the pod a default route via the node's cilium_host address ${router} with the pod MTU (${ctx.mtu}), so everything leaves through the veth to the host side ${lxc(pod)}.${ctx.config.routing === 'eni' ? ` AWS ENI mode: ${pod.ip} is a secondary IP that the operator assigned to ${node.name}'s ENI eth1 through the EC2 API; PacketWalk keeps the scenario's pod addresses and treats ${node.podCIDR.text} as the VPC subnet of that ENI (the router IP is an ENI address too).` : ''}`,
  });
}

function serviceLookup(ctx: Ctx, t: FiveTuple, how: 'socket' | 'tc'): FiveTuple | null {
  const { p, log } = ctx;
  const hit = p.service!;
  const node = p.clientNode;
  const id = serviceId(ctx.cluster, hit.service, hit.port);
  // Connect-time (socket) load balancing happens in the pod's own connect() call.
  const at = how === 'socket' ? place.pod(node.name, podKey(p.client), 'socket') : atLxc(node);
  const where =
    how === 'socket'
      ? `${podKey(p.client)} socket: ${t.protocol === 'UDP' ? 'sendmsg()/connect()' : 'connect()'} → cgroup hook ${t.protocol === 'UDP' ? 'cil_sock4_sendmsg / cil_sock4_connect' : 'cil_sock4_connect'}`
      : `${lxc(p.client)} tc ingress: cil_from_container (per-packet service lookup)`;
  const key0 = `{${t.dst}:${t.dport}/${t.protocol}, slot 0}`;
  if (hit.chosen < 0) {
    log.drop(
      {
        node: node.name,
        place: at,
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
    place: at,
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
  const lookups = side.lookups.filter(
    (l) => !(fromTunnel && l.kind === 'lookup' && l.table === 'ipcache'),
  );
  const identityNote = side.ipcache ? lookupText(side.ipcache) : '';
  const egress = side.direction === 'egress';
  ctx.log.add({
    stage: egress ? 'egress-policy' : 'ingress-policy',
    node: node.name,
    place: atLxc(node),
    where: egress
      ? `${lxc(pod)}: cil_from_container → policy lookup (egress of endpoint ${side.endpoint.id})`
      : endpointRoutes(ctx)
        ? `${lxc(pod)} tc egress: cil_to_container (ingress of endpoint ${side.endpoint.id})`
        : `tail call cilium_call_policy[${side.endpoint.id}] → cil_lxc_policy (ingress of endpoint ${side.endpoint.id})`,
    table: `${fromTunnel ? '' : 'cilium_ipcache_v2, '}${side.endpoint.mapName}`,
    match: lookupText(side.deciding),
    rows: lookupRows(
      lookups.map((l) => lookupText(l)),
      lookups.lastIndexOf(side.deciding),
    ),
    headers: [l4Header(t)],
    cost: { lookups: lookups.length },
    explanation: `${egress ? `The sender's egress policy is judged in cil_from_container on ${node.name}` : endpointRoutes(ctx) ? `The receiver's ingress policy runs in cil_to_container on ${lxc(pod)}'s tc egress: with endpoint routes and no BPF host routing the packet reaches the veth through the kernel, and the policy is enforced there (bpf/lib/local_delivery.h)` : `The receiver's ingress policy runs in ${podKey(pod)}'s own policy program, reached by a tail call through cilium_call_policy`}. The map is ${side.endpoint.mapName} in Cilium 1.18 (cilium_policy_v3_<EPID> from 1.20). ${fromTunnel ? `The remote identity came with the tunnel key (VNI), so no ipcache lookup is needed. ` : identityNote ? `The ipcache gives the ${egress ? 'destination' : 'source'}'s identity (${identityNote}). ` : ''}The policy map is keyed by {remote identity, direction, protocol, port}, not by addresses: one lookup with the exact identity, then (unless a deny decided) one with identity 0 (ANY) for L4-only rules. ${side.reason} ${lookups.length} map lookups, however many policies exist: that is the eBPF model's cost.`,
  });
}

function policyDrop(
  ctx: Ctx,
  node: ClusterNode,
  t: FiveTuple,
  side: CiliumSide,
  policy: CiliumPolicyView | null,
): void {
  const drop: DropEvent = policy?.drop ?? { kind: 'drop', reason: 'Policy denied', code: 133 };
  const hookWhere =
    side.direction === 'egress'
      ? `${lxc(podOf(ctx, side.endpoint.pod))}: cil_from_container`
      : `cil_lxc_policy of endpoint ${side.endpoint.id}`;
  ctx.log.drop(
    {
      node: node.name,
      place: atLxc(node),
      where: hookWhere,
      table: side.endpoint.mapName,
      match: `Hubble: DROPPED (${drop.reason}), ${side.direction === 'egress' ? 'egress' : 'ingress'}`,
      headers: [l4Header(t)],
      explanation: `The program returns DROP_POLICY${drop.code === 181 ? '_DENY' : ''}; the drop is counted in cilium_metrics and reported on the cilium_events ring, where Hubble shows it as verdict DROPPED with drop reason "${drop.reason}" (code ${drop.code}). The sender sees a timeout.`,
    },
    `${formatDrop(drop)} in ${side.endpoint.mapName} (${side.direction} of ${side.endpoint.pod})`,
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
  const at = place.layer(node.name, 'proxy', 'proxy');
  if (!http) {
    ctx.log.add({
      stage,
      node: node.name,
      place: at,
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
    place: at,
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
        place: at,
        where,
        table: `HTTP rules for endpoint ${side.endpoint.id}`,
        match: 'HTTP/1.1 403 Forbidden (body "Access denied")',
        headers: [l4Header(reverseTuple(t))],
        explanation: `Envoy answers the request itself and never forwards it: status line HTTP/1.1 403 Forbidden (server: envoy), and the body "Access denied" (content-length: 15). The TCP connection succeeded, the request did not. Hubble shows an L7 flow with verdict DROPPED for ${http.method} ${http.path}.`,
      },
      `HTTP/1.1 403 Forbidden from Envoy (${listener}, proxy port ${side.proxyPort}), body "Access denied": ${http.method} ${http.path} matches no HTTP rule`,
    );
    return false;
  }
  return true;
}

function podOf(ctx: Ctx, key: string): Pod {
  return ctx.cluster.pods.find((p) => podKey(p) === key)!;
}

/** AWS ENI runs with enable-endpoint-routes; without BPF host routing cil_to_container enforces. */
const endpointRoutes = (ctx: Ctx): boolean =>
  ctx.config.routing === 'eni' && ctx.hostRouting === 'legacy';

function deliver(ctx: Ctx, node: ClusterNode, pod: Pod, t: FiveTuple): void {
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
