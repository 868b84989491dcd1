/**
 * What the replies of both CNIs share: the connection the forward walk opened (after the Service's
 * DNAT) and its reply, and the first hops of a reply that a host (a node's own stack, or an address
 * outside the cluster) sends back to the client pod.
 */
import type { ClusterNode, Pod } from '../engine/model';
import { reverseTuple, type FiveTuple } from './flow';
import { describeTuple, l4Header, type HopLog } from './hops';
import type { ResolvedPacket, Target } from './packet';
import { place } from './place';
import { nodeSubnet } from './topology';
import { OUTSIDE } from './wire';

export interface Connection {
  /** The request as the server received it: to the backend once a Service's DNAT is done. */
  readonly forward: FiveTuple;
  /** Server back to client. */
  readonly reply: FiveTuple;
}

export function connectionOf(p: ResolvedPacket): Connection {
  const forward: FiveTuple = { ...p.flow, dst: p.dstIP, dport: p.dport };
  return { forward, reply: reverseTuple(forward) };
}

/** What both CNIs' replies start from: the client pod, its node, the target that answers, the connection. */
export interface ReplyEnds {
  readonly client: Pod;
  readonly cNode: ClusterNode;
  readonly target: Target;
  readonly connection: Connection;
}

export function replyEnds(p: ResolvedPacket): ReplyEnds {
  if (!p.target)
    throw new Error(
      `reply of ${describeTuple(p.flow)}: the request reached no target (a Service without endpoints), so nothing replies`,
    );
  return { client: p.client, cNode: p.clientNode, target: p.target, connection: connectionOf(p) };
}

/**
 * A host's answer on the wire to the client's node: a node sends it from its own address, an
 * outside host to the node's address, because the request left masqueraded.
 */
export function hostAnswers(
  log: HopLog,
  host: Exclude<Target, { kind: 'pod' }>,
  clientNode: ClusterNode,
  t: FiveTuple,
  explanation: string,
): void {
  log.add({
    stage: 'wire',
    node: host.kind === 'node' ? host.node.name : OUTSIDE,
    place: host.kind === 'node' ? place.segment(nodeSubnet(host.node).text) : place.outside(),
    where: `${t.src} → eth0 (${clientNode.name})`,
    table: '',
    match: '',
    headers: [l4Header(host.kind === 'external' ? { ...t, dst: clientNode.internalIP } : t)],
    explanation,
  });
}

/** Conntrack on the client's node undoes the masquerade of the request: the reply is for the pod again. */
export function unmasquerade(
  log: HopLog,
  node: ClusterNode,
  client: Pod,
  { forward, reply }: Connection,
  explanation: string,
): void {
  log.add({
    stage: 'ingress-hook',
    node: node.name,
    place: place.layer(node.name, 'eth0', 'netfilter'),
    where: 'eth0: netfilter PREROUTING (conntrack)',
    table: 'conntrack',
    match: `reply of ${describeTuple(forward)} [MASQUERADE]: destination ${node.internalIP} → ${client.ip}`,
    headers: [l4Header(reply)],
    explanation,
  });
}
