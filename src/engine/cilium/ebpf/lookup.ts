/** The lookups a packet makes: the ipcache, then the policy map as bpf/lib/policy.h
 * `__policy_can_access` does, each one traced as an event (engine/trace.ts). */
import { cidrContainsIP, parseIPv4 } from '../../cidr';
import { podKey } from '../../cluster';
import type { Direction, ResolvedProbe } from '../../model';
import { peerName, probeWhat } from '../../probe';
import {
  formatPolicyKey,
  type PolicyKey,
  type PolicyLookupEvent,
  type TraceEvent,
} from '../../trace';
import { FRAG_NEEDED_REASON, ICMP_PROTO, isFragNeeded, policyLookupPort } from '../icmp';
import { formatPortKey } from '../policyKey';
import { covers, type PortKey } from './portKey';
import {
  type CiliumDataplane,
  type CiliumEndpoint,
  ID_ANY,
  ID_WORLD,
  type PolicyMapEntry,
  PROTO_NUMBER,
} from './types';

const formatKey = (identity: number, direction: Direction, proto: number, port: number): string =>
  formatPolicyKey({ identity, direction, proto, port });

/** The event of one policy map lookup (the entry found, if any). */
const policyLookup = (
  endpoint: CiliumEndpoint,
  key: PolicyKey,
  entry: PolicyMapEntry | undefined,
): PolicyLookupEvent => ({
  kind: 'lookup',
  table: 'policy',
  map: endpoint.mapName,
  endpoint: endpoint.id,
  key,
  ...(entry
    ? {
        result: 'hit',
        value: {
          proto: entry.proto,
          port: entry.port,
          prefixLen: entry.prefixLen,
          deny: entry.deny,
          proxyPort: entry.proxyPort,
        },
      }
    : { result: 'miss' }),
});

export interface IpcacheHit {
  readonly identity: number;
  readonly prefix: string;
}

export function ipcacheLookup(dp: CiliumDataplane, node: string, ip: string): IpcacheHit {
  const nodeId = dp.index.nodeAddresses.get(node)?.get(ip);
  if (nodeId !== undefined) return { identity: nodeId, prefix: `${ip}/32` };
  const pod = dp.index.podAddresses.get(ip);
  if (pod) return { identity: pod.identity, prefix: pod.prefix };
  const n = parseIPv4(ip);
  if (n !== null) {
    for (const { cidr, entry } of dp.index.prefixes) {
      if (cidrContainsIP(cidr, n)) return { identity: entry.identity, prefix: entry.prefix };
    }
  }
  return { identity: ID_WORLD, prefix: '0.0.0.0/0' };
}

/** Per policy map: `${identity}/${direction}` -> entries, longest prefix first (built when an
 * explanation first asks; endpoints that share a policy share the map). */
const lpmIndexes = new WeakMap<readonly PolicyMapEntry[], Map<string, PolicyMapEntry[]>>();
function lpmIndex(
  entries: readonly PolicyMapEntry[] | undefined,
): ReadonlyMap<string, readonly PolicyMapEntry[]> | undefined {
  if (!entries) return undefined;
  let byKey = lpmIndexes.get(entries);
  if (!byKey) {
    byKey = new Map();
    for (const e of entries) {
      const k = `${e.identity}/${e.direction}`;
      const l = byKey.get(k);
      if (l) l.push(e);
      else byKey.set(k, [e]);
    }
    for (const l of byKey.values()) l.sort((a, b) => b.prefixLen - a.prefixLen);
    lpmIndexes.set(entries, byKey);
  }
  return byKey;
}

function lpmLookup(
  lpm: ReadonlyMap<string, readonly PolicyMapEntry[]> | undefined,
  identity: number,
  direction: Direction,
  proto: number,
  port: number,
): PolicyMapEntry | undefined {
  const packet: PortKey = { proto, port, prefixLen: 24 };
  return lpm
    ?.get(`${identity}/${direction}`)
    ?.find((e) => covers({ proto: e.proto, port: e.port, prefixLen: e.prefixLen }, packet));
}

export interface DirectionOutcome {
  readonly direction: Direction;
  readonly endpoint: CiliumEndpoint;
  readonly remote: number;
  readonly allowed: boolean;
  readonly entry?: PolicyMapEntry;
  readonly decidedAt: string;
  readonly reason: string;
  readonly drop?: { readonly reason: string; readonly code: number };
}

/** bpf/lib/policy.h __policy_can_access, with the ipcache lookup that precedes it. */
export function judge(
  dp: CiliumDataplane,
  probe: ResolvedProbe,
  direction: Direction,
  trace: TraceEvent[],
  cost: { n: number },
): DirectionOutcome | undefined {
  const local = direction === 'ingress' ? probe.dst : probe.src;
  if (local.kind !== 'pod') return undefined;
  const endpoint = dp.index.endpointByPod.get(podKey(local.pod));
  if (!endpoint) return undefined;
  const remoteIP = direction === 'ingress' ? probe.srcIP : probe.dstIP;
  const hit = ipcacheLookup(dp, endpoint.node, remoteIP);
  cost.n++;
  trace.push({
    kind: 'lookup',
    table: 'ipcache',
    map: 'cilium_ipcache_v2',
    node: endpoint.node,
    direction,
    key: { ip: remoteIP },
    result: 'hit',
    value: { prefix: hit.prefix, identity: hit.identity },
  });
  const map = endpoint.mapName;
  if (probe.protocol === 'ICMP' && isFragNeeded(probe.icmp)) {
    trace.push({ kind: 'frag-needed', map, endpoint: endpoint.id, direction });
    return {
      direction,
      endpoint,
      remote: hit.identity,
      allowed: true,
      decidedAt: `bpf/lib/policy.h allow_icmp_frag_needed (before ${map})`,
      reason: FRAG_NEEDED_REASON,
    };
  }
  const proto = probe.protocol === 'ICMP' ? ICMP_PROTO : PROTO_NUMBER[probe.protocol];
  // For ICMP the key's dport is the ICMP type (enable_icmp_rule).
  const dport = policyLookupPort(probe);
  const lpm = lpmIndex(dp.policyMaps.get(endpoint.id));

  const l3 = lpmLookup(lpm, hit.identity, direction, proto, dport);
  cost.n++;
  trace.push(policyLookup(endpoint, { identity: hit.identity, direction, proto, port: dport }, l3));
  let chosen = l3;
  let chosenId = hit.identity;
  if (!(l3 && l3.deny)) {
    const l4 = lpmLookup(lpm, ID_ANY, direction, proto, dport);
    cost.n++;
    trace.push(policyLookup(endpoint, { identity: ID_ANY, direction, proto, port: dport }, l4));
    if (
      l4 &&
      (l4.deny ||
        !l3 ||
        l4.proxyPortPriority > l3.proxyPortPriority ||
        (l4.proxyPortPriority === l3.proxyPortPriority && l4.prefixLen > l3.prefixLen))
    ) {
      chosen = l4;
      chosenId = ID_ANY;
    }
  }
  const key = formatKey(chosenId, direction, proto, dport);
  const other = peerName(direction === 'ingress' ? probe.src : probe.dst);
  if (!chosen) {
    const by = endpoint.enforcedBy[direction].join(', ');
    return {
      direction,
      endpoint,
      remote: hit.identity,
      allowed: false,
      decidedAt: `${map} ${formatKey(hit.identity, direction, proto, dport)} -> no entry (drop 133 Policy denied)`,
      reason: `${map} has no entry for identity ${hit.identity} or ANY on ${probeWhat(probe)}: ${endpoint.pod} is in default deny for ${direction}${by ? ` (${by})` : ''}, so the packet ${direction === 'ingress' ? 'from' : 'to'} ${other} is dropped with reason 133 "Policy denied".`,
      drop: { reason: 'Policy denied', code: 133 },
    };
  }
  const origin = chosen.derivedFrom[0] ?? 'a rule';
  if (chosen.deny) {
    return {
      direction,
      endpoint,
      remote: hit.identity,
      allowed: false,
      entry: chosen,
      decidedAt: `${map} ${key} -> deny (${formatPortKey(chosen.proto, chosen.port, chosen.prefixLen)}; drop 181 Policy denied by denylist)`,
      reason: `${map} holds a deny entry ${formatPortKey(chosen.proto, chosen.port, chosen.prefixLen)} for identity ${chosen.identity === 0 ? 'ANY' : chosen.identity} from ${origin}, so the packet ${direction === 'ingress' ? 'from' : 'to'} ${other} is dropped with reason 181 "Policy denied by denylist".`,
      drop: { reason: 'Policy denied by denylist', code: 181 },
    };
  }
  return {
    direction,
    endpoint,
    remote: hit.identity,
    allowed: true,
    entry: chosen,
    decidedAt: `${map} ${key} -> ${chosen.proxyPort ? `allow, redirect to proxy port ${chosen.proxyPort}` : 'allow'}`,
    reason: `${map} allows identity ${hit.identity} on ${probeWhat(probe)} (entry ${formatPortKey(chosen.proto, chosen.port, chosen.prefixLen)} for ${chosen.identity === 0 ? 'ANY' : `identity ${chosen.identity}`}, from ${origin}).`,
  };
}
