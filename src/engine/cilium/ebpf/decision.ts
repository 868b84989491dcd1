/** A probe judged end to end by the eBPF model: both endpoints' lookups, drops, and Envoy. */
import type { Direction, HttpRequest, ModelDecision, ResolvedProbe } from '../../model';
import { selfProbeReason, specCase, specCaseDecision } from '../../probe';
import type { ProxyEvent, TraceEvent } from '../../trace';
import { ACCESS_DENIED_BODY, ACCESS_DENIED_STATUS, formatRequest, httpRulesAllow } from '../http';
import { type DirectionOutcome, judge } from './lookup';
import { type CiliumDataplane, LISTENERS, PROTO_NUMBER, type ProxyPolicyRule } from './types';

/** The PortNetworkPolicy rules Envoy holds for this endpoint, direction, port and remote. */
export const proxyRulesFor = (
  dp: CiliumDataplane,
  endpointId: number,
  direction: Direction,
  remote: number,
  probe: ResolvedProbe,
): ProxyPolicyRule[] =>
  (dp.proxyPolicies.get(endpointId) ?? []).filter(
    (r) =>
      r.direction === direction &&
      probe.protocol !== 'ICMP' &&
      (r.proto === 0 || r.proto === PROTO_NUMBER[probe.protocol]) &&
      probe.port >= r.fromPort &&
      probe.port <= r.toPort &&
      (r.anyRemote || r.remotes.includes(remote)),
  );

/** Whether Envoy lets the request through: a rule without HTTP rules, or an HTTP rule matching. */
export const proxyAllows = (rules: readonly ProxyPolicyRule[], req: HttpRequest): boolean =>
  rules.some((r) => r.http === null) ||
  httpRulesAllow(
    rules.flatMap((r) => r.http ?? []),
    req,
  ).allowed;

/** What Envoy does with a redirected request (the PortNetworkPolicy rules of proxyPolicies). */
function proxyJudges(
  dp: CiliumDataplane,
  outcome: DirectionOutcome,
  probe: ResolvedProbe,
): { allowed: boolean; reason: string; notes: string[]; trace: ProxyEvent } {
  const rules = proxyRulesFor(dp, outcome.endpoint.id, outcome.direction, outcome.remote, probe);
  const listener = outcome.direction === 'ingress' ? LISTENERS.ingress : LISTENERS.egress;
  const req = probe.http!;
  const event = {
    kind: 'proxy',
    listener,
    port: outcome.entry?.proxyPort ?? 0,
    direction: outcome.direction,
    request: formatRequest(req),
  } as const;
  const open = rules.find((r) => r.http === null);
  if (open) {
    return {
      allowed: true,
      reason: `${listener} allows ${formatRequest(req)}: ${open.origin} allows identity ${outcome.remote} on this port without HTTP rules.`,
      notes: [],
      trace: { ...event, result: 'allowed', openRule: open.origin },
    };
  }
  const http = rules.flatMap((r) => r.http ?? []);
  const result = httpRulesAllow(http, req);
  if (result.allowed) {
    return {
      allowed: true,
      reason: `${listener} allows ${formatRequest(req)}.`,
      notes: [],
      trace: { ...event, result: 'allowed' },
    };
  }
  return {
    allowed: false,
    reason: `${listener} refuses ${formatRequest(req)} with HTTP ${ACCESS_DENIED_STATUS} "${ACCESS_DENIED_BODY}" (${result.mismatches[0] ?? 'no HTTP rule'}); the TCP connection itself was allowed by ${outcome.endpoint.mapName}.`,
    notes: [...result.notes],
    trace: {
      ...event,
      result: 'denied',
      status: ACCESS_DENIED_STATUS,
      body: ACCESS_DENIED_BODY,
    },
  };
}

export function ciliumModelDecision(dp: CiliumDataplane, probe: ResolvedProbe): ModelDecision {
  const shortcut = specCase(probe);
  if (shortcut) {
    return {
      ...specCaseDecision(
        shortcut,
        selfProbeReason('Cilium program'),
        'Real Cilium looks this up in the pod’s policy map with identity 1 (host) on egress; PacketWalk shows the spec’s verdict.',
      ),
      decidedAt: shortcut.kind === 'self' ? 'no hook' : 'spec: pod to its own node',
      cost: 0,
      trace: [],
    };
  }
  const trace: TraceEvent[] = [];
  const cost = { n: 0 };
  const outcomes: DirectionOutcome[] = [];
  for (const direction of ['egress', 'ingress'] as const) {
    const o = judge(dp, probe, direction, trace, cost);
    if (!o) continue;
    outcomes.push(o);
    if (!o.allowed) break; // the packet is dropped here and never reaches the other hook
  }
  const dirs = Object.fromEntries(
    outcomes.map((o) => {
      const origin = /^(.*) ((?:spec|specs\[\d+\])\.\S+)$/.exec(o.entry?.derivedFrom[0] ?? '');
      return [
        o.direction,
        {
          direction: o.direction,
          endpoint: o.endpoint.pod,
          allowed: o.allowed,
          reason: o.reason,
          ...(origin ? { policy: origin[1]!, rule: origin[2]! } : {}),
        },
      ];
    }),
  );
  if (outcomes.length === 0) {
    return {
      allowed: true,
      reason: 'Neither end of the connection is a Cilium endpoint, so no policy map is consulted.',
      notes: [],
      decidedAt: 'no endpoint',
      cost: cost.n,
      trace,
    };
  }
  const denied = outcomes.find((o) => !o.allowed);
  if (denied) {
    if (denied.drop) trace.push({ kind: 'drop', ...denied.drop });
    return {
      ...dirs,
      allowed: false,
      reason: denied.reason,
      notes: [],
      decidedAt: denied.decidedAt,
      cost: cost.n,
      trace,
    };
  }
  const last = outcomes[outcomes.length - 1]!;
  const redirected = outcomes.filter((o) => (o.entry?.proxyPort ?? 0) > 0);
  if (redirected.length === 0) {
    return {
      ...dirs,
      allowed: true,
      reason: outcomes.map((o) => o.reason).join(' '),
      notes: [],
      decidedAt: last.decidedAt,
      cost: cost.n,
      trace,
    };
  }
  if (!probe.http) {
    return {
      ...dirs,
      allowed: true,
      reason: `${outcomes.map((o) => o.reason).join(' ')} The connection is redirected to Envoy, which judges each HTTP request.`,
      l7: {
        redirected: true,
        reason: `Redirected to proxy port ${redirected.map((o) => o.entry!.proxyPort).join(' and ')}.`,
      },
      notes: [],
      decidedAt: redirected[redirected.length - 1]!.decidedAt,
      cost: cost.n,
      trace,
    };
  }
  for (const o of redirected) {
    const verdict = proxyJudges(dp, o, probe);
    trace.push(verdict.trace);
    if (!verdict.allowed) {
      return {
        ...dirs,
        allowed: false,
        reason: verdict.reason,
        l7: {
          redirected: true,
          allowed: false,
          status: ACCESS_DENIED_STATUS,
          reason: verdict.reason,
        },
        notes: verdict.notes,
        decidedAt: `${o.direction === 'ingress' ? LISTENERS.ingress : LISTENERS.egress} proxy port ${o.entry!.proxyPort}: ${formatRequest(probe.http)} -> 403`,
        cost: cost.n,
        trace,
      };
    }
  }
  const o = redirected[redirected.length - 1]!;
  return {
    ...dirs,
    allowed: true,
    reason: `${outcomes.map((x) => x.reason).join(' ')} Envoy allows ${formatRequest(probe.http)}.`,
    l7: { redirected: true, allowed: true, reason: `Envoy allows ${formatRequest(probe.http)}.` },
    notes: [],
    decidedAt: `${o.direction === 'ingress' ? LISTENERS.ingress : LISTENERS.egress} proxy port ${o.entry!.proxyPort}: ${formatRequest(probe.http)} -> allowed`,
    cost: cost.n,
    trace,
  };
}
