/**
 * The eBPF model's verdict alone, at the cost of the lookups it models: no trace, no explanation.
 * What the explained path (lookup.ts, decision.ts) finds by walking sorted entry lists and printing
 * keys, this one finds in an index built once per dataplane:
 * - the ipcache as one hash map from address to what it is: a pod's identity and endpoint, or a
 *   node address with the identity each node sees it as (its own `host`), which wins as in
 *   lookup.ts; one lookup per end gives the local endpoint of one direction and the remote identity
 *   of the other. CIDR prefixes are scanned, longest first, only for addresses outside the
 *   cluster (the LPM part of `cilium_ipcache_v2`);
 * - each policy map as a hash map from (remote identity, direction), packed into one number, to
 *   its entries: full-length keys (protocol and port) in a hash map keyed by protocol << 16 | port,
 *   shorter prefixes (protocol only, ANY, port ranges) in a short list, longest first. A
 *   full-length hit is the longest prefix there is, so one hash lookup answers most packets.
 * The lookup order and the choice between the two lookups are bpf/lib/policy.h
 * `__policy_can_access` (cilium 1.18), exactly as lookup.ts `judge` follows it: the L3 lookup with
 * the remote identity, a deny there decides; else the L4-only lookup with identity 0, whose entry
 * wins if it is a deny, if the first found nothing, if its proxy port priority is higher, or equal
 * with a longer prefix. agreement-fast.test.ts holds the two paths (and the reference) equal.
 */
import { parseIPv4 } from '../../cidr';
import { podKey } from '../../cluster';
import type { Pod, ResolvedProbe } from '../../model';
import { ICMP_PROTO, isFragNeeded } from '../icmp';
import { proxyAllows, proxyRulesFor } from './decision';
import { type CiliumDataplane, ID_ANY, ID_WORLD, type PolicyMapEntry, PROTO_NUMBER } from './types';

/** One policy map value, with its protocol/port prefix precomputed for a shift-and-compare. */
interface FastEntry {
  readonly deny: boolean;
  readonly proxyPort: number;
  readonly priority: number;
  readonly prefixLen: number;
  readonly shift: number;
  readonly masked: number;
}

/** The entries of one (remote identity, direction). */
interface IdentityEntries {
  /** prefixLen 24: protocol << 16 | port -> entry (the first in map order, as lookup.ts finds). */
  readonly exact: Map<number, FastEntry>;
  /** prefixLen < 24, longest first. */
  readonly shorter: readonly FastEntry[];
}

/** One policy map: (identity << 1 | egress) -> its entries. */
type FastPolicyMap = Map<number, IdentityEntries>;

interface FastEndpoint {
  readonly id: number;
  readonly node: string;
  readonly policy: FastPolicyMap;
  /** The L4-only entries (identity 0) of each direction, looked up on every packet. */
  readonly anyIngress: IdentityEntries | undefined;
  readonly anyEgress: IdentityEntries | undefined;
}

/** What one address is in the ipcache: a pod's identity (and its endpoint), or a node's, whose
 * identity depends on the node looking (its own address is `host`). */
interface AddressSlot {
  /** -1 when no pod has the address. */
  readonly podIdentity: number;
  /** The endpoint of the pod with this address (null when none, or when two pods share it). */
  readonly endpoint: FastEndpoint | null;
  /** Viewing node -> identity, for node addresses. */
  readonly nodeView: Map<string, number> | null;
}

export interface CiliumVerdictIndex {
  /** Address -> slot: one hash lookup gives the local endpoint and the remote identity. */
  readonly addresses: Map<string, AddressSlot>;
  readonly byPod: WeakMap<Pod, FastEndpoint | null>;
  readonly byKey: Map<string, FastEndpoint>;
  /** CIDR prefixes, longest first, for addresses no node's map holds. */
  readonly prefixes: readonly {
    readonly base: number;
    readonly mask: number;
    readonly id: number;
  }[];
}

/** What a verdict cost, when the caller counts: ipcache and policy map lookups, as `cost`. */
export interface LookupCounter {
  lookups: number;
}

const PP_BITS = 24;
const packedKey = (identity: number, egress: boolean): number => identity * 2 + (egress ? 1 : 0);

/** For (identity, direction) pairs with no full-length entry: never written. */
const NO_EXACT = new Map<number, FastEntry>();

function fastPolicyMap(entries: readonly PolicyMapEntry[]): FastPolicyMap {
  const grouped = new Map<number, PolicyMapEntry[]>();
  for (const e of entries) {
    const k = packedKey(e.identity, e.direction === 'egress');
    const l = grouped.get(k);
    if (l) l.push(e);
    else grouped.set(k, [e]);
  }
  const out: FastPolicyMap = new Map();
  grouped.forEach((list, k) => {
    let exact = NO_EXACT;
    const shorter: FastEntry[] = [];
    // Stable, as lookup.ts sorts the lists it searches.
    if (list.length > 1) list.sort((a, b) => b.prefixLen - a.prefixLen);
    for (const e of list) {
      const shift = PP_BITS - e.prefixLen;
      const value = e.proto * 65536 + e.port;
      const fast: FastEntry = {
        deny: e.deny,
        proxyPort: e.proxyPort,
        priority: e.proxyPortPriority,
        prefixLen: e.prefixLen,
        shift,
        masked: value >>> shift,
      };
      if (e.prefixLen >= PP_BITS) {
        if (exact === NO_EXACT) exact = new Map();
        if (!exact.has(value)) exact.set(value, fast);
      } else shorter.push(fast);
    }
    out.set(k, { exact, shorter });
  });
  return out;
}

const indexes = new WeakMap<CiliumDataplane, CiliumVerdictIndex>();
/** The last dataplane asked about: a run of verdicts asks about one. */
let last: { dp: CiliumDataplane; idx: CiliumVerdictIndex } | null = null;

/** Builds (once per dataplane) what the verdict path looks up. */
export function ciliumVerdictIndex(dp: CiliumDataplane): CiliumVerdictIndex {
  if (last !== null && last.dp === dp) return last.idx;
  const known = indexes.get(dp);
  if (known) {
    last = { dp, idx: known };
    return known;
  }
  const maps = new Map<readonly PolicyMapEntry[], FastPolicyMap>();
  const byKey = new Map<string, FastEndpoint>();
  const endpointsByIp = new Map<string, FastEndpoint[]>();
  for (const ep of dp.endpoints) {
    const entries = dp.policyMaps.get(ep.id) ?? [];
    let policy = maps.get(entries);
    if (!policy) maps.set(entries, (policy = fastPolicyMap(entries)));
    const fast: FastEndpoint = {
      id: ep.id,
      node: ep.node,
      policy,
      anyIngress: policy.get(packedKey(ID_ANY, false)),
      anyEgress: policy.get(packedKey(ID_ANY, true)),
    };
    byKey.set(ep.pod, fast);
    const l = endpointsByIp.get(ep.ip);
    if (l) l.push(fast);
    else endpointsByIp.set(ep.ip, [fast]);
  }
  const nodeViews = new Map<string, Map<string, number>>();
  for (const [node, addresses] of dp.index.nodeAddresses) {
    for (const [ip, id] of addresses) {
      let v = nodeViews.get(ip);
      if (!v) nodeViews.set(ip, (v = new Map()));
      v.set(node, id);
    }
  }
  const addresses = new Map<string, AddressSlot>();
  for (const ip of new Set([...dp.index.podAddresses.keys(), ...nodeViews.keys()])) {
    const eps = endpointsByIp.get(ip);
    addresses.set(ip, {
      podIdentity: dp.index.podAddresses.get(ip)?.identity ?? -1,
      endpoint: eps?.length === 1 ? eps[0]! : null,
      nodeView: nodeViews.get(ip) ?? null,
    });
  }
  const prefixes = dp.index.prefixes.map(({ cidr, entry }) => ({
    base: cidr.base,
    mask: cidr.prefix === 0 ? 0 : (0xffffffff << (32 - cidr.prefix)) >>> 0,
    id: entry.identity,
  }));
  const idx: CiliumVerdictIndex = { addresses, byPod: new WeakMap(), byKey, prefixes };
  indexes.set(dp, idx);
  last = { dp, idx };
  return idx;
}

/** The pod's endpoint: the one its address names, else found by name once and remembered. */
function endpointOf(
  idx: CiliumVerdictIndex,
  pod: Pod,
  slot: AddressSlot | undefined,
): FastEndpoint | null {
  if (slot !== undefined && slot.endpoint !== null) return slot.endpoint;
  let ep = idx.byPod.get(pod);
  if (ep === undefined) idx.byPod.set(pod, (ep = idx.byKey.get(podKey(pod)) ?? null));
  return ep;
}

/** lookup.ts ipcacheLookup: the node's view of node addresses, then pods, then CIDR prefixes. */
function remoteIdentity(
  idx: CiliumVerdictIndex,
  ep: FastEndpoint,
  slot: AddressSlot | undefined,
  ip: string,
): number {
  if (slot !== undefined) {
    if (slot.nodeView !== null) {
      const id = slot.nodeView.get(ep.node);
      if (id !== undefined) return id;
    }
    if (slot.podIdentity >= 0) return slot.podIdentity;
  }
  const n = parseIPv4(ip);
  if (n !== null) {
    for (const p of idx.prefixes) if ((n & p.mask) >>> 0 === p.base) return p.id;
  }
  return ID_WORLD;
}

const protoNumber = (p: ResolvedProbe['protocol']): number =>
  p === 'TCP' ? 6 : p === 'UDP' ? 17 : p === 'SCTP' ? 132 : PROTO_NUMBER[p as 'TCP'];

/** One LPM lookup in a policy map: the longest prefix of (identity, direction) covering `pp`. */
function lpm(l: IdentityEntries | undefined, pp: number): FastEntry | undefined {
  if (l === undefined) return undefined;
  if (l.exact.size > 0) {
    const hit = l.exact.get(pp);
    if (hit !== undefined) return hit;
  }
  for (const e of l.shorter) if (pp >>> e.shift === e.masked) return e;
  return undefined;
}

const DENIED = 0;
const ALLOWED = 1;
const REDIRECTED = 2;

/** bpf/lib/policy.h __policy_can_access for one direction, with the ipcache lookup before it. */
function judgeFast(
  ep: FastEndpoint,
  remote: number,
  probe: ResolvedProbe,
  egress: boolean,
  counter: LookupCounter | undefined,
): number {
  if (counter) counter.lookups++;
  let proto: number;
  let dport: number;
  if (probe.protocol === 'ICMP') {
    if (isFragNeeded(probe.icmp)) return ALLOWED;
    proto = ICMP_PROTO;
    dport = probe.icmp?.type ?? 0;
  } else {
    proto = protoNumber(probe.protocol);
    dport = probe.port;
  }
  const pp = proto * 65536 + dport;
  const l3 = lpm(ep.policy.get(packedKey(remote, egress)), pp);
  if (counter) counter.lookups++;
  let chosen = l3;
  if (!(l3 && l3.deny)) {
    const l4 = lpm(egress ? ep.anyEgress : ep.anyIngress, pp);
    if (counter) counter.lookups++;
    if (
      l4 &&
      (l4.deny ||
        !l3 ||
        l4.priority > l3.priority ||
        (l4.priority === l3.priority && l4.prefixLen > l3.prefixLen))
    ) {
      chosen = l4;
    }
  }
  if (!chosen || chosen.deny) return DENIED;
  return chosen.proxyPort > 0 ? REDIRECTED : ALLOWED;
}

/**
 * The eBPF model's verdict for a probe: what `ciliumModelDecision(dp, probe).allowed` says, with no
 * explanation built. Pass a counter to add the map lookups made (the explained path's `cost`).
 */
export function ciliumModelVerdict(
  dp: CiliumDataplane,
  probe: ResolvedProbe,
  counter?: LookupCounter,
): boolean {
  const { src, dst } = probe;
  if (src.kind === 'pod') {
    if (
      dst.kind === 'pod' &&
      (src.pod === dst.pod ||
        (src.pod.name === dst.pod.name && src.pod.namespace === dst.pod.namespace))
    )
      return true;
    if (dst.kind === 'node' && dst.node.name === src.pod.nodeName) return true;
  }
  const idx = ciliumVerdictIndex(dp);
  // One address lookup per end: the local endpoint of one direction, the remote of the other.
  const srcSlot = idx.addresses.get(probe.srcIP);
  const dstSlot = idx.addresses.get(probe.dstIP);
  const srcEp = src.kind === 'pod' ? endpointOf(idx, src.pod, srcSlot) : null;
  const dstEp = dst.kind === 'pod' ? endpointOf(idx, dst.pod, dstSlot) : null;
  let egress = ALLOWED;
  let egressRemote = 0;
  if (srcEp) {
    egressRemote = remoteIdentity(idx, srcEp, dstSlot, probe.dstIP);
    egress = judgeFast(srcEp, egressRemote, probe, true, counter);
    if (egress === DENIED) return false; // dropped before it reaches the other hook
  }
  let ingress = ALLOWED;
  let ingressRemote = 0;
  if (dstEp) {
    ingressRemote = remoteIdentity(idx, dstEp, srcSlot, probe.srcIP);
    ingress = judgeFast(dstEp, ingressRemote, probe, false, counter);
    if (ingress === DENIED) return false;
  }
  if (probe.http === undefined) return true;
  // Envoy judges the request at each redirecting hook, egress first (decision.ts).
  if (srcEp && egress === REDIRECTED) {
    if (!proxyAllows(proxyRulesFor(dp, srcEp.id, 'egress', egressRemote, probe), probe.http))
      return false;
  }
  if (dstEp && ingress === REDIRECTED) {
    if (!proxyAllows(proxyRulesFor(dp, dstEp.id, 'ingress', ingressRemote, probe), probe.http))
      return false;
  }
  return true;
}
