/**
 * Between Cilium nodes: the route or tunnel lookup, encapsulation (cilium_vxlan / cilium_geneve),
 * IPsec and WireGuard, the wire (or the VPC in AWS ENI mode), the arrival, and the netfilter hops
 * of legacy host routing.
 *
 * Sources: bpf/lib/encrypt.h, bpf_host.c, pkg/datapath/linux/ipsec.go, bpf/lib/wireguard.h,
 * pkg/mtu/mtu.go, pkg/datapath/iptables/iptables.go (CILIUM_FORWARD, CILIUM_POST_nat),
 * pkg/datapath/linux/routing/routing.go (per-ENI ip rules and tables), pkg/ipam/eni, pkg/aws/eni.
 */
import { cidrContains, parseIPv4, type Cidr } from '../engine/cidr';
import type { Cluster, ClusterNode } from '../engine/model';
import { ciliumHostRoutingReason, ciliumIsNative } from './config';
import { ENCAPS, outerHeader, type EncapKind } from './encap';
import { flowHash, portFromHash, type FiveTuple } from './flow';
import type { PacketHeader } from './hop';
import { l4Header, lookupRows, routeRows, type HopInput } from './hops';
import { ciliumRoutes, lookupRoute } from './routes';
import { ciliumHostAddress, subnetGateway, vpcRouterAddress } from './topology';
import { place } from './place';
import { crossUnderlay, gatewayId, underlayPlace } from './wire';
import {
  type Ctx,
  lxc,
  atLxc,
  routedAt,
  podAt,
  nativeRoutingCidr,
  coveringCidr,
  postNatHop,
} from './ciliumCtx';

/** Cross-node: encryption, encapsulation, the wire, and the arrival on the other node. */
export function sendAcross(ctx: Ctx, t: FiveTuple, from: ClusterNode, to: ClusterNode): boolean {
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
  // Each decapsulation on the receiving node takes the outermost header off the stack.
  const decapsulate = (hop: Omit<HopInput, 'stage' | 'node' | 'headers'>): void => {
    stack = stack.slice(1);
    log.add({ stage: 'ingress-hook', node: to.name, ...hop, headers: stack });
  };
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
    decapsulate({
      place: place.layer(to.name, 'wireguard', 'device'),
      where: native
        ? 'cilium_wg0 (decryption) → tc ingress: cil_from_wireguard'
        : 'cilium_wg0 (decryption) → host stack (UDP 8472)',
      table: native && bpfHost ? 'cilium_ipcache_v2' : 'wg show cilium_wg0 (peers)',
      match:
        native && bpfHost
          ? `peer ${from.name} (${from.internalIP}:51871); ${t.src} → identity ${srcId}`
          : `peer ${from.name}: endpoint ${from.internalIP}:51871`,
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
    decapsulate({
      place: place.layer(to.name, 'xfrm', 'device'),
      where: 'xfrm (kernel IPsec decryption)',
      table: 'ip xfrm state',
      match: `ESP ${esp.src} → ${esp.dst}, SPI 3`,
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
    decapsulate({
      place: place.layer(to.name, 'tunnel', 'tc'),
      where: `${ENCAPS[kind].device} tc ingress: cil_from_overlay`,
      table: 'tunnel key (bpf_skb_get_tunnel_key)',
      match: `VNI ${srcId} → source identity ${srcId}`,
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
  postNatHop(ctx, node, t, {
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
