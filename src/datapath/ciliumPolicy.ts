/**
 * Cilium policy for a walk, by the engine's compiled eBPF model (engine/cilium/ebpf.ts): the model's
 * decision, cut into the lookups made at the sender (egress, in cil_from_container) and at the
 * receiver (ingress, in the policy tail call), and what Envoy said if the port redirects.
 */
import { resolveProbe } from '../engine/probe';
import {
  ciliumModelDecision,
  type CiliumDataplane,
  type CiliumEndpoint,
} from '../engine/cilium/ebpf';
import type { Cluster, Direction, ModelDecision, Probe } from '../engine/model';

export interface CiliumSide {
  readonly direction: Direction;
  readonly endpoint: CiliumEndpoint;
  /** The lookups made, as the model traced them (ipcache first, then the policy map). */
  readonly lookups: readonly string[];
  readonly ipcacheLine?: string;
  readonly mapLines: readonly string[];
  /** The policy map line that decided. */
  readonly decidingLine: string;
  readonly allowed: boolean;
  readonly reason: string;
  /** Proxy port when the deciding entry redirects to Envoy. */
  readonly proxyPort?: number;
}

export interface CiliumPolicyView {
  readonly decision: ModelDecision;
  readonly egress?: CiliumSide;
  readonly ingress?: CiliumSide;
  /** The drop reason as Hubble prints it, with its code, when L3/L4 policy dropped. */
  readonly dropReason?: string;
  /** Envoy's line for an HTTP request, when one was judged. */
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
  const groups: { ipcache?: string; maps: string[] }[] = [];
  let dropReason: string | undefined;
  let proxyLine: string | undefined;
  for (const line of decision.trace) {
    if (line.startsWith('cilium_ipcache_v2')) groups.push({ ipcache: line, maps: [] });
    else if (line.startsWith('cilium_policy_v2_')) {
      if (groups.length === 0) groups.push({ maps: [] });
      groups[groups.length - 1]!.maps.push(line);
    } else if (line.startsWith('drop: ')) dropReason = line.slice('drop: '.length);
    else if (line.startsWith('cilium-http-')) proxyLine = line;
  }
  const sides: Partial<Record<Direction, CiliumSide>> = {};
  for (const g of groups) {
    const first = g.maps[0];
    if (!first) continue;
    const direction: Direction = first.includes(', egress, ') ? 'egress' : 'ingress';
    const mapName = first.split(' ')[0]!;
    const endpoint = [...dp.endpoints].find((e) => e.mapName === mapName);
    if (!endpoint) continue;
    const verdict = direction === 'egress' ? decision.egress : decision.ingress;
    const deciding =
      g.maps.find((l) => / -> deny/.test(l)) ??
      [...g.maps].reverse().find((l) => !l.endsWith('-> no entry')) ??
      g.maps[g.maps.length - 1]!;
    const proxy = /redirect to proxy port (\d+)/.exec(deciding);
    sides[direction] = {
      direction,
      endpoint,
      lookups: [...(g.ipcache ? [g.ipcache] : []), ...g.maps],
      ...(g.ipcache ? { ipcacheLine: g.ipcache } : {}),
      mapLines: g.maps,
      decidingLine: deciding,
      allowed: verdict?.allowed ?? true,
      reason: verdict?.reason ?? '',
      ...(proxy ? { proxyPort: Number(proxy[1]) } : {}),
    };
  }
  return {
    decision,
    ...(sides.egress ? { egress: sides.egress } : {}),
    ...(sides.ingress ? { ingress: sides.ingress } : {}),
    ...(dropReason ? { dropReason } : {}),
    ...(proxyLine ? { proxyLine } : {}),
  };
}

/** `cilium_policy_v2_00123 lookup {…} -> allow` without the map name and the word lookup. */
export const lookupText = (line: string): string => line.replace(/^(\S+) lookup /, '$1 ');
