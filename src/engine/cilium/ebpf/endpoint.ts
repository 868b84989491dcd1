/** One endpoint's policy: which policies select it, what they enforce, and their rules inserted
 * into its map state and its proxy (Envoy) rules. */
import {
  type CiliumPolicy,
  type Cluster,
  type Direction,
  formatRef,
  type K8sNetworkPolicy,
  type Pod,
} from '../../model';
import {
  type CiliumSelector,
  fromLabelSelector,
  type LabelSet,
  makeSelector,
  POD_NAMESPACE_LABEL,
  selectorMatches,
  subjectSelector,
} from '../labels';
import { mapEntry, MapState } from './mapState';
import { ANY_KEY, type PortKey } from './portKey';
import {
  clauseKeys,
  compileCiliumPolicy,
  type CompiledRule,
  compileK8sPolicy,
  type Compiler,
  type PortClause,
  type PortPart,
} from './rules';
import { forEachLabelText, labelText, req, WILDCARD } from './selectorCache';
import { ID_ANY, ID_HOST, PROTO_NUMBER, type ProxyPolicyRule } from './types';

export interface EndpointPolicy {
  readonly state: MapState;
  readonly proxy: ProxyPolicyRule[];
  readonly enforced: Record<Direction, boolean>;
  readonly enforcedBy: Record<Direction, string[]>;
}

/** The remote identities of a rule's peers (each once, in order) and whether a peer is the
 * wildcard. */
function ruleRemotes(rule: CompiledRule): { unique: readonly number[]; wildcard: boolean } {
  if (rule.peers.length === 1) {
    const only = rule.peers[0]!;
    return { unique: only.ids, wildcard: only.wildcard };
  }
  const ids = new Set<number>();
  let wildcard = false;
  for (const sel of rule.peers) {
    if (sel.wildcard) wildcard = true;
    else for (const id of sel.ids) ids.add(id);
  }
  return { unique: [...ids], wildcard };
}

/** A port key as one number, for grouping what Envoy gets per port. */
const portKeyNumber = (key: PortKey): number => (key.proto * 65536 + key.port) * 32 + key.prefixLen;

function insertRule(
  c: Compiler,
  ep: EndpointPolicy,
  rule: CompiledRule,
  local: Pod,
  proxyPorts: Record<Direction, number>,
): void {
  const { unique, wildcard } = ruleRemotes(rule);
  const targets = wildcard ? [ID_ANY, ...unique] : unique;
  // A named port in an egress rule cannot be keyed on identity 0: it resolves per destination, so a
  // wildcard peer becomes every pod identity for it (only pods have named ports).
  const targetsFor = (clause: PortClause): readonly number[] =>
    wildcard && clause.kind === 'named' && rule.direction === 'egress'
      ? [...new Set([...unique, ...c.cache.podIdentities().ids])]
      : targets;
  const parts: readonly PortPart[] = rule.ports ?? ANY_PORT;
  const origin = [rule.origin];
  const direction = rule.direction;
  for (const part of parts) {
    // What Envoy gets: per port, the remote identities and the HTTP rules (pkg/envoy/server.go).
    const envoy = rule.deny
      ? null
      : new Map<number, { key: PortKey; remotes: number[]; any: boolean }>();
    for (const clause of part.clauses) {
      // Only a named port's keys depend on the remote identity.
      const fixed = clause.kind === 'named' ? null : clauseKeys(c, clause, direction, local, 0);
      for (const remote of targetsFor(clause)) {
        const keys = fixed ?? clauseKeys(c, clause, direction, local, remote);
        for (const key of keys) {
          const redirect = !rule.deny && part.http !== null && key.proto === PROTO_NUMBER.TCP;
          ep.state.insert(
            mapEntry(
              remote,
              direction,
              key,
              rule.deny,
              redirect ? proxyPorts[direction] : 0,
              redirect ? 1 : 0,
              origin,
            ),
          );
          if (!envoy) continue;
          const k = portKeyNumber(key);
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
    if (!envoy) continue;
    for (const { key, remotes: ids2, any } of envoy.values()) {
      const http = key.proto === PROTO_NUMBER.TCP ? part.http : null;
      ep.proxy.push({
        direction,
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

const ANY_PORT: readonly PortPart[] = [{ clauses: [{ kind: 'any' }], http: null }];

/** The rule enableDefaultDeny: false adds, after the policies' own. */
const allowAll = (direction: Direction): CompiledRule => ({
  origin: `enableDefaultDeny.${direction}: false (allow-all rule)`,
  direction,
  deny: false,
  peers: [WILDCARD],
  ports: null,
  l7Wildcard: false,
});
const ALLOW_ALL: Record<Direction, CompiledRule> = {
  ingress: allowAll('ingress'),
  egress: allowAll('egress'),
};

/**
 * A list of subjects indexed by one required label each: a selector with `key In (value)` (one
 * value) can only select a label set with that label, so only the subjects filed under the set's
 * labels, and those with no such requirement, need matching.
 */
interface SubjectIndex {
  /** `source\0key\0value` (source `any` for an `any:` key) -> positions in the list. */
  readonly byLabel: Map<string, number[]>;
  /** Positions of subjects without such a requirement. */
  readonly rest: readonly number[];
}

const subjectIndexes = new WeakMap<readonly CompiledSubject<unknown>[], SubjectIndex>();

function subjectIndex(list: readonly CompiledSubject<unknown>[]): SubjectIndex {
  let index = subjectIndexes.get(list);
  if (index) return index;
  const byLabel = new Map<string, number[]>();
  const rest: number[] = [];
  list.forEach((x, i) => {
    // The namespace of a namespaced policy's subject is the list's own: a label of any pod asked.
    const anchor = x.subject.requirements.find(
      (r) => r.operator === 'In' && r.values.length === 1 && r.key.key !== POD_NAMESPACE_LABEL,
    );
    if (!anchor) {
      rest.push(i);
      return;
    }
    const k = labelText(anchor.key.source, anchor.key.key, anchor.values[0]!);
    const l = byLabel.get(k);
    if (l) l.push(i);
    else byLabel.set(k, [i]);
  });
  index = { byLabel, rest };
  subjectIndexes.set(list, index);
  return index;
}

/** The positions in the cluster's list of the policies of a list whose subject selects the label
 * set, in the list's order. */
function selecting<T>(list: Listed<T> | undefined, set: LabelSet): number[] {
  const out: number[] = [];
  if (!list || list.subjects.length === 0) return out;
  const index = subjectIndex(list.subjects);
  const candidates = [...index.rest];
  const add = (k: string) => {
    const l = index.byLabel.get(k);
    if (l) for (const i of l) candidates.push(i);
  };
  forEachLabelText(set, add);
  candidates.sort((a, b) => a - b);
  for (const i of candidates) {
    if (selectorMatches(list.subjects[i]!.subject, set)) out.push(list.at[i]!);
  }
  return out;
}

/**
 * The policies that select an endpoint, as positions in the cluster's lists (in the order the
 * agent sees them: the namespace's CiliumNetworkPolicies, the clusterwide ones, the namespace's
 * NetworkPolicies). Positions, not objects, so that a recompile can carry a selection over an edit
 * of a range of the lists (selection.ts).
 */
export interface Selection {
  readonly cilium: readonly number[];
  readonly clusterwide: readonly number[];
  readonly k8s: readonly number[];
}

export function selectPolicies(index: PolicyIndex, namespace: string, set: LabelSet): Selection {
  const cw = index.clusterwide;
  const clusterwide: number[] = [];
  for (let i = 0; i < cw.subjects.length; i++) {
    if (selectorMatches(cw.subjects[i]!.subject, set)) clusterwide.push(cw.at[i]!);
  }
  return {
    cilium: selecting(index.cilium.get(namespace), set),
    clusterwide,
    k8s: selecting(index.k8s.get(namespace), set),
  };
}

/** A policy's rules in one direction, compiled once per selector cache (the rules' selections
 * depend only on the identities the cache was built over). */
function policyRules<T extends object>(
  c: Compiler,
  policy: T,
  direction: Direction,
  compile: (c: Compiler, p: T, direction: Direction) => CompiledRule[],
): readonly CompiledRule[] {
  let known = c.rules.get(policy);
  if (!known) c.rules.set(policy, (known = {}));
  return (known[direction] ??= compile(c, policy, direction));
}

export function compileEndpoint(
  c: Compiler,
  pod: Pod,
  cluster: Cluster,
  selection: Selection,
  proxyPorts: Record<Direction, number>,
): EndpointPolicy {
  const ep: EndpointPolicy = {
    state: new MapState(),
    proxy: [],
    enforced: { ingress: false, egress: false },
    enforcedBy: { ingress: [], egress: [] },
  };
  const cnps: CiliumPolicy[] = [];
  for (const i of selection.cilium) cnps.push(cluster.ciliumPolicies[i]!);
  for (const i of selection.clusterwide) cnps.push(cluster.ciliumPolicies[i]!);
  const knps = selection.k8s.map((i) => cluster.k8sPolicies[i]!);
  for (const direction of ['ingress', 'egress'] as const) {
    // pkg/policy/repository.go computePolicyEnforcementAndRules.
    const enforcing = cnps.filter(
      (p) =>
        ((direction === 'ingress' ? p.ingress : p.egress)?.length ?? 0) +
          ((direction === 'ingress' ? p.ingressDeny : p.egressDeny)?.length ?? 0) >
        0,
    );
    const k8s = knps.filter((policy) => policy.policyTypes.includes(direction));
    ep.enforcedBy[direction] = [...enforcing, ...k8s].map((policy) => formatRef(policy.ref));
    if (enforcing.length === 0 && k8s.length === 0) {
      ep.state.upsert(
        mapEntry(ID_ANY, direction, ANY_KEY, false, 0, 0, [`no ${direction} policy (allow all)`]),
      );
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
      for (const policy of enforcing) {
        for (const rule of policyRules(c, policy, direction, compileCiliumPolicy)) {
          insertRule(c, ep, rule, pod, proxyPorts);
        }
      }
      for (const policy of k8s) {
        for (const rule of policyRules(c, policy, direction, compileK8sPolicy)) {
          insertRule(c, ep, rule, pod, proxyPorts);
        }
      }
      const defaultDeny =
        k8s.length > 0 ||
        enforcing.some((policy) => policy.enableDefaultDeny?.[direction] !== false);
      if (!defaultDeny) insertRule(c, ep, ALLOW_ALL[direction], pod, proxyPorts);
    }
    if (direction === 'ingress') {
      // pkg/policy/mapstate.go determineAllowLocalhostIngress, after the rules.
      ep.state.insert(mapEntry(ID_HOST, 'ingress', ANY_KEY, false, 0, 0, ['allow-localhost']));
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

/** Subjects of a list of policies and their positions in the cluster's list. */
export interface Listed<T> {
  readonly subjects: CompiledSubject<T>[];
  readonly at: number[];
}

/** The policies that may select a pod, by the pod's namespace (lists in the cluster's order). */
export interface PolicyIndex {
  readonly cilium: { get(namespace: string): Listed<CiliumPolicy> | undefined };
  readonly clusterwide: Listed<CiliumPolicy>;
  readonly k8s: { get(namespace: string): Listed<K8sNetworkPolicy> | undefined };
}

/** Subject selectors per policy object, so a recompile builds only those of changed policies. */
const subjects = new WeakMap<object, CompiledSubject<object>>();
const subjectOf = <T extends object>(
  policy: T,
  build: () => CiliumSelector,
): CompiledSubject<T> => {
  let s = subjects.get(policy) as CompiledSubject<T> | undefined;
  if (!s) subjects.set(policy, (s = { policy, subject: build() }));
  return s;
};

/** A CiliumNetworkPolicy's subject; undefined for a nodeSelector (host firewall, not modelled). */
export const ciliumSubject = (p: CiliumPolicy): CompiledSubject<CiliumPolicy> | undefined => {
  const sel = p.endpointSelector;
  if (!sel) return undefined;
  return subjectOf(p, () => subjectSelector(sel, p.clusterwide ? undefined : p.namespace));
};

// pkg/k8s/network_policy.go: the podSelector with k8s: keys and the policy's namespace. (Cilium
// overwrites a podSelector naming io.kubernetes.pod.namespace; PacketWalk ANDs, as the spec reads.)
export const k8sSubject = (p: K8sNetworkPolicy): CompiledSubject<K8sNetworkPolicy> =>
  subjectOf(p, () =>
    makeSelector([
      ...fromLabelSelector(p.podSelector, 'k8s'),
      req('k8s', POD_NAMESPACE_LABEL, 'In', [p.namespace]),
    ]),
  );

const listed = <T>(): Listed<T> => ({ subjects: [], at: [] });
const push = <T>(l: Listed<T>, s: CompiledSubject<T>, at: number) => {
  l.subjects.push(s);
  l.at.push(at);
};

export function indexPolicies(cluster: Cluster): PolicyIndex {
  const cilium = new Map<string, Listed<CiliumPolicy>>();
  const clusterwide = listed<CiliumPolicy>();
  const k8s = new Map<string, Listed<K8sNetworkPolicy>>();
  const inNamespace = <T>(m: Map<string, Listed<T>>, ns: string): Listed<T> => {
    let l = m.get(ns);
    if (!l) m.set(ns, (l = listed()));
    return l;
  };
  cluster.ciliumPolicies.forEach((p, i) => {
    const s = ciliumSubject(p);
    if (!s) return;
    if (p.clusterwide) push(clusterwide, s, i);
    else if (p.namespace) push(inNamespace(cilium, p.namespace), s, i);
  });
  cluster.k8sPolicies.forEach((p, i) => {
    if (!p.staged) push(inNamespace(k8s, p.namespace), k8sSubject(p), i);
  });
  return { cilium, clusterwide, k8s };
}

/**
 * The same index, each namespace's lists found when first asked for: a recompile compiles the
 * endpoints of the few namespaces an edit touches, and a pass over every policy costs more than
 * the scans of those namespaces.
 */
export function lazyPolicyIndex(cluster: Cluster): PolicyIndex {
  const lazily = <T>(find: (namespace: string) => Listed<T>) => {
    const found = new Map<string, Listed<T>>();
    return {
      get(namespace: string): Listed<T> {
        let l = found.get(namespace);
        if (!l) found.set(namespace, (l = find(namespace)));
        return l;
      },
    };
  };
  let clusterwide: Listed<CiliumPolicy> | undefined;
  return {
    cilium: lazily((ns) => {
      const out = listed<CiliumPolicy>();
      cluster.ciliumPolicies.forEach((p, i) => {
        if (p.clusterwide || p.namespace !== ns) return;
        const s = ciliumSubject(p);
        if (s) push(out, s, i);
      });
      return out;
    }),
    get clusterwide() {
      if (!clusterwide) {
        const out = listed<CiliumPolicy>();
        cluster.ciliumPolicies.forEach((p, i) => {
          const s = p.clusterwide ? ciliumSubject(p) : undefined;
          if (s) push(out, s, i);
        });
        clusterwide = out;
      }
      return clusterwide;
    },
    k8s: lazily((ns) => {
      const out = listed<K8sNetworkPolicy>();
      cluster.k8sPolicies.forEach((p, i) => {
        if (!p.staged && p.namespace === ns) push(out, k8sSubject(p), i);
      });
      return out;
    }),
  };
}
