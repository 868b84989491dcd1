/**
 * The trip between two nodes over the underlay: the same L2 segment, routers between subnets, or a
 * leaf-spine fabric of top-of-rack switches with two spines (ECMP) in the ToR peering model.
 */
import type { Cluster, ClusterNode, Service } from '../engine/model';
import { torName } from './bgp';
import { flowHash, type FiveTuple } from './flow';
import type { PacketHeader } from './hop';
import type { HopLog } from './hops';
import { icmpVipUnanswered } from './icmp';
import { place, routerId, spineId, torId, type HopPlace } from './place';
import { nodeSubnet, racks, rackOf, sameSubnet, subnetGateway } from './topology';

export const OUTSIDE = 'outside the cluster';

/**
 * Past a node's default gateway: an ICMP packet sent to a ClusterIP goes unanswered there (the walk
 * ends in a drop); any other packet has left the cluster, as `leftWhy` says.
 */
export function pastGateway(
  log: HopLog,
  dst: string,
  header: PacketHeader,
  icmpToService: Service | undefined,
  cilium: boolean,
  leftWhy: string,
): void {
  if (icmpToService) {
    const svc = icmpToService;
    log.drop(
      {
        node: OUTSIDE,
        place: place.outside(),
        where: `${dst} (ClusterIP of ${svc.namespace}/${svc.name}, owned by no host)`,
        table: '',
        match: 'no answer',
        headers: [header],
        explanation: icmpVipUnanswered(svc, cilium),
      },
      `ICMP to ClusterIP ${dst} of ${svc.namespace}/${svc.name}: Services carry TCP, UDP and SCTP only, and nothing owns the address to answer`,
    );
    return;
  }
  log.add({
    stage: 'delivered',
    node: OUTSIDE,
    place: place.outside(),
    where: `${dst} (outside the cluster)`,
    table: '',
    match: '',
    headers: [header],
    explanation: leftWhy,
  });
}

/**
 * The element id of the gateway of `node`'s subnet, as the scene draws it: in the ToR fabric
 * (`fabric`: ToR peering with BGP on) the ToR of the rack whose switch owns that address, otherwise
 * `router <ip>`.
 */
export function gatewayId(cluster: Cluster, node: ClusterNode, fabric: boolean): string {
  const ip = subnetGateway(cluster, node);
  if (fabric) {
    // bgp.ts gives each rack's ToR the gateway of the rack's first node; the scene keys its
    // gateways by address, so the last rack with this address wins, as there.
    const rack = racks(cluster)
      .filter((r) => subnetGateway(cluster, r.nodes[0]!) === ip)
      .pop();
    if (rack) return torId(torName(rack.rack));
  }
  return routerId(ip);
}

/**
 * Where a packet between two nodes is on the drawn underlay: their segment when they share a
 * subnet, else the far subnet's router, having passed the near one (no ToR fabric).
 */
export function underlayPlace(cluster: Cluster, from: ClusterNode, to: ClusterNode): HopPlace {
  if (sameSubnet(from, to)) return place.segment(nodeSubnet(from).text);
  const a = routerId(subnetGateway(cluster, from));
  const b = routerId(subnetGateway(cluster, to));
  return a === b ? place.network(a) : place.network(b, [a]);
}

/** The tuple the fabric hashes: the outermost header's (no ports for IPIP or ESP). */
export function outerTuple(headers: readonly PacketHeader[]): FiveTuple {
  const h = headers[0]!;
  return {
    protocol: h.proto === 'TCP' || h.proto === 'SCTP' ? h.proto : 'UDP',
    src: h.src,
    sport: h.sport ?? 0,
    dst: h.dst,
    dport: h.dport ?? 0,
  };
}

const hashedFields = (h: PacketHeader): string =>
  h.sport === undefined
    ? `source, destination and IP protocol ${h.ipProtocol ?? ''} only (${h.proto} has no ports, so every flow between these two nodes hashes alike)`
    : `source, destination, protocol and ports ${h.sport} → ${h.dport}`;

/**
 * Logs the wire hop(s) from `from` to `to` and returns nothing: the caller logs the arrival.
 * `fabricRoutesPods` is true in the ToR model, where the fabric learned pod routes over BGP.
 */
export function crossUnderlay(
  log: HopLog,
  cluster: Cluster,
  from: ClusterNode,
  to: ClusterNode,
  headers: readonly PacketHeader[],
  tor: boolean,
): void {
  const outer = headers[0]!;
  if (sameSubnet(from, to)) {
    log.add({
      stage: 'wire',
      node: from.name,
      place: underlayPlace(cluster, from, to),
      where: `eth0 (${from.name}) → eth0 (${to.name})`,
      table: `ip neigh (${from.name})`,
      match: `${to.internalIP} dev eth0 lladdr <${to.name} eth0 MAC> REACHABLE`,
      headers,
      explanation: `${to.name} is on the same L2 segment (${from.internalIP} and ${to.internalIP} share a /24), so the frame goes straight to ${to.name}'s MAC address, found by ARP${tor ? `, switched by ${torName(rackOf(from))} without routing` : ''}.`,
    });
    return;
  }
  const gwFrom = subnetGateway(cluster, from);
  const gwTo = subnetGateway(cluster, to);
  if (!tor) {
    log.add({
      stage: 'wire',
      node: `router ${gwFrom}`,
      place: underlayPlace(cluster, from, to),
      where: `eth0 (${from.name}) → ${gwFrom} → ${gwTo} → eth0 (${to.name})`,
      table: `routing table of the underlay routers`,
      match: `${outer.dst} is in ${to.name}'s node subnet, which the underlay routes`,
      headers,
      explanation: `${to.name} is in another subnet, so ${from.name} sends the frame to its default gateway ${gwFrom}; the routers between the subnets know every node address (but not the pod ranges), which is all a packet addressed ${outer.src} → ${outer.dst} needs.`,
    });
    return;
  }
  const spine = (flowHash(outerTuple(headers), 'ecmp') % 2) + 1;
  const torFrom = torName(rackOf(from));
  const torTo = torName(rackOf(to));
  log.add({
    stage: 'wire',
    node: torFrom,
    place: place.network(torId(torFrom)),
    where: `${torFrom} (${gwFrom}) uplinks to spine-1 and spine-2`,
    table: `FIB of ${torFrom} (BGP, ECMP)`,
    match: `${outer.dst} via spine-1 or spine-2 (equal cost): 5-tuple hash → spine-${spine}`,
    headers,
    explanation: `${torFrom} learned ${to.name}'s ${outer.proto === 'TCP' || outer.proto === 'UDP' || outer.proto === 'SCTP' ? 'pod block' : 'address'} over BGP from both spines, so it has two equal-cost next hops (ECMP). It hashes the packet's ${hashedFields(outer)} and always sends the same flow up the same spine, here spine-${spine}, so the flow's packets stay in order.`,
  });
  log.add({
    stage: 'wire',
    node: torTo,
    place: place.network(torId(torTo), [spineId(`spine-${spine}`)]),
    where: `spine-${spine} → ${torTo} (${gwTo}) → eth0 (${to.name})`,
    table: `FIB of ${torTo}`,
    match: `${outer.dst} via ${to.internalIP} (learned over iBGP from ${to.name})`,
    headers,
    explanation: `spine-${spine} forwards to ${torTo}, which reaches ${to.name} directly on its rack subnet.`,
  });
}
