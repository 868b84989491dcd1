/**
 * The iptables dataplane's filter hops: Felix's endpoint chains judging a new packet, the drop,
 * and the conntrack rule that accepts a reply.
 *
 * Sources: felix/rules/static.go and endpoints.go (chain walk, conntrack rules first in each
 * endpoint chain).
 */
import type { ClusterNode } from '../engine/model';
import type { RuleRef } from '../engine/calico/walk';
import { runFilter, describeOutcome, dropWords, filterRows, type FilterPart } from './calicoFilter';
import type { FiveTuple } from './flow';
import { l4Header } from './hops';
import { type Ctx, atNetfilter } from './calicoCtx';

/** `at` is the rule that ended the whole pass: it decides this part when no endpoint rule did. */
export function policyHop(
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

export function dropPolicy(
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

export function replyFilterHop(
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
