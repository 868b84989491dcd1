/**
 * Cilium's policy hops: the per-endpoint policy map lookups, the drop as Hubble reports it, and the
 * redirect to Envoy for L7 rules.
 *
 * Sources: pkg/monitor/api/drop.go (133 "Policy denied", 181 "Policy denied by denylist").
 */
import { podKey } from '../engine/cluster';
import type { ClusterNode, Pod } from '../engine/model';
import { lookupText, type CiliumPolicyView, type CiliumSide } from './ciliumPolicy';
import { formatDrop, type DropEvent } from '../engine/trace';
import { reverseTuple, type FiveTuple } from './flow';
import { l4Header, lookupRows } from './hops';
import { place } from './place';
import { type Ctx, lxc, atLxc, podOf, endpointRoutes } from './ciliumCtx';

export function policyHop(
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
      lookups,
    ),
    headers: [l4Header(t)],
    cost: { lookups: lookups.length },
    explanation: `${egress ? `The sender's egress policy is judged in cil_from_container on ${node.name}` : endpointRoutes(ctx) ? `The receiver's ingress policy runs in cil_to_container on ${lxc(pod)}'s tc egress: with endpoint routes and no BPF host routing the packet reaches the veth through the kernel, and the policy is enforced there (bpf/lib/local_delivery.h)` : `The receiver's ingress policy runs in ${podKey(pod)}'s own policy program, reached by a tail call through cilium_call_policy`}. The map is ${side.endpoint.mapName} in Cilium 1.18 (cilium_policy_v3_<EPID> from 1.20). ${fromTunnel ? `The remote identity came with the tunnel key (VNI), so no ipcache lookup is needed. ` : identityNote ? `The ipcache gives the ${egress ? 'destination' : 'source'}'s identity (${identityNote}). ` : ''}The policy map is keyed by {remote identity, direction, protocol, port}, not by addresses: one lookup with the exact identity, then (unless a deny decided) one with identity 0 (ANY) for L4-only rules. ${side.reason} ${lookups.length} map lookups, however many policies exist: that is the eBPF model's cost.`,
  });
}

export function policyDrop(
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
export function proxyHop(
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
