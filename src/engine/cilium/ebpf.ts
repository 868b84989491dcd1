/**
 * The Cilium eBPF datapath model: the policy compiled the way the agent compiles it into BPF maps,
 * and a packet judged the way bpf_lxc.c judges it, by map lookups.
 *
 * What is modelled (cilium/cilium sources cited where each part is built):
 * - Security identities (pkg/identity/numericidentity.go): reserved ones with their real numbers
 *   (1 host, 2 world, 3 unmanaged, 4 health, 5 init, 6 remote-node, 7 kube-apiserver, 8 ingress;
 *   9/10 exist only in dual-stack clusters), cluster-wide ones from 256 (PacketWalk hands them out in
 *   the order of the sorted label sets; a real cluster allocates them as endpoints appear) and
 *   node-local ones from 1<<24 | 1 for CIDR prefixes the policies name (and, in PacketWalk, nodes an
 *   ipBlock tells apart: identity.ts).
 * - The ipcache `cilium_ipcache_v2` (bpf/lib/common.h, pkg/maps/ipcache): an LPM map from prefix to
 *   identity, one per node: pod /32s, node /32s (the node's own address is `host`, every other node's
 *   `remote-node`), the CIDR prefixes of policies, and 0.0.0.0/0 for `world`.
 * - One policy map per endpoint, `cilium_policy_v2_<EPID>` with the endpoint ID zero-padded to five
 *   digits (pkg/bpf `LocalMapName`: `%s%05d`), keyed LPM-style {remote identity, direction,
 *   protocol, destination port prefix} (bpf/lib/policy.h `struct policy_key`; protocol is wildcarded
 *   only together with the port, the port can be a prefix so endPort ranges become several entries)
 *   with {deny, proxy_port} values. Entries are inserted with the agent's precedence rules
 *   (pkg/policy/mapstate.go `insertWithChanges`): a deny deletes the allows and denies it covers and
 *   is dropped when another deny covers it; an allow is dropped when a deny or a higher proxy-port
 *   priority entry covers it, and a redirect deletes the plain allows it covers. "Covers" means a
 *   broader or equal protocol/port and the same identity or identity 0 (ANY).
 * - The lookup of bpf/lib/policy.h `__policy_can_access`: an LPM lookup with the exact remote
 *   identity; a deny found there decides. Otherwise a second lookup with identity 0 (L4-only), whose
 *   result wins if it is a deny, if the first found nothing, if it has a higher proxy port priority,
 *   or the same priority and a longer prefix. Nothing found: drop, reason 133 "Policy denied"; a
 *   deny entry: drop, reason 181 "Policy denied by denylist" (pkg/monitor/api/drop.go).
 * - Redirects to the proxy (`proxy_port`), and what Cilium sends Envoy for each port (pkg/envoy/
 *   server.go `getPortNetworkPolicyRule`, `getWildcardNetworkPolicyRule`): the remote identities each
 *   rule allows and its HTTP rules, or none for "allow every request".
 *
 * Not modelled: conntrack (every probe is a new connection), the host firewall (policies with a
 * nodeSelector), auth, FQDN, services/load balancing (probes name pods or addresses).
 */
import { cidrContainsIP, cidrCovers, parseIPv4, type Cidr } from '../cidr';
import { indexCluster, podKey } from '../cluster';
import { sha256 } from '../hash';
import type {
  CiliumHttpRule,
  CiliumPolicy,
  CiliumRule,
  ClusterNode,
  Cluster,
  Direction,
  IPBlock,
  K8sNetworkPolicy,
  K8sPeer,
  ModelDecision,
  Pod,
  PortSpec,
  Protocol,
  ResolvedProbe,
  CiliumEntity,
} from '../model';
import { formatRef } from '../model';
import { peerName, probeWhat } from '../probe';
import { ACCESS_DENIED_BODY, ACCESS_DENIED_STATUS, formatRequest, httpRulesAllow } from './http';
import {
  ciliumIdentityPlan,
  ipBlockContains,
  resolveNamedPort,
  type NamedPortRef,
} from './identity';
import {
  CLUSTER_LABEL,
  CLUSTER_NAME,
  NAMESPACE_LABELS_PREFIX,
  POD_NAMESPACE_LABEL,
  fromLabelSelector,
  labelSet,
  labelSetText,
  makeSelector,
  scopePeerSelector,
  selectorMatches,
  subjectSelector,
  formatCiliumLabel,
  type CiliumLabel,
  type CiliumRequirement,
  type CiliumSelector,
  type LabelSet,
} from './labels';

import {
  formatPolicyKey,
  type PolicyKey,
  type PolicyLookupEvent,
  type ProxyEvent,
  type TraceEvent,
} from '../trace';
import { formatPortKey } from './policyKey';
import {
  FRAG_NEEDED_REASON,
  ICMP_PROTO,
  icmpPortKey,
  isFragNeeded,
  policyLookupPort,
} from './icmp';

export { dumpCiliumMaps } from './dump';

// ---------------------------------------------------------------------------------------------
// Public shapes
// ---------------------------------------------------------------------------------------------

export type IdentityScope = 'reserved' | 'cluster' | 'local';

export interface CiliumIdentity {
  readonly id: number;
  /** Printed as `cilium identity list` prints them: `k8s:app=web`, `reserved:host`. */
  readonly labels: readonly string[];
  readonly scope: IdentityScope;
}

export interface IpcacheEntry {
  /** `10.244.1.5/32`. */
  readonly prefix: string;
  readonly identity: number;
  /** For a pod: its node, whose address is the tunnel endpoint in the other nodes' ipcaches. */
  readonly hostNode?: string;
  readonly hostNodeIP?: string;
  /** Set for entries only that node's ipcache holds this way (node addresses differ per node). */
  readonly node?: string;
}

/** IP protocol numbers as the policy key holds them; 0 = ANY. */
export const PROTO_NUMBER: Readonly<Record<Protocol | 'ANY', number>> = {
  ANY: 0,
  TCP: 6,
  UDP: 17,
  SCTP: 132,
};

export interface PolicyMapEntry {
  /** Remote identity; 0 = ANY (the L4-only wildcard). */
  readonly identity: number;
  readonly direction: Direction;
  /** 0 (ANY), 6, 17 or 132. */
  readonly proto: number;
  /** The first port of the prefix; 0 when the port is wildcarded. */
  readonly port: number;
  /** Bits of protocol+port that must match: 0 (ANY), 8 (protocol, any port), 9..24 (port prefix). */
  readonly prefixLen: number;
  readonly deny: boolean;
  /** The proxy listener's port when the entry redirects to the proxy, else 0. */
  readonly proxyPort: number;
  readonly proxyPortPriority: number;
  /** The rules the entry comes from (`CiliumNetworkPolicy shop/x spec.ingress[0]`). */
  readonly derivedFrom: readonly string[];
}

export interface CiliumEndpoint {
  /** Node-local endpoint ID (PacketWalk keeps them unique cluster-wide). */
  readonly id: number;
  /** `ns/pod`. */
  readonly pod: string;
  readonly node: string;
  readonly ip: string;
  readonly identity: number;
  /** `cilium_policy_v2_01234`. */
  readonly mapName: string;
  readonly enforced: Readonly<Record<Direction, boolean>>;
  /** The policies that put the endpoint's directions under enforcement. */
  readonly enforcedBy: Readonly<Record<Direction, readonly string[]>>;
}

/** What Cilium tells Envoy for one port of one endpoint (a PortNetworkPolicyRule). */
export interface ProxyPolicyRule {
  readonly direction: Direction;
  readonly proto: number;
  /** Port range; 0-65535 for the port-0 (L3-only) rules Envoy checks after the port's own. */
  readonly fromPort: number;
  readonly toPort: number;
  /** Remote identities; empty with `anyRemote` for a wildcard selector. */
  readonly remotes: readonly number[];
  readonly anyRemote: boolean;
  /** null: every request allowed. */
  readonly http: readonly CiliumHttpRule[] | null;
  readonly origin: string;
}

export interface CiliumDataplane {
  readonly identities: readonly CiliumIdentity[];
  /** Entries every node's ipcache holds alike, then the node-address entries of each node. */
  readonly ipcache: readonly IpcacheEntry[];
  readonly endpoints: readonly CiliumEndpoint[];
  /** Endpoint ID -> its policy map, sorted as `cilium bpf policy get` sorts. */
  readonly policyMaps: ReadonlyMap<number, readonly PolicyMapEntry[]>;
  /** Endpoint ID -> the L7 policy Envoy holds for it. */
  readonly proxyPolicies: ReadonlyMap<number, readonly ProxyPolicyRule[]>;
  /** Listener name -> proxy port (`cilium-http-ingress`, `cilium-http-egress`). */
  readonly proxyPorts: Readonly<Record<string, number>>;
  readonly nodes: readonly string[];
  /** Lookup structures (not for display). */
  readonly index: DataplaneIndex;
}

export interface DataplaneIndex {
  readonly endpointByPod: ReadonlyMap<string, CiliumEndpoint>;
  readonly identityById: ReadonlyMap<number, CiliumIdentity>;
  /** Per endpoint: `${identity}/${direction}` -> entries, longest prefix first. */
  readonly lpm: ReadonlyMap<number, ReadonlyMap<string, readonly PolicyMapEntry[]>>;
  /** node name -> address -> identity, for node addresses. */
  readonly nodeAddresses: ReadonlyMap<string, ReadonlyMap<string, number>>;
  readonly podAddresses: ReadonlyMap<string, IpcacheEntry>;
  /** CIDR prefixes, longest first. */
  readonly prefixes: readonly { readonly cidr: Cidr; readonly entry: IpcacheEntry }[];
  readonly nodeIPs: ReadonlyMap<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Reserved identities (pkg/identity/numericidentity.go)
// ---------------------------------------------------------------------------------------------

export const ID_ANY = 0;
export const ID_HOST = 1;
export const ID_WORLD = 2;
export const ID_REMOTE_NODE = 6;
const FIRST_CLUSTER_ID = 256;
/** MinLocalIdentity = 1 | LocalIdentityFlag (1<<24). */
const FIRST_LOCAL_ID = (1 << 24) | 1;

const reserved = (key: string): CiliumLabel => ({ source: 'reserved', key, value: '' });
const RESERVED: readonly { id: number; labels: CiliumLabel[] }[] = [
  { id: 1, labels: [reserved('host')] },
  { id: 2, labels: [reserved('world')] },
  { id: 3, labels: [reserved('unmanaged')] },
  { id: 4, labels: [reserved('health')] },
  { id: 5, labels: [reserved('init')] },
  { id: 6, labels: [reserved('remote-node')] },
  { id: 7, labels: [reserved('kube-apiserver'), reserved('remote-node')] },
  { id: 8, labels: [reserved('ingress')] },
];

/** Proxy listeners (pkg/proxy/proxyports `defaultProxyPortMap`). Cilium picks a free port at random
 * in proxy-portrange 10000-20000 (pkg/proxy/cell.go); PacketWalk derives a stable one. */
const LISTENERS = { ingress: 'cilium-http-ingress', egress: 'cilium-http-egress' } as const;
const stablePort = (name: string): number => {
  const h = sha256(name);
  return 10000 + (((h[0]! << 8) | h[1]!) % 10001);
};

// ---------------------------------------------------------------------------------------------
// Compile: identities
// ---------------------------------------------------------------------------------------------

interface IdentityInfo {
  readonly id: number;
  readonly set: LabelSet;
  readonly scope: IdentityScope;
  /** Pods with this identity (cluster-wide identities). */
  readonly pods: Pod[];
  /** Nodes whose address maps to this identity on the other nodes. */
  readonly nodes: ClusterNode[];
  /** The prefix of a CIDR identity. */
  readonly cidr?: Cidr;
}

function referencedPrefixes(cluster: Cluster): Cidr[] {
  const seen = new Map<string, Cidr>();
  const add = (c: Cidr) => {
    if (c.prefix > 0) seen.set(c.text, c);
  };
  for (const p of cluster.ciliumPolicies) {
    for (const list of [p.ingress, p.egress, p.ingressDeny, p.egressDeny]) {
      for (const rule of list ?? []) {
        for (const c of rule.cidrs ?? []) {
          add(c.cidr);
          c.except.forEach(add);
        }
      }
    }
  }
  for (const p of cluster.k8sPolicies) {
    if (p.staged) continue;
    for (const rule of [...p.ingress, ...p.egress]) {
      for (const peer of rule.peers ?? []) {
        if (!peer.ipBlock) continue;
        add(peer.ipBlock.cidr);
        peer.ipBlock.except.forEach(add);
      }
    }
  }
  return [...seen.values()].sort((a, b) => a.base - b.base || a.prefix - b.prefix);
}

function allocateIdentities(cluster: Cluster) {
  const plan = ciliumIdentityPlan(cluster);
  const all: IdentityInfo[] = RESERVED.map((r) => ({
    id: r.id,
    set: labelSet(r.labels),
    scope: 'reserved' as const,
    pods: [],
    nodes: [],
  }));
  const byText = new Map<string, Pod[]>();
  for (const pod of cluster.pods) {
    const text = labelSetText(plan.podLabels(pod).labels);
    const list = byText.get(text);
    if (list) list.push(pod);
    else byText.set(text, [pod]);
  }
  const podIdentity = new Map<string, number>();
  [...byText.keys()].sort().forEach((text, i) => {
    const pods = byText.get(text)!;
    const id = FIRST_CLUSTER_ID + i;
    all.push({ id, set: plan.podLabels(pods[0]!), scope: 'cluster', pods, nodes: [] });
    for (const p of pods) podIdentity.set(podKey(p), id);
  });

  let next = FIRST_LOCAL_ID;
  for (const cidr of referencedPrefixes(cluster)) {
    const id = next++;
    all.push({
      id,
      set: labelSet([{ source: 'cidr', key: cidr.text, value: '' }, reserved('world')]),
      scope: 'local',
      pods: [],
      nodes: [],
      cidr,
    });
  }
  const remoteNode = all.find((i) => i.id === ID_REMOTE_NODE)!;
  const nodeIdentity = new Map<string, number>();
  const splitNodes = new Map<string, IdentityInfo>();
  for (const node of cluster.nodes) {
    const set = plan.remoteNodeLabels(node);
    if (set.labels.length === 1) {
      remoteNode.nodes.push(node);
      nodeIdentity.set(node.name, ID_REMOTE_NODE);
      continue;
    }
    const text = labelSetText(set.labels);
    let info = splitNodes.get(text);
    if (!info) {
      info = { id: next++, set, scope: 'local', pods: [], nodes: [] };
      splitNodes.set(text, info);
      all.push(info);
    }
    info.nodes.push(node);
    nodeIdentity.set(node.name, info.id);
  }
  return { all, podIdentity, nodeIdentity };
}

// ---------------------------------------------------------------------------------------------
// Compile: selectors and the identities they select (a selector cache)
// ---------------------------------------------------------------------------------------------

/** The identities a peer selector selects; `wildcard` becomes identity 0 in the map. */
interface Selection {
  readonly wildcard: boolean;
  readonly ids: readonly number[];
}

const WILDCARD: Selection = { wildcard: true, ids: [] };

class SelectorCache {
  private readonly cache = new Map<string, Selection>();
  constructor(private readonly identities: readonly IdentityInfo[]) {}

  labels(selector: CiliumSelector): Selection {
    const key = `labels:${selector.text}`;
    let s = this.cache.get(key);
    if (!s) {
      s = {
        wildcard: false,
        ids: this.identities.filter((i) => selectorMatches(selector, i.set)).map((i) => i.id),
      };
      this.cache.set(key, s);
    }
    return s;
  }

  /**
   * A CiliumNetworkPolicy CIDR rule: the CIDR identities whose prefix lies inside `cidr` and
   * outside every `except`, and `world` for 0.0.0.0/0. Never pods or nodes (pkg/policy/api
   * ingress.go FromCIDR: "Only connections which do not originate from the cluster...").
   */
  cidr(cidr: Cidr, except: readonly Cidr[]): Selection {
    const key = `cidr:${cidr.text}!${except.map((e) => e.text).join(',')}`;
    let s = this.cache.get(key);
    if (!s) {
      s = { wildcard: false, ids: this.outside(cidr, except) };
      this.cache.set(key, s);
    }
    return s;
  }

  private outside(cidr: Cidr, except: readonly Cidr[]): number[] {
    const ids: number[] = cidr.prefix === 0 ? [ID_WORLD] : [];
    for (const i of this.identities) {
      if (!i.cidr) continue;
      if (cidrCovers(cidr, i.cidr) && !except.some((e) => cidrCovers(e, i.cidr!))) ids.push(i.id);
    }
    return ids;
  }

  /**
   * A Kubernetes ipBlock, as the spec reads it: outside addresses like a CIDR rule, plus every pod
   * and node identity whose members all have their address in the block (identity.ts splits
   * identities so that each is all in or all out).
   */
  ipBlock(block: IPBlock): Selection {
    const key = `ipblock:${block.cidr.text}!${block.except.map((e) => e.text).join(',')}`;
    let s = this.cache.get(key);
    if (!s) {
      const ids = this.outside(block.cidr, block.except);
      for (const i of this.identities) {
        const members = [...i.pods.map((p) => p.ip), ...i.nodes.map((n) => n.internalIP)];
        if (members.length > 0 && members.every((ip) => ipBlockContains(block, ip))) ids.push(i.id);
      }
      s = { wildcard: false, ids };
      this.cache.set(key, s);
    }
    return s;
  }

  podIdentities(): Selection {
    let s = this.cache.get('pods');
    if (!s) {
      s = {
        wildcard: false,
        ids: this.identities.filter((i) => i.pods.length > 0).map((i) => i.id),
      };
      this.cache.set('pods', s);
    }
    return s;
  }
}

const req = (
  source: string,
  key: string,
  operator: CiliumRequirement['operator'],
  values: string[] = [],
): CiliumRequirement => ({
  key: { source, key },
  operator,
  values,
});

/** pkg/policy/api/entity.go `EntitySelectorMapping` / `InitEntities` (IPv4-only cluster). */
function entitySelection(entity: CiliumEntity, cache: SelectorCache): Selection {
  const reservedSel = (name: string) =>
    cache.labels(makeSelector([req('reserved', name, 'Exists')]));
  switch (entity) {
    case 'all':
      return WILDCARD;
    case 'world':
    case 'world-ipv4':
      return reservedSel('world');
    case 'world-ipv6':
      return { wildcard: false, ids: [] };
    case 'cluster': {
      const parts = [
        ...['host', 'remote-node', 'init', 'ingress', 'health', 'unmanaged', 'kube-apiserver'].map(
          reservedSel,
        ),
        cache.labels(makeSelector([req('k8s', CLUSTER_LABEL, 'In', [CLUSTER_NAME])])),
      ];
      return { wildcard: false, ids: [...new Set(parts.flatMap((p) => p.ids))] };
    }
    default:
      return reservedSel(entity);
  }
}

// ---------------------------------------------------------------------------------------------
// Compile: policy keys
// ---------------------------------------------------------------------------------------------

/** A protocol/port prefix of the policy key. */
interface PortKey {
  readonly proto: number;
  readonly port: number;
  readonly prefixLen: number;
}

const ANY_KEY: PortKey = { proto: 0, port: 0, prefixLen: 0 };

/** The 24-bit protocol+port value the LPM compares (protocol byte, then the 16-bit port). */
const keyValue = (proto: number, port: number): number => proto * 65536 + port;

function covers(outer: PortKey, inner: PortKey): boolean {
  if (outer.prefixLen > inner.prefixLen) return false;
  const shift = 24 - outer.prefixLen;
  return (
    Math.floor(keyValue(outer.proto, outer.port) / 2 ** shift) ===
    Math.floor(keyValue(inner.proto, inner.port) / 2 ** shift)
  );
}

/**
 * A port range as LPM prefixes (pkg/policy/types `PortRangeToMaskedPorts`): the fewest aligned
 * power-of-two blocks that cover it.
 */
export function portRangePrefixes(proto: number, from: number, to: number): PortKey[] {
  if (from === 0 && to >= 65535) return [{ proto, port: 0, prefixLen: 8 }];
  const out: PortKey[] = [];
  let start = from;
  while (start <= to) {
    let bits = 0;
    while (bits < 16) {
      const size = 2 ** (bits + 1);
      if (start % size !== 0 || start + size - 1 > to) break;
      bits++;
    }
    out.push({ proto, port: start, prefixLen: 8 + 16 - bits });
    start += 2 ** bits;
  }
  return out;
}

const protocolsOf = (p: Protocol | 'ANY'): Protocol[] =>
  p === 'ANY' ? ['TCP', 'UDP', 'SCTP'] : [p];

// ---------------------------------------------------------------------------------------------
// Compile: the map state of one endpoint (pkg/policy/mapstate.go)
// ---------------------------------------------------------------------------------------------

interface MutableEntry {
  identity: number;
  direction: Direction;
  key: PortKey;
  deny: boolean;
  proxyPort: number;
  priority: number;
  derivedFrom: string[];
}

class MapState {
  /** `${identity}/${direction}` -> entries. */
  readonly byIdDir = new Map<string, MutableEntry[]>();

  private list(identity: number, direction: Direction): MutableEntry[] {
    const k = `${identity}/${direction}`;
    let l = this.byIdDir.get(k);
    if (!l) {
      l = [];
      this.byIdDir.set(k, l);
    }
    return l;
  }

  /** Broader-or-equal keys: same identity or identity 0, broader or equal protocol/port. */
  private broader(e: MutableEntry): MutableEntry[] {
    const lists = [this.byIdDir.get(`0/${e.direction}`) ?? []];
    if (e.identity !== 0) lists.push(this.byIdDir.get(`${e.identity}/${e.direction}`) ?? []);
    return lists.flatMap((l) => l.filter((x) => covers(x.key, e.key)));
  }

  /** Narrower-or-equal keys: same identity (every identity for identity 0). */
  private narrower(e: MutableEntry): MutableEntry[] {
    const out: MutableEntry[] = [];
    for (const [k, l] of this.byIdDir) {
      if (!k.endsWith(`/${e.direction}`)) continue;
      if (e.identity !== 0 && !k.startsWith(`${e.identity}/`)) continue;
      for (const x of l) if (covers(e.key, x.key)) out.push(x);
    }
    return out;
  }

  private remove(x: MutableEntry): void {
    const l = this.byIdDir.get(`${x.identity}/${x.direction}`);
    if (!l) return;
    const i = l.indexOf(x);
    if (i >= 0) l.splice(i, 1);
  }

  private same(a: MutableEntry, b: MutableEntry): boolean {
    return (
      a.identity === b.identity &&
      a.key.proto === b.key.proto &&
      a.key.port === b.key.port &&
      a.key.prefixLen === b.key.prefixLen
    );
  }

  insert(e: MutableEntry): void {
    if (e.deny) {
      for (const x of this.broader(e)) {
        if (!x.deny) continue;
        if (this.same(x, e)) {
          x.derivedFrom = [...new Set([...x.derivedFrom, ...e.derivedFrom])];
          return;
        }
        return; // covered by a broader deny
      }
      for (const x of this.narrower(e)) this.remove(x);
      this.list(e.identity, e.direction).push(e);
      return;
    }
    for (const x of this.broader(e)) {
      if (x.deny || x.priority > e.priority) return;
    }
    if (e.priority > 0) {
      for (const x of this.narrower(e)) {
        if (!x.deny && x.priority < e.priority) this.remove(x);
      }
    }
    const existing = this.list(e.identity, e.direction).find((x) => this.same(x, e));
    if (existing) {
      existing.derivedFrom = [...new Set([...existing.derivedFrom, ...e.derivedFrom])];
      return;
    }
    this.list(e.identity, e.direction).push(e);
  }

  /** Unconditional insert (pkg/policy/mapstate.go `allowAllIdentities` upserts). */
  upsert(e: MutableEntry): void {
    this.list(e.identity, e.direction).push(e);
  }

  entries(): PolicyMapEntry[] {
    const out: PolicyMapEntry[] = [];
    for (const l of this.byIdDir.values()) {
      for (const e of l) {
        out.push({
          identity: e.identity,
          direction: e.direction,
          proto: e.key.proto,
          port: e.key.port,
          prefixLen: e.key.prefixLen,
          deny: e.deny,
          proxyPort: e.proxyPort,
          proxyPortPriority: e.priority,
          derivedFrom: e.derivedFrom,
        });
      }
    }
    // `cilium bpf policy get` order: denies first, then ingress before egress, then identity
    // (pkg/maps/policymap `PolicyEntriesDump.Less`); then port for a stable print.
    const dir = (d: Direction) => (d === 'ingress' ? 0 : 1);
    return out.sort(
      (a, b) =>
        Number(b.deny) - Number(a.deny) ||
        dir(a.direction) - dir(b.direction) ||
        a.identity - b.identity ||
        a.proto - b.proto ||
        a.port - b.port ||
        a.prefixLen - b.prefixLen,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Compile: rules into map entries
// ---------------------------------------------------------------------------------------------

/** A port clause of a rule before resolution: a number range or a named port. */
type PortClause =
  | { readonly kind: 'any' }
  | { readonly kind: 'range'; readonly proto: Protocol; readonly from: number; readonly to: number }
  | { readonly kind: 'named'; readonly ref: NamedPortRef }
  /** An `icmps` type: proto 1, the type as the port (icmp.ts). */
  | { readonly kind: 'icmp'; readonly type: number };

interface PortPart {
  readonly clauses: readonly PortClause[];
  readonly http: readonly CiliumHttpRule[] | null;
}

/** One rule of any dialect, ready to be inserted: who, on which ports, allow or deny. */
interface CompiledRule {
  readonly origin: string;
  readonly direction: Direction;
  readonly deny: boolean;
  readonly peers: readonly Selection[];
  /** null: L3-only (every protocol and port). */
  readonly ports: readonly PortPart[] | null;
  /** Whether the proxy treats a no-L7 rule as "allow every request" (false for the rule that
   * enableDefaultDeny: false adds: Documentation/security/policy/intro.rst). */
  readonly l7Wildcard: boolean;
}

interface Compiler {
  readonly cluster: Cluster;
  readonly cache: SelectorCache;
  readonly identities: ReadonlyMap<number, IdentityInfo>;
}

function ciliumPortParts(rule: CiliumRule): PortPart[] | null {
  if (rule.icmps) {
    return [{ clauses: rule.icmps.map((type) => ({ kind: 'icmp', type })), http: null }];
  }
  if ((rule.toPorts?.length ?? 0) === 0) return null;
  return (rule.toPorts ?? []).map((pr) => ({
    clauses: pr.ports.flatMap((p): PortClause[] => {
      if (typeof p.port === 'string')
        return [{ kind: 'named', ref: { name: p.port, protocol: p.protocol } }];
      const from = p.port;
      const to = p.port === 0 ? 65535 : (p.endPort ?? p.port);
      return protocolsOf(p.protocol).map((proto) => ({ kind: 'range', proto, from, to }));
    }),
    http: pr.http && pr.http.length > 0 ? pr.http : null,
  }));
}

function ciliumPeers(c: Compiler, p: CiliumPolicy, rule: CiliumRule): Selection[] {
  const namespace = p.clusterwide ? undefined : p.namespace;
  const out: Selection[] = [];
  for (const sel of rule.endpoints ?? []) {
    out.push(
      c.cache.labels(makeSelector(scopePeerSelector(fromLabelSelector(sel, 'any'), namespace))),
    );
  }
  for (const cr of rule.cidrs ?? []) out.push(c.cache.cidr(cr.cidr, cr.except));
  for (const e of rule.entities ?? []) out.push(entitySelection(e, c.cache));
  // pkg/policy/rule.go mergeIngress: toPorts without any L3 field apply to every peer; an L3 field
  // present but empty selects nothing (cilium/cilium#29608).
  const hasL3 = rule.endpoints !== null || rule.cidrs !== null || rule.entities !== null;
  if (!hasL3 && ((rule.toPorts?.length ?? 0) > 0 || rule.icmps)) out.push(WILDCARD);
  return out;
}

function compileCiliumPolicy(c: Compiler, p: CiliumPolicy, direction: Direction): CompiledRule[] {
  const out: CompiledRule[] = [];
  for (const deny of [false, true]) {
    const list =
      direction === 'ingress' ? (deny ? p.ingressDeny : p.ingress) : deny ? p.egressDeny : p.egress;
    for (const rule of list ?? []) {
      const field = `${direction}${deny ? 'Deny' : ''}`;
      const name =
        p.specIndex > 0
          ? `specs[${p.specIndex}].${field}[${rule.index}]`
          : `spec.${field}[${rule.index}]`;
      out.push({
        origin: `${formatRef(p.ref)} ${name}`,
        direction,
        deny,
        peers: ciliumPeers(c, p, rule),
        ports: ciliumPortParts(rule),
        l7Wildcard: true,
      });
    }
  }
  return out;
}

/**
 * A NetworkPolicy peer as pkg/k8s/network_policy.go `parseNetworkPolicyPeer` translates it, with
 * `k8s:io.kubernetes.pod.namespace` Exists added to namespaceSelector peers so they select pods only,
 * as the spec says (Cilium adds it only for an empty namespaceSelector).
 */
function k8sPeerSelection(c: Compiler, policy: K8sNetworkPolicy, peer: K8sPeer): Selection {
  if (peer.ipBlock) return c.cache.ipBlock(peer.ipBlock);
  const reqs: CiliumRequirement[] = [];
  if (peer.namespaceSelector) {
    reqs.push(...fromLabelSelector(peer.namespaceSelector, 'k8s', `${NAMESPACE_LABELS_PREFIX}.`));
    reqs.push(req('k8s', POD_NAMESPACE_LABEL, 'Exists'));
  } else {
    reqs.push(req('k8s', POD_NAMESPACE_LABEL, 'In', [policy.namespace]));
  }
  if (peer.podSelector) reqs.push(...fromLabelSelector(peer.podSelector, 'k8s'));
  return c.cache.labels(makeSelector(reqs));
}

function k8sPortParts(ports: readonly PortSpec[] | null): PortPart[] | null {
  if (ports === null) return null;
  return [
    {
      clauses: ports.map((s): PortClause => {
        if (s.port === undefined) return { kind: 'range', proto: s.protocol, from: 0, to: 65535 };
        if (typeof s.port === 'string')
          return { kind: 'named', ref: { name: s.port, protocol: s.protocol } };
        return { kind: 'range', proto: s.protocol, from: s.port, to: s.endPort ?? s.port };
      }),
      http: null,
    },
  ];
}

function compileK8sPolicy(c: Compiler, p: K8sNetworkPolicy, direction: Direction): CompiledRule[] {
  const rules = direction === 'ingress' ? p.ingress : p.egress;
  return rules.map((rule) => ({
    origin: `${formatRef(p.ref)} spec.${direction}[${rule.index}]`,
    direction,
    deny: false,
    // pkg/k8s/network_policy.go: an absent or empty from/to becomes the wildcard selector.
    peers:
      rule.peers === null ? [WILDCARD] : rule.peers.map((peer) => k8sPeerSelection(c, p, peer)),
    ports: k8sPortParts(rule.ports),
    l7Wildcard: true,
  }));
}

/** The keys a port clause gives for one remote identity (named ports resolve per pod). */
function clauseKeys(
  c: Compiler,
  clause: PortClause,
  direction: Direction,
  local: Pod,
  remote: number,
): PortKey[] {
  switch (clause.kind) {
    case 'any':
      return [ANY_KEY];
    case 'range':
      return portRangePrefixes(PROTO_NUMBER[clause.proto], clause.from, clause.to);
    case 'icmp':
      return [icmpPortKey(clause.type)];
    case 'named': {
      // Ingress: the endpoint's own container ports. Egress: the destination's (identity.ts makes
      // every pod of an identity resolve the name alike).
      const pod = direction === 'ingress' ? local : c.identities.get(remote)?.pods[0];
      if (!pod) return [];
      return resolveNamedPort(pod, clause.ref).map((p) => ({
        proto: PROTO_NUMBER[p.protocol],
        port: p.port,
        prefixLen: 24,
      }));
    }
  }
}

interface EndpointPolicy {
  readonly state: MapState;
  readonly proxy: ProxyPolicyRule[];
  readonly enforced: Record<Direction, boolean>;
  readonly enforcedBy: Record<Direction, string[]>;
}

function insertRule(
  c: Compiler,
  ep: EndpointPolicy,
  rule: CompiledRule,
  local: Pod,
  proxyPorts: Record<Direction, number>,
): void {
  const remotes: number[] = [];
  let wildcard = false;
  for (const sel of rule.peers) {
    if (sel.wildcard) wildcard = true;
    else remotes.push(...sel.ids);
  }
  const unique = [...new Set(remotes)];
  // A named port in an egress rule cannot be keyed on identity 0: it resolves per destination, so a
  // wildcard peer becomes every pod identity for it (only pods have named ports).
  const targetsFor = (clause: PortClause): number[] => {
    if (!wildcard) return unique;
    if (clause.kind === 'named' && rule.direction === 'egress') {
      return [...new Set([...unique, ...c.cache.podIdentities().ids])];
    }
    return [ID_ANY, ...unique];
  };
  const parts: readonly PortPart[] = rule.ports ?? [{ clauses: [{ kind: 'any' }], http: null }];
  for (const part of parts) {
    // What Envoy gets: per port, the remote identities and the HTTP rules (pkg/envoy/server.go).
    const envoy = new Map<string, { key: PortKey; remotes: number[]; any: boolean }>();
    for (const clause of part.clauses) {
      for (const remote of targetsFor(clause)) {
        for (const key of clauseKeys(c, clause, rule.direction, local, remote)) {
          const redirect = !rule.deny && part.http !== null && key.proto === PROTO_NUMBER.TCP;
          ep.state.insert({
            identity: remote,
            direction: rule.direction,
            key,
            deny: rule.deny,
            proxyPort: redirect ? proxyPorts[rule.direction] : 0,
            priority: redirect ? 1 : 0,
            derivedFrom: [rule.origin],
          });
          if (rule.deny) continue;
          const k = `${key.proto}/${key.port}/${key.prefixLen}`;
          let rec = envoy.get(k);
          if (!rec) {
            rec = { key, remotes: [], any: false };
            envoy.set(k, rec);
          }
          if (remote === ID_ANY) rec.any = true;
          else rec.remotes.push(remote);
        }
      }
    }
    for (const { key, remotes: ids2, any } of envoy.values()) {
      const http = key.proto === PROTO_NUMBER.TCP ? part.http : null;
      ep.proxy.push({
        direction: rule.direction,
        proto: key.proto,
        fromPort: key.prefixLen <= 8 ? 0 : key.port,
        toPort: key.prefixLen <= 8 ? 65535 : key.port + 2 ** (24 - key.prefixLen) - 1,
        remotes: any ? [] : ids2,
        anyRemote: any,
        // The allow-all rule of enableDefaultDeny: false never opens L7 (intro.rst).
        http: rule.l7Wildcard ? http : (http ?? []),
        origin: rule.origin,
      });
    }
  }
}

function compileEndpoint(
  c: Compiler,
  pod: Pod,
  set: LabelSet,
  byNamespace: PolicyIndex,
  proxyPorts: Record<Direction, number>,
): EndpointPolicy {
  const ep: EndpointPolicy = {
    state: new MapState(),
    proxy: [],
    enforced: { ingress: false, egress: false },
    enforcedBy: { ingress: [], egress: [] },
  };
  const cnps = [
    ...(byNamespace.cilium.get(pod.namespace) ?? []),
    ...byNamespace.clusterwide,
  ].filter((x) => selectorMatches(x.subject, set));
  const knps = (byNamespace.k8s.get(pod.namespace) ?? []).filter((x) =>
    selectorMatches(x.subject, set),
  );
  for (const direction of ['ingress', 'egress'] as const) {
    // pkg/policy/repository.go computePolicyEnforcementAndRules.
    const enforcing = cnps.filter(
      ({ policy: p }) =>
        ((direction === 'ingress' ? p.ingress : p.egress)?.length ?? 0) +
          ((direction === 'ingress' ? p.ingressDeny : p.egressDeny)?.length ?? 0) >
        0,
    );
    const k8s = knps.filter(({ policy }) => policy.policyTypes.includes(direction));
    ep.enforcedBy[direction] = [...enforcing, ...k8s].map(({ policy }) => formatRef(policy.ref));
    if (enforcing.length === 0 && k8s.length === 0) {
      ep.state.upsert({
        identity: ID_ANY,
        direction,
        key: ANY_KEY,
        deny: false,
        proxyPort: 0,
        priority: 0,
        derivedFrom: [`no ${direction} policy (allow all)`],
      });
      ep.proxy.push({
        direction,
        proto: 0,
        fromPort: 0,
        toPort: 65535,
        remotes: [],
        anyRemote: true,
        http: null,
        origin: 'allow all',
      });
    } else {
      ep.enforced[direction] = true;
      const rules = [
        ...enforcing.flatMap(({ policy }) => compileCiliumPolicy(c, policy, direction)),
        ...k8s.flatMap(({ policy }) => compileK8sPolicy(c, policy, direction)),
      ];
      const defaultDeny =
        k8s.length > 0 ||
        enforcing.some(({ policy }) => policy.enableDefaultDeny?.[direction] !== false);
      if (!defaultDeny) {
        rules.push({
          origin: `enableDefaultDeny.${direction}: false (allow-all rule)`,
          direction,
          deny: false,
          peers: [WILDCARD],
          ports: null,
          l7Wildcard: false,
        });
      }
      for (const rule of rules) insertRule(c, ep, rule, pod, proxyPorts);
    }
    if (direction === 'ingress') {
      // pkg/policy/mapstate.go determineAllowLocalhostIngress, after the rules.
      ep.state.insert({
        identity: ID_HOST,
        direction: 'ingress',
        key: ANY_KEY,
        deny: false,
        proxyPort: 0,
        priority: 0,
        derivedFrom: ['allow-localhost'],
      });
      // pkg/policy/rule.go createL4IngressFilter: L7 from the host is wildcarded.
      ep.proxy.push({
        direction,
        proto: 0,
        fromPort: 0,
        toPort: 65535,
        remotes: [ID_HOST],
        anyRemote: false,
        http: null,
        origin: 'allow-localhost',
      });
    }
  }
  return ep;
}

interface CompiledSubject<T> {
  readonly policy: T;
  readonly subject: CiliumSelector;
}

interface PolicyIndex {
  readonly cilium: Map<string, CompiledSubject<CiliumPolicy>[]>;
  readonly clusterwide: CompiledSubject<CiliumPolicy>[];
  readonly k8s: Map<string, CompiledSubject<K8sNetworkPolicy>[]>;
}

function indexPolicies(cluster: Cluster): PolicyIndex {
  const idx: PolicyIndex = { cilium: new Map(), clusterwide: [], k8s: new Map() };
  const push = <T>(m: Map<string, T[]>, k: string, v: T) => {
    const l = m.get(k);
    if (l) l.push(v);
    else m.set(k, [v]);
  };
  for (const p of cluster.ciliumPolicies) {
    if (!p.endpointSelector) continue; // nodeSelector: host firewall, not modelled
    if (p.clusterwide)
      idx.clusterwide.push({ policy: p, subject: subjectSelector(p.endpointSelector, undefined) });
    else if (p.namespace)
      push(idx.cilium, p.namespace, {
        policy: p,
        subject: subjectSelector(p.endpointSelector, p.namespace),
      });
  }
  for (const p of cluster.k8sPolicies) {
    if (p.staged) continue;
    // pkg/k8s/network_policy.go: the podSelector with k8s: keys and the policy's namespace. (Cilium
    // overwrites a podSelector naming io.kubernetes.pod.namespace; PacketWalk ANDs, as the spec reads.)
    const subject = makeSelector([
      ...fromLabelSelector(p.podSelector, 'k8s'),
      req('k8s', POD_NAMESPACE_LABEL, 'In', [p.namespace]),
    ]);
    push(idx.k8s, p.namespace, { policy: p, subject });
  }
  return idx;
}

// ---------------------------------------------------------------------------------------------
// Compile: everything
// ---------------------------------------------------------------------------------------------

/** Endpoint IDs: 1..4095 per node (pkg/endpoint/id); PacketWalk derives them from the pod name. */
function endpointIds(pods: readonly Pod[]): Map<string, number> {
  const used = new Set<number>();
  const out = new Map<string, number>();
  for (const pod of [...pods].sort((a, b) => (podKey(a) < podKey(b) ? -1 : 1))) {
    const h = sha256(podKey(pod));
    let id = (((h[0]! << 8) | h[1]!) % 4000) + 64;
    while (used.has(id)) id = id >= 4095 ? 64 : id + 1;
    used.add(id);
    out.set(podKey(pod), id);
  }
  return out;
}

export const policyMapName = (id: number): string =>
  `cilium_policy_v2_${String(id).padStart(5, '0')}`;

export function compileCilium(cluster: Cluster): CiliumDataplane {
  const { all, podIdentity, nodeIdentity } = allocateIdentities(cluster);
  const identities = new Map(all.map((i) => [i.id, i]));
  const c: Compiler = { cluster, cache: new SelectorCache(all), identities };
  const proxyPorts = {
    ingress: stablePort(LISTENERS.ingress),
    egress: stablePort(LISTENERS.egress),
  };
  const policies = indexPolicies(cluster);
  const ids = endpointIds(cluster.pods);
  const index = indexCluster(cluster);

  // Endpoints with the same identity and container ports get the same policy (Cilium computes one
  // selector policy per identity; named ports are resolved per endpoint).
  const shared = new Map<
    string,
    { entries: PolicyMapEntry[]; lpm: Map<string, PolicyMapEntry[]>; policy: EndpointPolicy }
  >();
  const endpoints: CiliumEndpoint[] = [];
  const policyMaps = new Map<number, readonly PolicyMapEntry[]>();
  const proxyPolicies = new Map<number, readonly ProxyPolicyRule[]>();
  const lpm = new Map<number, ReadonlyMap<string, readonly PolicyMapEntry[]>>();
  const plan = ciliumIdentityPlan(cluster);
  for (const pod of cluster.pods) {
    const identity = podIdentity.get(podKey(pod))!;
    const sig = `${identity}|${pod.ports.map((p) => `${p.name ?? ''}:${p.protocol}/${p.port}`).join(',')}`;
    let s = shared.get(sig);
    if (!s) {
      const policy = compileEndpoint(c, pod, plan.podLabels(pod), policies, proxyPorts);
      const entries = policy.state.entries();
      const byKey = new Map<string, PolicyMapEntry[]>();
      for (const e of entries) {
        const k = `${e.identity}/${e.direction}`;
        const l = byKey.get(k);
        if (l) l.push(e);
        else byKey.set(k, [e]);
      }
      for (const l of byKey.values()) l.sort((a, b) => b.prefixLen - a.prefixLen);
      s = { entries, lpm: byKey, policy };
      shared.set(sig, s);
    }
    const id = ids.get(podKey(pod))!;
    endpoints.push({
      id,
      pod: podKey(pod),
      node: pod.nodeName,
      ip: pod.ip,
      identity,
      mapName: policyMapName(id),
      enforced: s.policy.enforced,
      enforcedBy: s.policy.enforcedBy,
    });
    policyMaps.set(id, s.entries);
    proxyPolicies.set(id, s.policy.proxy);
    lpm.set(id, s.lpm);
  }

  // ipcache
  const ipcache: IpcacheEntry[] = [];
  const podAddresses = new Map<string, IpcacheEntry>();
  for (const pod of cluster.pods) {
    const node = index.nodeByName.get(pod.nodeName);
    const entry: IpcacheEntry = {
      prefix: `${pod.ip}/32`,
      identity: podIdentity.get(podKey(pod))!,
      hostNode: pod.nodeName,
      ...(node ? { hostNodeIP: node.internalIP } : {}),
    };
    podAddresses.set(pod.ip, entry);
    ipcache.push(entry);
  }
  const prefixes: { cidr: Cidr; entry: IpcacheEntry }[] = [];
  for (const info of all) {
    if (!info.cidr) continue;
    const entry: IpcacheEntry = { prefix: info.cidr.text, identity: info.id };
    prefixes.push({ cidr: info.cidr, entry });
    ipcache.push(entry);
  }
  const world: IpcacheEntry = { prefix: '0.0.0.0/0', identity: ID_WORLD };
  ipcache.push(world);
  prefixes.push({ cidr: { base: 0, prefix: 0, text: '0.0.0.0/0' }, entry: world });
  prefixes.sort((a, b) => b.cidr.prefix - a.cidr.prefix);

  const nodeAddresses = new Map<string, Map<string, number>>();
  for (const view of cluster.nodes) {
    const m = new Map<string, number>();
    for (const node of cluster.nodes) {
      const identity = node.name === view.name ? ID_HOST : nodeIdentity.get(node.name)!;
      m.set(node.internalIP, identity);
      ipcache.push({ prefix: `${node.internalIP}/32`, identity, node: view.name });
    }
    nodeAddresses.set(view.name, m);
  }

  return {
    identities: all
      .map((i) => ({ id: i.id, labels: i.set.labels.map(formatCiliumLabel), scope: i.scope }))
      .sort((a, b) => a.id - b.id),
    ipcache,
    endpoints,
    policyMaps,
    proxyPolicies,
    proxyPorts: { [LISTENERS.egress]: proxyPorts.egress, [LISTENERS.ingress]: proxyPorts.ingress },
    nodes: cluster.nodes.map((n) => n.name),
    index: {
      endpointByPod: new Map(endpoints.map((e) => [e.pod, e])),
      identityById: new Map(
        all.map((i) => [
          i.id,
          { id: i.id, labels: i.set.labels.map(formatCiliumLabel), scope: i.scope },
        ]),
      ),
      lpm,
      nodeAddresses,
      podAddresses,
      prefixes,
      nodeIPs: new Map(cluster.nodes.map((n) => [n.name, n.internalIP])),
    },
  };
}

export function ciliumStats(dp: CiliumDataplane): {
  identities: number;
  ipcacheEntries: number;
  policyMapEntries: number;
} {
  let entries = 0;
  for (const m of dp.policyMaps.values()) entries += m.length;
  return {
    identities: dp.identities.length,
    ipcacheEntries: dp.ipcache.length,
    policyMapEntries: entries,
  };
}

// ---------------------------------------------------------------------------------------------
// Evaluate
// ---------------------------------------------------------------------------------------------

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

interface IpcacheHit {
  readonly identity: number;
  readonly prefix: string;
}

function ipcacheLookup(dp: CiliumDataplane, node: string, ip: string): IpcacheHit {
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

interface DirectionOutcome {
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
function judge(
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
  const lpm = dp.index.lpm.get(endpoint.id);

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

/** What Envoy does with a redirected request (the PortNetworkPolicy rules of proxyPolicies). */
function proxyJudges(
  dp: CiliumDataplane,
  outcome: DirectionOutcome,
  probe: ResolvedProbe,
): { allowed: boolean; reason: string; notes: string[]; trace: ProxyEvent } {
  const rules = (dp.proxyPolicies.get(outcome.endpoint.id) ?? []).filter(
    (r) =>
      r.direction === outcome.direction &&
      probe.protocol !== 'ICMP' &&
      (r.proto === 0 || r.proto === PROTO_NUMBER[probe.protocol]) &&
      probe.port >= r.fromPort &&
      probe.port <= r.toPort &&
      (r.anyRemote || r.remotes.includes(outcome.remote)),
  );
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
  const { src, dst } = probe;
  if (src.kind === 'pod' && dst.kind === 'pod' && podKey(src.pod) === podKey(dst.pod)) {
    return {
      allowed: true,
      reason:
        'A pod talking to its own address never leaves its network namespace, so no Cilium program sees it.',
      notes: [],
      decidedAt: 'no hook',
      cost: 0,
      trace: [],
    };
  }
  if (src.kind === 'pod' && dst.kind === 'node' && dst.node.name === src.pod.nodeName) {
    return {
      allowed: true,
      reason: `The NetworkPolicy spec always allows traffic between a pod and the node it runs on (${dst.node.name}).`,
      notes: [
        'Real Cilium looks this up in the pod’s policy map with identity 1 (host) on egress; PacketWalk shows the spec’s verdict.',
      ],
      decidedAt: 'spec: pod to its own node',
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
