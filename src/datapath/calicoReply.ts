/**
 * The reply of a Calico walk's connection: server back to client, accepted on conntrack state, with
 * the Service's reverse NAT (kube-proxy's conntrack, calico_tc_main's NAT) or none (connect-time LB).
 */
import { podKey } from '../engine/cluster';
import { ENCAPS } from './encap';
import type { FiveTuple } from './flow';
import { describeTuple, l4Header } from './hops';
import { calicoRoutes, lookupRoute } from './routes';
import { place } from './place';
import { crossUnderlay } from './wire';
import { hostAnswers, replyEnds, unmasquerade } from './reply';
import {
  type Ctx,
  veth,
  atTc,
  atNetfilter,
  fabric,
  CT_MAP_VERSION_NOTE,
  ctlbApplies,
  podSends,
  routeHop,
  deliverToPod,
  hairpin,
} from './calicoCtx';
import { replyFilterHop } from './calicoIptablesHops';
import { ebpfReplyIn } from './calicoBpfHops';
import { encapsulate, arrive } from './calicoEncap';

export function walkReply(ctx: Ctx): void {
  const { p, log } = ctx;
  // The reply of the connection the forward walk opened: server back to client, after DNAT.
  const { client, cNode, target, connection } = replyEnds(p);
  const { forward } = connection;
  let t = connection.reply;
  const cVeth = veth(ctx, client);

  if (target.kind === 'external') {
    hostAnswers(
      log,
      target,
      cNode,
      t,
      `The outside host answers the node's address ${cNode.internalIP}, because the request left masqueraded.`,
    );
    unmasquerade(
      log,
      cNode,
      client,
      connection,
      `Conntrack recognises the reply of the masqueraded connection and rewrites the destination back to the pod before routing.`,
    );
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
