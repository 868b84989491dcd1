/**
 * Between Calico nodes: WireGuard (wireguard.cali), IPIP (tunl0) or VXLAN (vxlan.calico) on the way
 * out, and the arrival on the other node (cali-INPUT's tunnel rules in iptables mode).
 *
 * Sources: felix/rules/static.go filterInputChain ("Allow IPIP packets from Calico hosts", "Allow
 * IPv4 VXLAN packets from allowed hosts"); datapath-facts.md §1 (encapsulation).
 */
import type { ClusterNode } from '../engine/model';
import { ENCAPS, outerHeader, type EncapKind } from './encap';
import { flowHash, portFromHash, type FiveTuple } from './flow';
import type { PacketHeader } from './hop';
import { l4Header } from './hops';
import { calicoPodMtuFor, type Route } from './routes';
import { calicoBlocks, calicoTunnelAddress } from './topology';
import { place } from './place';
import { type Ctx, CT_MAP_VERSION_NOTE } from './calicoCtx';
import { ebpfTunnelArrival } from './calicoBpfHops';

interface Encapsulated {
  readonly kind: EncapKind | null;
  readonly headers: readonly PacketHeader[];
}

export function encapsulate(
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

export function arrive(
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
