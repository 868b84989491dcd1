/**
 * The reply of a Cilium walk's connection: conntrack's CT_REPLY skips policy, and the Service's
 * reverse NAT (cilium_lb4_reverse_nat) applies unless socket-LB connected the socket to the backend.
 */
import { podKey } from '../engine/cluster';
import type { ClusterNode, Pod } from '../engine/model';
import type { FiveTuple } from './flow';
import { describeTuple, l4Header } from './hops';
import { serviceId } from './services';
import { place } from './place';
import { hostAnswers, replyEnds, unmasquerade } from './reply';
import { type Ctx, lxc, ctMap, atLxc, endpointOf, podSends, deliver } from './ciliumCtx';
import { sendAcross } from './ciliumAcross';

export function walkReply(ctx: Ctx): void {
  const { p, log } = ctx;
  const { client, cNode, target, connection } = replyEnds(p);
  const { forward, reply: t } = connection;
  const socketLb = ctx.config.kubeProxyReplacement && p.service !== undefined;

  if (target.kind !== 'pod') {
    hostAnswers(
      log,
      target,
      cNode,
      t,
      target.kind === 'external'
        ? `The outside host answers the node's address, because the request left masqueraded.`
        : `${target.node.name} answers the pod.`,
    );
    if (target.kind === 'external')
      unmasquerade(
        log,
        cNode,
        client,
        connection,
        'Conntrack undoes the masquerade and the packet is routed towards the pod via cilium_host.',
      );
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
