/**
 * Cilium's Service lookup: socket-LB at connect() with kube-proxy replacement, per packet in
 * cil_from_container otherwise (cilium/cilium#10651).
 */
import { podKey } from '../engine/cluster';
import type { FiveTuple } from './flow';
import { l4Header, lookupRows } from './hops';
import { backendId, balance } from './services';
import { place } from './place';
import { type Ctx, lxc, atLxc } from './ciliumCtx';

export function serviceLookup(ctx: Ctx, t: FiveTuple, how: 'socket' | 'tc'): FiveTuple | null {
  const { p, log } = ctx;
  const hit = p.service!;
  const node = p.clientNode;
  const { id, to } = balance(ctx.cluster, hit, t);
  // Connect-time (socket) load balancing happens in the pod's own connect() call.
  const at = how === 'socket' ? place.pod(node.name, podKey(p.client), 'socket') : atLxc(node);
  const where =
    how === 'socket'
      ? `${podKey(p.client)} socket: ${t.protocol === 'UDP' ? 'sendmsg()/connect()' : 'connect()'} → cgroup hook ${t.protocol === 'UDP' ? 'cil_sock4_sendmsg / cil_sock4_connect' : 'cil_sock4_connect'}`
      : `${lxc(p.client)} tc ingress: cil_from_container (per-packet service lookup)`;
  const key0 = `{${t.dst}:${t.dport}/${t.protocol}, slot 0}`;
  if (!to) {
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
  const { backend, after } = to;
  const bid = backendId(ctx.cluster, backend, hit.port.protocol);
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
