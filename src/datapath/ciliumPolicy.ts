/**
 * Cilium policy for a walk, by the engine's compiled eBPF model (engine/cilium/ebpf.ts): the model's
 * decision, its typed trace (engine/trace.ts) cut into the lookups made at the sender (egress, in
 * cil_from_container) and at the receiver (ingress, in the policy tail call), and what Envoy said if
 * the port redirects.
 */
import { resolveProbe } from '../engine/probe';
import {
  ciliumModelDecision,
  type CiliumDataplane,
  type CiliumEndpoint,
} from '../engine/cilium/ebpf';
import type { Cluster, Direction, ModelDecision, Probe } from '../engine/model';
import {
  formatDrop,
  formatTraceEvent,
  isIpcacheLookup,
  type DropEvent,
  type FragNeededEvent,
  type IpcacheLookupEvent,
  type PolicyLookupEvent,
  type ProxyEvent,
} from '../engine/trace';

/** A policy map lookup, or the frag-needed pass that stands in for one. */
export type PolicyStep = PolicyLookupEvent | FragNeededEvent;

export interface CiliumSide {
  readonly direction: Direction;
  readonly endpoint: CiliumEndpoint;
  /** The lookups made, as the model traced them (ipcache first, then the policy map). */
  readonly lookups: readonly (IpcacheLookupEvent | PolicyStep)[];
  readonly ipcache?: IpcacheLookupEvent;
  readonly mapLookups: readonly PolicyStep[];
  /** The policy map lookup that decided. */
  readonly deciding: PolicyStep;
  readonly allowed: boolean;
  readonly reason: string;
  /** Proxy port when the deciding entry redirects to Envoy. */
  readonly proxyPort?: number;
}

export interface CiliumPolicyView {
  readonly decision: ModelDecision;
  readonly egress?: CiliumSide;
  readonly ingress?: CiliumSide;
  /** The drop, when L3/L4 policy dropped. */
  readonly drop?: DropEvent;
  /** The drop reason as Hubble prints it, with its code (`Policy denied (133)`). */
  readonly dropReason?: string;
  /** What Envoy did with an HTTP request, when one was judged. */
  readonly proxy?: ProxyEvent;
  /** Envoy's line for that request. */
  readonly proxyLine?: string;
}

export function ciliumPolicy(
  cluster: Cluster,
  dp: CiliumDataplane,
  probe: Probe,
): CiliumPolicyView | null {
  const r = resolveProbe(cluster, probe);
  if (!r.ok) return null;
  const decision = ciliumModelDecision(dp, r.probe);
  const groups: Partial<Record<Direction, { ipcache?: IpcacheLookupEvent; maps: PolicyStep[] }>> =
    {};
  const group = (d: Direction) => (groups[d] ??= { maps: [] });
  let drop: DropEvent | undefined;
  let proxy: ProxyEvent | undefined;
  for (const e of decision.trace) {
    if (e.kind === 'lookup' && isIpcacheLookup(e)) group(e.direction).ipcache = e;
    else if (e.kind === 'lookup') group(e.key.direction).maps.push(e);
    else if (e.kind === 'frag-needed') group(e.direction).maps.push(e);
    else if (e.kind === 'drop') drop = e;
    else if (e.kind === 'proxy') proxy = e;
  }
  const sides: Partial<Record<Direction, CiliumSide>> = {};
  for (const direction of ['egress', 'ingress'] as const) {
    const g = groups[direction];
    const first = g?.maps[0];
    if (!g || !first) continue;
    const endpoint = dp.endpoints.find((e) => e.id === first.endpoint);
    if (!endpoint) continue;
    const verdict = direction === 'egress' ? decision.egress : decision.ingress;
    const hit = (e: PolicyStep): e is PolicyLookupEvent =>
      e.kind === 'lookup' && e.result === 'hit';
    const deciding =
      g.maps.find((e) => hit(e) && e.value?.deny) ??
      [...g.maps].reverse().find((e) => e.kind !== 'lookup' || hit(e)) ??
      g.maps[g.maps.length - 1]!;
    const proxyPort =
      deciding.kind === 'lookup' && deciding.value && !deciding.value.deny
        ? deciding.value.proxyPort
        : 0;
    sides[direction] = {
      direction,
      endpoint,
      lookups: [...(g.ipcache ? [g.ipcache] : []), ...g.maps],
      ...(g.ipcache ? { ipcache: g.ipcache } : {}),
      mapLookups: g.maps,
      deciding,
      allowed: verdict?.allowed ?? true,
      reason: verdict?.reason ?? '',
      ...(proxyPort ? { proxyPort } : {}),
    };
  }
  return {
    decision,
    ...(sides.egress ? { egress: sides.egress } : {}),
    ...(sides.ingress ? { ingress: sides.ingress } : {}),
    ...(drop ? { drop, dropReason: formatDrop(drop) } : {}),
    ...(proxy ? { proxy, proxyLine: formatTraceEvent(proxy) } : {}),
  };
}

/** A lookup as the inspector shows it: `cilium_policy_v2_00123 {…} -> allow` (no word lookup). */
export const lookupText = (e: IpcacheLookupEvent | PolicyStep): string =>
  formatTraceEvent(e, { verb: false });
