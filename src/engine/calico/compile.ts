/**
 * Compiles a cluster into the iptables filter tables Felix programs on each node. The rule builders
 * (ruleBuilders.ts), IP sets (ipsetRegistry.ts), policy rules (policyRules.ts) and the static and
 * dispatch chains (staticChains.ts) live beside this file; this one puts them together per node.
 *
 * Sources (projectcalico/calico, main):
 * - Static chains: felix/rules/static.go (`StaticFilterForwardChains`, `filterInputChain`,
 *   `filterWorkloadToHostChain`, `filterOutputChain`, `StaticFilterForwardAppendRules`).
 * - Dispatch chains: felix/rules/dispatch.go (`interfaceNameDispatchChains`,
 *   `buildSingleDispatchChains`, `sortAndDivideEndpointNamesToPrefixTree`).
 * - Endpoint chains and policy groups: felix/rules/endpoints.go (`endpointIptablesChain`,
 *   `PolicyGroupToIptablesChains`, `appendConntrackRules`) and felix/dataplane/linux/endpoint_mgr.go
 *   (`groupPolicies`).
 * - Policy and profile chains: felix/rules/policy.go (`PolicyToIptablesChains`,
 *   `ProtoRuleToIptablesRules`, `matchBlockBuilder`, `CalculateRuleMatch`,
 *   `CombineMatchAndActionsForProtoRule`).
 * - IP sets: felix/calc/rule_scanner.go (`ruleToParsedRule`, `extractSelectors`,
 *   `combineMatchesIfPossible`, `namedPortsToIPSets`), felix/labelindex (named port members).
 * - Ordering: felix/calc/policy_sorter.go.
 * - Only chains something refers to are programmed (felix/iptables/table.go `chainRefCounts`), and
 *   a node only holds the policies of its own endpoints.
 *
 * The configuration modelled: Felix defaults, kube-proxy in iptables mode, no IPIP/VXLAN/WireGuard
 * rules in the static chains, flow logs off (no NFLOG rules), drop action DROP.
 */
import { indexCluster, podKey } from '../cluster';
import type { Labels } from '../labels';
import type { Cluster, Direction, Pod } from '../model';
import {
  convertCalicoPolicy,
  convertK8sPolicy,
  type FelixPolicy,
  felixSelector,
} from './conversion';
import type {
  CalicoDataplane,
  CalicoIpSet,
  CalicoNodeTables,
  CalicoWorkload,
  IptChain,
  IptRule,
  RuleOrigin,
} from './dataplane';
import { FELIX_MARKS, FELIX_RELEASE, VXLAN_PORT } from './felixConfig';
import { IpSetRegistry } from './ipsetRegistry';
import {
  calicoEndpointLabels,
  calicoNetworkSetLabels,
  namespaceProfileName,
  serviceAccountProfileName,
} from './labels';
import {
  calicoInterfaceName,
  endpointChainName,
  isStagedKind,
  policyChainName,
  policyGroupChainName,
  profileChainName,
} from './names';
import { finishChain, renderPolicyRule } from './policyRules';
import {
  ACCEPT,
  clearMark,
  DROP,
  jump,
  M,
  markClear,
  markNotClear,
  markSet,
  PROTO_IPIP,
  PROTO_UDP,
  RETURN,
  rule,
  setMark,
} from './ruleBuilders';
import { BUILTIN, dispatchChains, staticChains } from './staticChains';
import { orderedTiers, type TierInfo } from './tiers';

interface ActivePolicy {
  readonly policy: FelixPolicy;
  readonly tier: TierInfo;
  /** Its chain's name per direction, once asked (names.ts policyChainName). */
  readonly chainNames: Partial<Record<Direction, string>>;
}

const chainNameOf = (ap: ActivePolicy, direction: Direction): string =>
  (ap.chainNames[direction] ??= policyChainName(direction, ap.policy.id));

/** A run of policies forming a group, one node per policy of the run from its start: its chain's
 * name and the chains the group reaches (a compile's trail) once named. */
interface GroupNode {
  readonly next: Map<ActivePolicy, GroupNode>;
  name?: string;
  trail?: readonly string[];
}

function byOrder(a: FelixPolicy, b: FelixPolicy): number {
  // policy_sorter.go `PolKVLess`: order ascending, unset last, ties by tiers.ts felixPolicySortKey.
  if (a.order !== b.order) {
    if (a.order === undefined) return 1;
    if (b.order === undefined) return -1;
    return a.order - b.order;
  }
  return a.sortName < b.sortName ? -1 : a.sortName > b.sortName ? 1 : 0;
}

const KIND_COMMENT_DIR: Record<Direction, string> = { ingress: 'ingress', egress: 'egress' };
const DIRECTIONS = ['ingress', 'egress'] as const;

/** A rendered policy chain, the policy it renders and the IP sets it asked for, in order. */
interface PolicyChainMemo {
  readonly policy: FelixPolicy;
  readonly chain: IptChain;
  readonly sets: CalicoIpSet[];
}

/**
 * Pods Felix sees with the same namespace, service account and labels (labels.ts
 * calicoEndpointLabels): every policy selects all of them or none, so their endpoint chains hold
 * the same rules, and a selector matches all of their addresses or none. A compile works per class.
 */
interface EndpointClass {
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly labels: Labels;
  /** Its pods' positions in the cluster's pods, ascending. */
  readonly pods: number[];
}

interface EndpointClasses {
  readonly list: EndpointClass[];
  readonly of: Map<Pod, EndpointClass>;
  readonly byNamespace: Map<string, EndpointClass[]>;
}

/** What a recompile may reuse of a compile (recompile.ts): per policy, its conversion, the pods
 * it selects and its rendered chains with the IP sets they refer to; chain names of groups. */
export interface CalicoCompileMemo {
  /** The cluster objects everything below depends on besides the policy itself. */
  readonly context: readonly unknown[];
  /** Per policy object: its conversion and the endpoint classes it selects (kept from compile to
   * compile while the context is the same: entries of removed policies go with them). */
  readonly felix: WeakMap<object, FelixPolicy>;
  readonly selected: WeakMap<FelixPolicy, EndpointClass[]>;
  readonly chains: Map<string, PolicyChainMemo>;
  readonly groupNames: Map<string, string>;
  /** The pods grouped by what their endpoint chains depend on. */
  readonly classes: EndpointClasses;
  /** Per endpoint class: what its endpoint chains were built from, and the chains. */
  readonly endpoints: Map<EndpointClass, EndpointMemo>;
  /** The tiers in order, and each policy with its tier among them. */
  tiers: TierInfo[];
  active: WeakMap<FelixPolicy, ActivePolicy>;
  /** The compile's output, for the chains and node tables a recompile keeps. */
  output?: Pick<CalicoDataplane, 'chains' | 'nodes' | 'workloads'>;
  /** The policy objects in order (Calico's, then Kubernetes'), and at the same positions their
   * active entries and the classes they select; what applies to each class. A recompile whose
   * objects are the same but a few patches these instead of asking the WeakMaps 10,000 times. */
  byPosition?: {
    readonly inputs: readonly object[];
    readonly active: readonly ActivePolicy[];
    readonly selected: readonly EndpointClass[][];
    readonly applied: Map<EndpointClass, Record<Direction, ActivePolicy[]>>;
  };
}

/** One direction's endpoint chain of a class: its rules (shared by the class's pods, each chain
 * named after its pod's interface) and every chain they reach, each after the chains it jumps to
 * (the order a compile adds them in), so a pod after the first, or a recompile, adds them as a
 * compile would. */
interface EndpointChainMemo {
  readonly rules: IptRule[];
  readonly trail: readonly string[];
}

/**
 * A class's endpoint chains depend on its pods' namespace and service account and, per direction,
 * the Felix policies that apply to it in order (each with its tier, found by name in the same
 * tiers): when those are the same objects, the chains are the same.
 */
interface EndpointMemo {
  readonly ingress: readonly FelixPolicy[];
  readonly egress: readonly FelixPolicy[];
  readonly profiles: readonly string[];
  readonly chains: Partial<Record<Direction, EndpointChainMemo>>;
  /** Per pod of the class: its workload and endpoint chains (pods are the same objects while the
   * class is: a recompile keeps them). */
  readonly pods: Map<Pod, { workload: CalicoWorkload; to: IptChain; from: IptChain }>;
}

const sameTiers = (a: readonly TierInfo[], b: readonly TierInfo[]): boolean =>
  a.length === b.length &&
  a.every(
    (t, i) =>
      t.name === b[i]!.name &&
      t.order === b[i]!.order &&
      t.defaultAction === b[i]!.defaultAction &&
      t.defined === b[i]!.defined,
  );

/**
 * `names` sorted (code unit order, as `sort()`), from `before`, the same node's sorted list in the
 * compile a recompile starts from: its names still there in its order, merged with the new ones
 * sorted alone, so that an edit sorts what it added rather than the node's thousands of chains.
 */
function sortedAfter(names: string[], before: readonly string[] | undefined): string[] {
  if (!before) return names.sort();
  const now = new Set(names);
  const kept = before.filter((n) => now.has(n));
  if (kept.length === names.length) return kept;
  const was = new Set(before);
  const added = names.filter((n) => !was.has(n)).sort();
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < kept.length || j < added.length) {
    if (j >= added.length || (i < kept.length && kept[i]! < added[j]!)) out.push(kept[i++]!);
    else out.push(added[j++]!);
  }
  return out;
}

const samePolicies = (a: readonly ActivePolicy[], b: readonly FelixPolicy[]): boolean =>
  a.length === b.length && a.every((ap, i) => ap.policy === b[i]);

const memos = new WeakMap<CalicoDataplane, CalicoCompileMemo>();
/** A recompile patches what applies to each class when at most this many policies changed. */
const MAX_PATCHED = 64;
export const calicoCompileMemo = (dp: CalicoDataplane): CalicoCompileMemo | undefined =>
  memos.get(dp);

const contextOf = (c: Cluster): readonly unknown[] => [
  c.pods,
  c.namespaces,
  c.serviceAccounts,
  c.calicoNetworkSets,
  c.calicoTiers,
  c.nodes,
];

function endpointClasses(cluster: Cluster): EndpointClasses {
  const byKey = new Map<string, EndpointClass>();
  const list: EndpointClass[] = [];
  const of = new Map<Pod, EndpointClass>();
  const byNamespace = new Map<string, EndpointClass[]>();
  for (const [i, pod] of cluster.pods.entries()) {
    const labels = calicoEndpointLabels(cluster, pod);
    let key = `${pod.namespace}\0${pod.serviceAccount}`;
    for (const k of Object.keys(labels).sort()) key += `\0${k}\0${labels[k]}`;
    let c = byKey.get(key);
    if (!c) {
      const { namespace, serviceAccount } = pod;
      c = { namespace, serviceAccount, labels, pods: [] };
      byKey.set(key, c);
      list.push(c);
      let inNs = byNamespace.get(namespace);
      if (!inNs) byNamespace.set(namespace, (inNs = []));
      inNs.push(c);
    }
    c.pods.push(i);
    of.set(pod, c);
  }
  return { list, of, byNamespace };
}

/** What a chain's rules reach through their jumps: chain names and the IP sets of them all. */
interface Reach {
  readonly names: readonly string[];
  readonly sets: readonly string[];
}
/** The reach of chains that jump nowhere (policy chains): it depends on their rules alone. */
const leafReach = new WeakMap<readonly IptRule[], Reach>();

export function compileCalicoDataplane(
  cluster: Cluster,
  previous?: CalicoCompileMemo,
): CalicoDataplane {
  const context = contextOf(cluster);
  const reuse =
    previous && previous.context.every((x, i) => x === context[i]) ? previous : undefined;
  const classes = reuse?.classes ?? endpointClasses(cluster);
  let active = reuse?.active ?? new WeakMap<FelixPolicy, ActivePolicy>();
  const memo: CalicoCompileMemo = {
    context,
    felix: reuse?.felix ?? new WeakMap(),
    selected: reuse?.selected ?? new WeakMap(),
    chains: new Map(),
    // Group chain names are a function of their key: the previous compile's stand.
    groupNames: reuse?.groupNames ?? new Map(),
    classes,
    endpoints: new Map(),
    tiers: [],
    active,
  };
  const index = indexCluster(cluster);
  const convert = <T extends object>(p: T, f: (p: T) => FelixPolicy): FelixPolicy => {
    let felix = memo.felix.get(p);
    if (!felix) memo.felix.set(p, (felix = f(p)));
    return felix;
  };
  const inputs: object[] = [...cluster.calicoPolicies, ...cluster.k8sPolicies];
  const before = reuse?.byPosition;
  /** Positions whose policy object is not the one the previous compile had there. */
  const moved: number[] = [];
  if (before && before.inputs.length === inputs.length) {
    for (let i = 0; i < inputs.length && moved.length <= MAX_PATCHED; i++) {
      if (inputs[i] !== before.inputs[i]) moved.push(i);
    }
  }
  const patchable =
    before !== undefined && before.inputs.length === inputs.length && moved.length <= MAX_PATCHED;
  // conversion.ts felixPolicies, one policy at a time.
  const calicoCount = cluster.calicoPolicies.length;
  const policies: FelixPolicy[] = patchable
    ? before.active.map((ap) => ap.policy)
    : [
        ...cluster.calicoPolicies.map((p) => convert(p, convertCalicoPolicy)),
        ...cluster.k8sPolicies.map((p) => convert(p, convertK8sPolicy)),
      ];
  if (patchable) {
    for (const i of moved) {
      policies[i] =
        i < calicoCount
          ? convert(cluster.calicoPolicies[i]!, convertCalicoPolicy)
          : convert(cluster.k8sPolicies[i - calicoCount]!, convertK8sPolicy);
    }
  }
  const fresh = orderedTiers(
    cluster,
    policies.map((p) => p.tier),
  );
  // The previous compile's tiers when they read the same: its active policies stay valid.
  const tiers =
    reuse && sameTiers(reuse.tiers, fresh) ? reuse.tiers : ((active = new WeakMap()), fresh);
  memo.tiers = tiers;
  memo.active = active;
  const tierByName = new Map(tiers.map((t, i) => [t.name, { t, i }]));

  const sets = new IpSetRegistry({
    pods: cluster.pods,
    groups: classes.list,
    netsets: cluster.calicoNetworkSets.map((s) => ({
      nets: s.nets,
      labels: calicoNetworkSetLabels(cluster, s),
    })),
  });

  // Which policies apply to which endpoint class, per direction (the active rules calculator).
  const applied = new Map<EndpointClass, Record<Direction, ActivePolicy[]>>();
  /** Policies of one namespace (or none) with one selector select the same classes. */
  const selections = new Map<string, EndpointClass[]>();
  const selectedBy = (policy: FelixPolicy): EndpointClass[] => {
    let selected = memo.selected.get(policy);
    if (!selected) {
      const key = `${policy.namespace ?? ''}\0${policy.namespace !== undefined}\0${policy.selector}`;
      selected = selections.get(key);
      if (!selected) {
        const sel = felixSelector(policy.selector);
        const candidates =
          policy.namespace !== undefined
            ? (classes.byNamespace.get(policy.namespace) ?? [])
            : classes.list;
        selected = candidates.filter((c) => sel.match(c.labels));
        selections.set(key, selected);
      }
      memo.selected.set(policy, selected);
    }
    return selected;
  };
  const activeOf = (policy: FelixPolicy): ActivePolicy => {
    let ap = active.get(policy);
    if (!ap)
      active.set(policy, (ap = { policy, tier: tierByName.get(policy.tier)!.t, chainNames: {} }));
    return ap;
  };
  const addTo = (c: EndpointClass, ap: ActivePolicy) => {
    let entry = applied.get(c);
    if (!entry) applied.set(c, (entry = { ingress: [], egress: [] }));
    for (const d of ap.policy.types) entry[d].push(ap);
  };
  let activeList: ActivePolicy[];
  let selectedList: EndpointClass[][];
  if (patchable && active === reuse!.active) {
    // The same objects but at `moved`: only the classes the policies there selected before or
    // select now see different policies; the others keep what applied to them.
    activeList = [...before.active];
    selectedList = [...before.selected];
    const affected = new Set<EndpointClass>();
    for (const i of moved) {
      for (const c of before.selected[i]!) affected.add(c);
      activeList[i] = activeOf(policies[i]!);
      selectedList[i] = selectedBy(policies[i]!);
      for (const c of selectedList[i]!) affected.add(c);
    }
    for (const [c, entry] of before.applied) if (!affected.has(c)) applied.set(c, entry);
    if (affected.size > 0) {
      for (let i = 0; i < activeList.length; i++) {
        for (const c of selectedList[i]!) if (affected.has(c)) addTo(c, activeList[i]!);
      }
    }
  } else {
    activeList = [];
    selectedList = [];
    for (const policy of policies) {
      const ap = activeOf(policy);
      const selected = selectedBy(policy);
      activeList.push(ap);
      selectedList.push(selected);
      for (const c of selected) addTo(c, ap);
    }
  }
  memo.byPosition = { inputs, active: activeList, selected: selectedList, applied };

  /** The chains every node may hold (dp.chains), built in place: chain names never collide with
   * Object.prototype's keys (they start `cali-`). */
  const shared: Record<string, IptChain> = {};

  const renderPolicyChain = (ap: ActivePolicy, direction: Direction): string => {
    const { policy } = ap;
    const name = chainNameOf(ap, direction);
    trail.push(name);
    if (shared[name] !== undefined) return name;
    const known = reuse?.chains.get(name);
    if (known && known.policy === policy) {
      adoptPolicyChain(name, known);
      return name;
    }
    const recording = sets.record();
    const rules = (direction === 'ingress' ? policy.inbound : policy.outbound).flatMap((r) =>
      renderPolicyRule(
        r,
        {
          kind: 'policy-rule',
          policy: policy.ref,
          tier: policy.tier,
          direction,
          rule: r.rule,
          action: r.userAction,
        },
        sets,
      ),
    );
    const who = policy.id.namespace ? `${policy.id.namespace}/${policy.id.name}` : policy.id.name;
    const chain = finishChain(
      name,
      rules,
      `${policy.id.kind} ${who} ${KIND_COMMENT_DIR[direction]}`,
    );
    memo.chains.set(name, { policy, chain, sets: recording.stop() });
    shared[name] = chain;
    return name;
  };
  const adoptPolicyChain = (name: string, known: PolicyChainMemo) => {
    sets.adopt(known.sets);
    memo.chains.set(name, known);
    shared[name] = known.chain;
  };
  /** The chains the endpoint chain being built reaches, in the order a compile adds them. */
  let trail: string[] = [];

  // Endpoints that share a group share its chain: name each group once.
  const groupRoots: Record<Direction, GroupNode> = {
    ingress: { next: new Map() },
    egress: { next: new Map() },
  };
  const renderGroupChain = (group: ActivePolicy[], direction: Direction): string => {
    let node = groupRoots[direction];
    for (const ap of group) {
      let next = node.next.get(ap);
      if (!next) node.next.set(ap, (next = { next: new Map() }));
      node = next;
    }
    let name = node.name;
    if (name === undefined) {
      const ids = group.map((g) => g.policy.id);
      const across = `${direction}\n${group[0]!.policy.selector}\n${JSON.stringify(ids)}`;
      name =
        reuse?.groupNames.get(across) ??
        policyGroupChainName(direction, group[0]!.policy.selector, ids);
      memo.groupNames.set(across, name);
      node.name = name;
    }
    if (shared[name] !== undefined) {
      node.trail ??= [
        ...group.filter((ap) => !ap.policy.staged).map((ap) => chainNameOf(ap, direction)),
        name,
      ];
      for (const n of node.trail) trail.push(n);
      return name;
    }
    const rules: IptRule[] = [];
    let count = -1;
    for (const ap of group) {
      if (ap.policy.staged) continue;
      count++;
      if (count !== 0 && count % 5 === 0) {
        rules.push(rule([markNotClear(M.pass | M.accept)], RETURN, ['Return on verdict']));
      }
      const target = renderPolicyChain(ap, direction);
      rules.push(rule(count % 5 === 0 ? [] : [markClear(M.pass | M.accept)], jump(target)));
    }
    shared[name] = { name, rules };
    trail.push(name);
    return name;
  };

  const renderProfileChain = (profile: string, direction: Direction, allow: boolean): string => {
    const name = profileChainName(direction, profile);
    trail.push(name);
    if (shared[name] !== undefined) return name;
    const origin: RuleOrigin = { kind: 'profile', profile, direction };
    // The kns. profile's one rule is `Allow` (conversion.go `NamespaceToProfile`); its RETURN is
    // stripped as the last rule. The ksa. profile has no rules: one empty rule keeps the comment.
    const rules = allow ? [rule([], setMark(M.accept), [], origin)] : [];
    shared[name] = finishChain(name, rules, `Profile ${profile} ${direction}`);
    return name;
  };

  /** Adds, as a compile would, the chains an endpoint chain built before reaches. */
  const replay = (names: readonly string[]) => {
    for (const name of names) {
      if (shared[name] !== undefined) continue;
      const known = reuse?.chains.get(name);
      if (known) adoptPolicyChain(name, known);
      else shared[name] = reuse!.output!.chains[name]!;
    }
  };

  /** A class's endpoint chain rules for one direction (endpoints.go `endpointIptablesChain`). */
  const endpointRules = (
    entry: Record<Direction, ActivePolicy[]>,
    direction: Direction,
    profiles: readonly string[],
  ): IptRule[] => {
    const rules: IptRule[] = [
      rule([{ kind: 'ctstate', states: ['RELATED', 'ESTABLISHED'] }], ACCEPT),
      rule([{ kind: 'ctstate', states: ['INVALID'] }], DROP),
      rule([], clearMark(M.accept | M.pass)),
    ];
    if (direction === 'egress') {
      rules.push(
        rule(
          [
            { kind: 'proto', number: PROTO_UDP },
            { kind: 'ports', dir: 'dst', ranges: [[VXLAN_PORT, VXLAN_PORT]] },
          ],
          DROP,
          ['Drop VXLAN encapped packets originating in workloads'],
          { kind: 'encap-guard' },
        ),
        rule(
          [{ kind: 'proto', number: PROTO_IPIP }],
          DROP,
          ['Drop IPinIP encapped packets originating in workloads'],
          {
            kind: 'encap-guard',
          },
        ),
      );
    }
    for (const tier of tiers) {
      const inTier = entry[direction]
        .filter((ap) => ap.tier === tier)
        .sort((a, b) => byOrder(a.policy, b.policy));
      if (inTier.length === 0) continue;
      const enforced = inTier.filter((ap) => !ap.policy.staged);
      rules.push(
        rule([], clearMark(M.pass), [`Start of tier ${tier.name}`], {
          kind: 'start-of-tier',
          tier: tier.name,
          defaultAction: tier.defaultAction,
          policies: enforced.map((ap) => ap.policy.ref),
          ruleless: enforced
            .filter(
              (ap) =>
                (direction === 'ingress' ? ap.policy.inbound : ap.policy.outbound).length === 0,
            )
            .map((ap) => ap.policy.ref),
        }),
      );
      // endpoint_mgr.go `groupPolicies`: runs of policies with the same selector.
      const groups: ActivePolicy[][] = [];
      for (const ap of inTier) {
        const last = groups[groups.length - 1];
        if (last && last[0]!.policy.selector === ap.policy.selector) last.push(ap);
        else groups.push([ap]);
      }
      for (const group of groups) {
        const nonStaged = group.filter((ap) => !isStagedKind(ap.policy.id.kind));
        const targets =
          nonStaged.length <= 1
            ? nonStaged.map((ap) => renderPolicyChain(ap, direction))
            : [renderGroupChain(group, direction)];
        for (const target of targets) {
          rules.push(rule([markClear(M.pass)], jump(target)));
          rules.push(rule([markSet(M.accept)], RETURN, ['Return if policy accepted']));
        }
      }
      if (enforced.length > 0 && tier.defaultAction !== 'Pass') {
        rules.push(
          rule(
            [markClear(M.pass)],
            DROP,
            [`End of tier ${tier.name}. Drop if no policies passed packet`],
            {
              kind: 'end-of-tier',
              tier: tier.name,
            },
          ),
        );
      }
    }
    profiles.forEach((profile, i) => {
      rules.push(rule([], jump(renderProfileChain(profile, direction, i === 0))));
      rules.push(rule([markSet(M.accept)], RETURN, ['Return if profile accepted']));
    });
    rules.push(rule([], DROP, ['Drop if no profiles matched'], { kind: 'no-profile-matched' }));
    return rules;
  };

  // Endpoint chains: built for a class's first pod, named for each of its pods.
  const workloads: Record<string, CalicoWorkload> = {};
  /** Nodes with a pod whose endpoint chains were built again (the others keep their tables). */
  const rebuilt = new Set<string>();
  const none: Record<Direction, ActivePolicy[]> = { ingress: [], egress: [] };
  const changed = new Set<EndpointClass>();
  const named = new Set<EndpointClass>();
  for (const pod of cluster.pods) {
    const cls = classes.of.get(pod)!;
    const entry = applied.get(cls) ?? none;
    let ep = memo.endpoints.get(cls);
    if (!ep) {
      const before = reuse?.endpoints.get(cls);
      if (
        before &&
        reuse?.output &&
        samePolicies(entry.ingress, before.ingress) &&
        samePolicies(entry.egress, before.egress)
      ) {
        ep = before;
      } else {
        changed.add(cls);
        ep = {
          ingress: entry.ingress.map((ap) => ap.policy),
          egress: entry.egress.map((ap) => ap.policy),
          profiles: [
            namespaceProfileName(pod.namespace),
            serviceAccountProfileName(pod.namespace, pod.serviceAccount),
          ],
          chains: {},
          pods: new Map(),
        };
      }
      memo.endpoints.set(cls, ep);
    }
    if (changed.has(cls)) rebuilt.add(pod.nodeName);
    // A class's later pods reach what its first one added.
    const first = !named.has(cls);
    if (first) named.add(cls);
    const kept = ep.pods.get(pod);
    if (kept) {
      // The class's chains are those of the compile that made `kept`: the same objects again.
      if (first) replay(ep.chains.ingress!.trail);
      shared[kept.to.name] = kept.to;
      if (first) replay(ep.chains.egress!.trail);
      shared[kept.from.name] = kept.from;
      workloads[kept.workload.pod] = kept.workload;
      continue;
    }
    const iface = calicoInterfaceName(pod.namespace, pod.name);
    const endpointChains: Partial<Record<Direction, IptChain>> = {};
    for (const direction of DIRECTIONS) {
      let built = ep.chains[direction];
      if (built) {
        if (first) replay(built.trail);
      } else {
        trail = [];
        const rules = endpointRules(entry, direction, ep.profiles);
        ep.chains[direction] = built = { rules, trail };
      }
      const name = endpointChainName(direction, iface);
      shared[name] = endpointChains[direction] = { name, rules: built.rules };
    }
    const workload: CalicoWorkload = {
      pod: podKey(pod),
      node: pod.nodeName,
      ip: pod.ip,
      iface,
      toChain: endpointChains.ingress!.name,
      fromChain: endpointChains.egress!.name,
      profiles: ep.profiles,
    };
    workloads[workload.pod] = workload;
    ep.pods.set(pod, { workload, to: endpointChains.ingress!, from: endpointChains.egress! });
  }
  const workloadsByNode = new Map<string, CalicoWorkload[]>();
  for (const w of Object.values(workloads)) {
    let onNode = workloadsByNode.get(w.node);
    if (!onNode) workloadsByNode.set(w.node, (onNode = []));
    onNode.push(w);
  }

  // What each shared chain reaches (felix/iptables/table.go programs what is referred to).
  const reaches = new Map<readonly IptRule[], Reach>();
  const reachOf = (rules: readonly IptRule[]): Reach => {
    const known = leafReach.get(rules) ?? reaches.get(rules);
    if (known) return known;
    const names = new Set<string>();
    const ipsets = new Set<string>();
    let leaf = true;
    for (const r of rules) {
      for (const m of r.matches) if (m.kind === 'set') ipsets.add(m.set);
      if (r.action.kind !== 'jump' && r.action.kind !== 'goto') continue;
      leaf = false;
      const target = shared[r.action.target];
      if (!target || names.has(target.name)) continue;
      names.add(target.name);
      const below = reachOf(target.rules);
      for (const n of below.names) names.add(n);
      for (const s of below.sets) ipsets.add(s);
    }
    const reach = { names: [...names], sets: [...ipsets] };
    (leaf ? leafReach : reaches).set(rules, reach);
    return reach;
  };

  // Per node: static and dispatch chains, then everything they reach.
  const nodeNames = new Set([
    ...cluster.nodes.map((n) => n.name),
    ...cluster.pods.map((p) => p.nodeName),
  ]);
  const nodes: Record<string, CalicoNodeTables> = {};
  for (const node of [...nodeNames].sort()) {
    const kept = reuse?.output?.nodes[node];
    if (kept && !rebuilt.has(node)) {
      nodes[node] = kept;
      continue;
    }
    const local = workloadsByNode.get(node) ?? [];
    const chains = staticChains();
    const ifaces = local.map((w) => w.iface);
    for (const c of dispatchChains(ifaces, 'in')) chains[c.name] = c;
    for (const c of dispatchChains(ifaces, 'out')) chains[c.name] = c;
    // staticChains.ts `reachable`, with each shared chain's reach taken whole.
    const programmed = new Set<string>();
    const ipsets = new Set<string>();
    const merged = new Set<Reach>();
    const todo = ['INPUT', 'FORWARD', 'OUTPUT'];
    while (todo.length > 0) {
      const name = todo.pop()!;
      if (programmed.has(name)) continue;
      const own = chains[name];
      if (own) {
        programmed.add(name);
        for (const r of own.rules) {
          for (const m of r.matches) if (m.kind === 'set') ipsets.add(m.set);
          if (r.action.kind === 'jump' || r.action.kind === 'goto') todo.push(r.action.target);
        }
        continue;
      }
      const chain = shared[name];
      if (!chain) continue;
      programmed.add(name);
      const reach = reachOf(chain.rules);
      // A class's pods on the node share their chains' rules: the reach counts once.
      if (merged.has(reach)) continue;
      merged.add(reach);
      for (const n of reach.names) programmed.add(n);
      for (const s of reach.sets) ipsets.add(s);
    }
    nodes[node] = {
      node,
      internalIP: index.nodeByName.get(node)?.internalIP ?? '',
      chains,
      programmed: sortedAfter(
        [...programmed].filter((n) => !BUILTIN.has(n)),
        kept?.programmed,
      ),
      ipsets: sortedAfter([...ipsets], kept?.ipsets),
      workloads: local.map((w) => w.pod),
    };
  }

  const dp: CalicoDataplane = {
    felix: FELIX_RELEASE,
    marks: FELIX_MARKS,
    nodes,
    chains: shared,
    ipsets: Object.fromEntries(sets.sets),
    workloads,
    countsConntrackRules: true,
  };
  memo.output = dp;
  memos.set(dp, memo);
  return dp;
}
