/**
 * Which labels make up each peer's security identity, shared by the reference evaluator and the eBPF
 * model so both see the same label sets.
 *
 * Cilium's identity is one number per distinct set of security-relevant labels
 * (Documentation/security/network/identity.rst, pkg/identity). PacketWalk follows that, with three
 * additions that let an identity-keyed datapath give the Kubernetes NetworkPolicy spec's answer
 * where real Cilium does not (issue #3: both CNIs are modelled as conforming to the spec):
 *
 * 1. Label keys that a Kubernetes NetworkPolicy selects on but Cilium's default label filter drops
 *    (e.g. `pod-template-hash`) are kept in the identity, as if `--labels` listed them. Real Cilium
 *    would never match such a selector.
 * 2. A Kubernetes `ipBlock` that contains some pod or node addresses selects those peers (real
 *    Cilium never matches in-cluster addresses with CIDR rules: cilium/cilium#9209, #12277). When an
 *    ipBlock contains some but not all pods that share a label set, those pods get a
 *    `packetwalk:ipblock/<block>` label so the datapath can tell them apart; node addresses inside
 *    any Kubernetes ipBlock get such labels too, and with them their own identity.
 * 3. An egress rule's named port is resolved against each destination pod (the spec); when pods
 *    sharing a label set resolve a name differently, they get a `packetwalk:named-port/...` label.
 *    (Real Cilium resolves egress named ports with a cluster-wide name -> port map.)
 *
 * The `packetwalk:` source never exists in a real cluster; explanations say so where it decides.
 */
import { cidrContainsIP, parseIPv4 } from '../cidr';
import { indexCluster, podKey } from '../cluster';
import { editedRange } from '../fingerprint';
import type { Cluster, ClusterNode, IPBlock, Pod, Protocol } from '../model';
import {
  endpointLabels,
  formatCiliumLabel,
  isSecurityRelevant,
  labelSet,
  labelSetText,
  type CiliumLabel,
  type LabelSet,
} from './labels';

export const PACKETWALK_SOURCE = 'packetwalk';
const REMOTE_NODE_LABEL: CiliumLabel = { source: 'reserved', key: 'remote-node', value: '' };

export const formatIpBlock = (b: IPBlock): string =>
  b.except.length === 0
    ? b.cidr.text
    : `${b.cidr.text}-except-${b.except.map((e) => e.text).join('+')}`;

export const ipBlockContains = (b: IPBlock, ip: string): boolean =>
  ipBlockContainsIP(b, parseIPv4(ip));

/** The same for an address already parsed (null: not an address, in no block). */
export const ipBlockContainsIP = (b: IPBlock, ip: number | null): boolean =>
  ip !== null && cidrContainsIP(b.cidr, ip) && !b.except.some((e) => cidrContainsIP(e, ip));

/** A named port an egress rule refers to, with the protocol it asks for (`ANY`: any protocol). */
export interface NamedPortRef {
  readonly name: string;
  readonly protocol: Protocol | 'ANY';
}

/**
 * The container ports a named port resolves to on `pod`: by name, and by protocol unless the rule
 * leaves it open (a CiliumNetworkPolicy port with protocol ANY).
 */
export function resolveNamedPort(
  pod: Pod,
  ref: NamedPortRef,
): { port: number; protocol: Protocol }[] {
  return pod.ports
    .filter((p) => p.name === ref.name && (ref.protocol === 'ANY' || p.protocol === ref.protocol))
    .map((p) => ({ port: p.port, protocol: p.protocol }));
}

const namedPortKey = (ref: NamedPortRef): string => `${ref.name}/${ref.protocol}`;

function namedPortResolution(pod: Pod, ref: NamedPortRef): string {
  const found = resolveNamedPort(pod, ref)
    .map((p) => `${p.protocol}/${p.port}`)
    .sort();
  return found.length === 0 ? 'none' : found.join('+');
}

export interface CiliumIdentityPlan {
  /** The identity labels of the pod's endpoint. */
  podLabels(pod: Pod): LabelSet;
  /** The labels a node's address carries when another node looks it up (`reserved:remote-node`). */
  remoteNodeLabels(node: ClusterNode): LabelSet;
  /** Every distinct Kubernetes ipBlock of the cluster's NetworkPolicies. */
  readonly k8sIpBlocks: readonly IPBlock[];
  /** The named ports egress rules refer to. */
  readonly egressNamedPorts: readonly NamedPortRef[];
  /** Label keys kept in identities only because a Kubernetes NetworkPolicy selects on them. */
  readonly keptFilteredKeys: ReadonlySet<string>;
}

const cache = new WeakMap<Cluster, CiliumIdentityPlan>();

export function ciliumIdentityPlan(cluster: Cluster): CiliumIdentityPlan {
  const cached = cache.get(cluster);
  if (cached) return cached;
  const plan = buildPlan(cluster);
  cache.set(cluster, plan);
  return plan;
}

/** One policy's part of what the plan asks of the policies (selector keys, ipBlocks, egress named
 * ports), kept per policy object. */
const policyInputs = new WeakMap<object, readonly string[]>();
function inputsOf(p: object, alone: () => Cluster): readonly string[] {
  let parts = policyInputs.get(p);
  if (!parts) {
    parts = [
      ...[...collectK8sSelectorKeys(alone())].map((k) => `key ${k}`),
      ...collectIpBlocks(alone()).map((b) => `ipBlock ${formatIpBlock(b)}`),
      ...collectEgressNamedPorts(alone()).map((r) => `port ${namedPortKey(r)}`),
    ];
    policyInputs.set(p, parts);
  }
  return parts;
}

/** What the plan asks of a cluster's policies: each input with the number of policies asking. */
const planInputs = new WeakMap<Cluster, Map<string, number>>();

/** Adds `sign` to the count of every input of the policies of `cluster` in the given ranges. */
function countInputs(
  counts: Map<string, number>,
  cluster: Cluster,
  k8s: readonly [number, number],
  cilium: readonly [number, number],
  sign: 1 | -1,
): void {
  const none = { ...cluster, k8sPolicies: [], ciliumPolicies: [] };
  const add = (parts: readonly string[]) => {
    for (const x of parts) counts.set(x, (counts.get(x) ?? 0) + sign);
  };
  for (let i = k8s[0]; i < k8s[1]; i++) {
    const p = cluster.k8sPolicies[i]!;
    add(inputsOf(p, () => ({ ...none, k8sPolicies: [p] })));
  }
  for (let i = cilium[0]; i < cilium[1]; i++) {
    const p = cluster.ciliumPolicies[i]!;
    add(inputsOf(p, () => ({ ...none, ciliumPolicies: [p] })));
  }
}

function planInputsOf(cluster: Cluster): Map<string, number> {
  let counts = planInputs.get(cluster);
  if (!counts) {
    counts = new Map();
    const all = [0, cluster.k8sPolicies.length] as const;
    countInputs(counts, cluster, all, [0, cluster.ciliumPolicies.length], 1);
    planInputs.set(cluster, counts);
  }
  return counts;
}

/**
 * For an incremental recompile: `next` gets `previous`'s plan when it has the same pods, namespaces
 * and nodes (the same objects) and its policies ask the plan for the same things. Only the policies
 * an edit changed are looked at (fingerprint.ts editedRange): the counts of what they ask for are
 * taken off and put back, and the plan carries over when no input appears or disappears.
 */
export function carryIdentityPlan(previous: Cluster, next: Cluster): void {
  const plan = cache.get(previous);
  if (!plan || cache.has(next)) return;
  if (
    next.pods !== previous.pods ||
    next.namespaces !== previous.namespaces ||
    next.nodes !== previous.nodes
  )
    return;
  const before = planInputsOf(previous);
  const k8s = editedRange(previous.k8sPolicies, next.k8sPolicies);
  const cilium = editedRange(previous.ciliumPolicies, next.ciliumPolicies);
  const changes = new Map<string, number>();
  countInputs(changes, previous, [k8s.start, k8s.endPrev], [cilium.start, cilium.endPrev], -1);
  countInputs(changes, next, [k8s.start, k8s.endNext], [cilium.start, cilium.endNext], 1);
  const after = new Map(before);
  let same = true;
  for (const [x, d] of changes) {
    const was = before.get(x) ?? 0;
    if (was > 0 !== was + d > 0) same = false;
    if (was + d > 0) after.set(x, was + d);
    else after.delete(x);
  }
  planInputs.set(next, after);
  if (same) cache.set(next, plan);
}

function collectK8sSelectorKeys(cluster: Cluster): Set<string> {
  const keys = new Set<string>();
  const add = (s: { matchLabels?: object; matchExpressions?: readonly { key: string }[] }) => {
    for (const k of Object.keys(s.matchLabels ?? {})) keys.add(k);
    for (const r of s.matchExpressions ?? []) keys.add(r.key);
  };
  for (const p of cluster.k8sPolicies) {
    if (p.staged) continue;
    add(p.podSelector);
    for (const rule of [...p.ingress, ...p.egress]) {
      for (const peer of rule.peers ?? []) if (peer.podSelector) add(peer.podSelector);
    }
  }
  return keys;
}

function collectIpBlocks(cluster: Cluster): IPBlock[] {
  const seen = new Map<string, IPBlock>();
  for (const p of cluster.k8sPolicies) {
    if (p.staged) continue;
    for (const rule of [...p.ingress, ...p.egress]) {
      for (const peer of rule.peers ?? []) {
        if (peer.ipBlock) seen.set(formatIpBlock(peer.ipBlock), peer.ipBlock);
      }
    }
  }
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, b]) => b);
}

function collectEgressNamedPorts(cluster: Cluster): NamedPortRef[] {
  const seen = new Map<string, NamedPortRef>();
  const add = (ref: NamedPortRef) => seen.set(namedPortKey(ref), ref);
  for (const p of cluster.k8sPolicies) {
    if (p.staged || !p.policyTypes.includes('egress')) continue;
    for (const rule of p.egress) {
      for (const port of rule.ports ?? []) {
        if (typeof port.port === 'string') add({ name: port.port, protocol: port.protocol });
      }
    }
  }
  for (const p of cluster.ciliumPolicies) {
    for (const rule of [...(p.egress ?? []), ...(p.egressDeny ?? [])]) {
      for (const pr of rule.toPorts ?? []) {
        for (const port of pr.ports) {
          if (typeof port.port === 'string') add({ name: port.port, protocol: port.protocol });
        }
      }
    }
  }
  return [...seen.values()].sort((a, b) =>
    namedPortKey(a) < namedPortKey(b) ? -1 : namedPortKey(a) > namedPortKey(b) ? 1 : 0,
  );
}

/**
 * Labels members of a group that a value splits (members disagree), so every resulting group is
 * uniform for that value. `groupKey` holds each member's current group and is updated in place.
 */
function splitGroups<T>(
  members: readonly T[],
  groupKey: Map<T, string>,
  value: (m: T) => string,
  label: (v: string) => CiliumLabel | null,
  extra: Map<T, CiliumLabel[]>,
): void {
  const all = members.map(value);
  // Every member alike (an ipBlock no pod is in): every group is uniform.
  if (all.every((v) => v === all[0])) return;
  const groups = new Map<string, { members: T[]; values: string[] }>();
  for (let i = 0; i < members.length; i++) {
    const m = members[i]!;
    const g = groupKey.get(m)!;
    const v = all[i]!;
    const entry = groups.get(g);
    if (entry) {
      entry.members.push(m);
      entry.values.push(v);
    } else groups.set(g, { members: [m], values: [v] });
  }
  for (const { members: list, values } of groups.values()) {
    if (values.every((v) => v === values[0])) continue;
    list.forEach((m, i) => {
      const l = label(values[i]!);
      if (!l) return;
      extra.get(m)!.push(l);
      groupKey.set(m, `${groupKey.get(m)!};${formatCiliumLabel(l)}`);
    });
  }
}

function buildPlan(cluster: Cluster): CiliumIdentityPlan {
  const index = indexCluster(cluster);
  const selectorKeys = collectK8sSelectorKeys(cluster);
  const k8sIpBlocks = collectIpBlocks(cluster);
  const egressNamedPorts = collectEgressNamedPorts(cluster);
  const keptFilteredKeys = new Set<string>();

  const base = new Map<Pod, CiliumLabel[]>();
  for (const pod of cluster.pods) {
    const labels = endpointLabels(pod, index.namespace(pod.namespace)).filter((l) => {
      if (isSecurityRelevant(l)) return true;
      if (selectorKeys.has(l.key)) {
        keptFilteredKeys.add(l.key);
        return true;
      }
      return false;
    });
    base.set(pod, labels);
  }

  const extra = new Map<Pod, CiliumLabel[]>(cluster.pods.map((p) => [p, []]));
  const podGroup = new Map(cluster.pods.map((p) => [p, labelSetText(base.get(p)!)]));
  const podIPs = new Map(cluster.pods.map((p) => [p, parseIPv4(p.ip)]));
  for (const block of k8sIpBlocks) {
    const name = formatIpBlock(block);
    splitGroups(
      cluster.pods,
      podGroup,
      (p) => (ipBlockContainsIP(block, podIPs.get(p) ?? null) ? 'in' : 'out'),
      (v) => (v === 'in' ? { source: PACKETWALK_SOURCE, key: `ipblock/${name}`, value: '' } : null),
      extra,
    );
  }
  for (const ref of egressNamedPorts) {
    splitGroups(
      cluster.pods,
      podGroup,
      (p) => namedPortResolution(p, ref),
      (v) => ({ source: PACKETWALK_SOURCE, key: `named-port/${namedPortKey(ref)}`, value: v }),
      extra,
    );
  }
  const podSets = new Map<string, LabelSet>();
  for (const pod of cluster.pods) {
    podSets.set(podKey(pod), labelSet([...base.get(pod)!, ...extra.get(pod)!]));
  }

  // All remote nodes share `reserved:remote-node` (identity 6) unless an ipBlock tells them apart.
  const nodeExtra = new Map<ClusterNode, CiliumLabel[]>(cluster.nodes.map((n) => [n, []]));
  const nodeGroup = new Map(cluster.nodes.map((n) => [n, '']));
  for (const block of k8sIpBlocks) {
    const name = formatIpBlock(block);
    splitGroups(
      cluster.nodes,
      nodeGroup,
      (n) => (ipBlockContains(block, n.internalIP) ? 'in' : 'out'),
      (v) => (v === 'in' ? { source: PACKETWALK_SOURCE, key: `ipblock/${name}`, value: '' } : null),
      nodeExtra,
    );
  }
  const nodeSets = new Map<string, LabelSet>();
  for (const node of cluster.nodes) {
    nodeSets.set(node.name, labelSet([REMOTE_NODE_LABEL, ...nodeExtra.get(node)!]));
  }

  return {
    podLabels: (pod) => podSets.get(podKey(pod)) ?? labelSet(endpointLabels(pod, undefined)),
    remoteNodeLabels: (node) => nodeSets.get(node.name) ?? labelSet([REMOTE_NODE_LABEL]),
    k8sIpBlocks,
    egressNamedPorts,
    keptFilteredKeys,
  };
}
