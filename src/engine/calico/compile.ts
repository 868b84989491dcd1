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
import { podKey } from '../cluster';
import type { Cluster, Direction } from '../model';
import {
  convertCalicoPolicy,
  convertK8sPolicy,
  type FelixPolicy,
  felixSelector,
} from './conversion';
import {
  type ActivePolicy,
  type CalicoCompileMemo,
  contextOf,
  countRefs,
  type EndpointClass,
  endpointClasses,
  type EndpointMemo,
  type GroupNode,
  type PolicyChainMemo,
  samePolicies,
  sameTiers,
  uniqueIds,
} from './compileMemo';
import type { CalicoDataplane, CalicoWorkload, IptChain, IptRule, RuleOrigin } from './dataplane';
import { FELIX_MARKS, FELIX_RELEASE, VXLAN_PORT } from './felixConfig';
import { IpSetRegistry } from './ipsetRegistry';
import { calicoNetworkSetLabels, namespaceProfileName, serviceAccountProfileName } from './labels';
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
import { nodeTables } from './nodeTables';
import { orderedTiers } from './tiers';

export type { CalicoCompileMemo } from './compileMemo';

const chainNameOf = (ap: ActivePolicy, direction: Direction): string =>
  (ap.chainNames[direction] ??= policyChainName(direction, ap.policy.id));

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

const memos = new WeakMap<CalicoDataplane, CalicoCompileMemo>();
/** A recompile patches what applies to each class when at most this many policies changed. */
const MAX_PATCHED = 64;
/** A compile's memo. A spent one (`spent`) still describes its dataplane's chains, which the patch
 * that spent it changed in place: flows read it; a recompile does not start from it. */
export const calicoCompileMemo = (dp: CalicoDataplane): CalicoCompileMemo | undefined =>
  memos.get(dp);

export function compileCalicoDataplane(
  cluster: Cluster,
  previous?: CalicoCompileMemo,
): CalicoDataplane {
  const context = contextOf(cluster);
  const reuse =
    previous && !previous.spent && previous.context.every((x, i) => x === context[i])
      ? previous
      : undefined;
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
  // The tiers are the cluster's and those its policies name: when the edit kept each policy's
  // tier (and the tiers are the same objects: the context), they are the previous compile's.
  const fresh =
    patchable && moved.every((i) => before.active[i]!.policy.tier === policies[i]!.tier)
      ? reuse!.tiers
      : orderedTiers(
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
  /** Policies of one namespace (or none: the global ones) with one selector select the same
   * classes: by namespace, then by selector. */
  const global = new Map<string, EndpointClass[]>();
  const selections = new Map<string, Map<string, EndpointClass[]>>();
  const selectedBy = (policy: FelixPolicy): EndpointClass[] => {
    let selected = memo.selected.get(policy);
    if (!selected) {
      let bySelector = policy.namespace === undefined ? global : selections.get(policy.namespace);
      if (bySelector === undefined) selections.set(policy.namespace!, (bySelector = new Map()));
      selected = bySelector.get(policy.selector);
      if (!selected) {
        const sel = felixSelector(policy.selector);
        const candidates =
          policy.namespace !== undefined
            ? (classes.byNamespace.get(policy.namespace) ?? [])
            : classes.list;
        selected = candidates.filter((c) => sel.match(c.labels));
        bySelector.set(policy.selector, selected);
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
  /** The classes whose policies may differ, when the rest keep theirs. */
  let affected: Set<EndpointClass> | undefined;
  if (patchable && active === reuse!.active) {
    // The same objects but at `moved`: only the classes the policies there selected before or
    // select now see different policies; the others keep what applied to them.
    activeList = [...before.active];
    selectedList = [...before.selected];
    affected = new Set<EndpointClass>();
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

  // With the same classes and all but a few policies the same, the previous output is patched:
  // the edit's classes are built again and what only they referred to is removed.
  const prev = affected && uniqueIds(reuse!, before!, moved, policies, memo) && reuse!.output;
  const refs = prev ? (reuse!.refs ??= countRefs(reuse!)) : undefined;
  const chainRefs = refs?.chains;
  const setRefs = refs?.sets;
  /** The chains every node may hold (dp.chains), built in place: chain names never collide with
   * Object.prototype's keys (they start `cali-`). */
  const shared: Record<string, IptChain> = prev ? (prev.chains as Record<string, IptChain>) : {};
  if (prev) {
    // The patch takes over the previous compile's chains, counts and memos (copying 10,000 chains
    // would cost more than the edit): that compile is spent, a recompile from it starts afresh.
    reuse!.spent = true;
    memo.chains = reuse!.chains;
    sets.adopt(Object.values(prev.ipsets));
  }
  /** Notes a policy chain in the output (and, in a patch, counts the sets it refers to). */
  const keepChain = (name: string, known: PolicyChainMemo) => {
    const old = memo.chains.get(name);
    memo.chains.set(name, known);
    if (!setRefs || old === known) return;
    setRefs.add(known.sets.map((set) => set.name));
    if (old) forgetSets(old);
  };
  const forgetSets = (old: PolicyChainMemo) => {
    const gone: string[] = [];
    setRefs!.drop(
      old.sets.map((set) => set.name),
      gone,
    );
    for (const name of gone) sets.drop(name);
  };
  /** Removes a chain from a patched output. */
  const removeChain = (name: string) => {
    Reflect.deleteProperty(shared, name);
    const old = memo.chains.get(name);
    if (!old) return;
    memo.chains.delete(name);
    forgetSets(old);
  };
  if (prev) {
    // The chains of policies the edit removed or replaced: a rebuilt class renders them again.
    const now = new Set(moved.map((i) => policies[i]));
    for (const i of moved) {
      const old = before!.active[i]!;
      if (now.has(old.policy)) continue;
      for (const d of old.policy.types) {
        const name = chainNameOf(old, d);
        if (memo.chains.get(name)?.policy === old.policy) removeChain(name);
      }
    }
  }

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
    keepChain(name, { policy, chain, sets: recording.stop() });
    shared[name] = chain;
    return name;
  };
  const adoptPolicyChain = (name: string, known: PolicyChainMemo) => {
    sets.adopt(known.sets);
    keepChain(name, known);
    shared[name] = known.chain;
  };
  /** The chains the endpoint chain being built reaches, in the order a compile adds them. */
  let trail: string[] = [];

  // Endpoints that share a group share its chain: name each group once.
  // A group's name depends on its policies alone: the trie stands while the active entries do.
  const groupRoots: Record<Direction, GroupNode> =
    reuse?.groups && active === reuse.active
      ? reuse.groups
      : { ingress: { next: new Map() }, egress: { next: new Map() } };
  memo.groups = groupRoots;
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
      // Its chains are there unless a patch removed an edited policy's chain: render it again.
      for (const ap of group) if (!ap.policy.staged) renderPolicyChain(ap, direction);
      trail.push(name);
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

  /** Nodes with a pod whose endpoint chains were built again (the others keep their tables). */
  const rebuilt = new Set<string>();
  const none: Record<Direction, ActivePolicy[]> = { ingress: [], egress: [] };
  /** A class's endpoint chains for its policies now (the chains they reach added on the way). */
  const endpointMemo = (cls: EndpointClass, profiles: readonly string[]): EndpointMemo => {
    const entry = applied.get(cls) ?? none;
    const ep: EndpointMemo = {
      ingress: entry.ingress.map((ap) => ap.policy),
      egress: entry.egress.map((ap) => ap.policy),
      profiles,
      chains: {},
      pods: new Map(),
    };
    for (const direction of DIRECTIONS) {
      trail = [];
      ep.chains[direction] = { rules: endpointRules(entry, direction, profiles), trail };
    }
    return ep;
  };
  const unchanged = (cls: EndpointClass, ep: EndpointMemo): boolean => {
    const entry = applied.get(cls) ?? none;
    return samePolicies(entry.ingress, ep.ingress) && samePolicies(entry.egress, ep.egress);
  };

  let workloads: Record<string, CalicoWorkload>;
  if (prev) {
    // Workloads do not depend on policies; the affected classes whose policies differ get new
    // endpoint chains, and the chains only their old ones reached go.
    workloads = prev.workloads as Record<string, CalicoWorkload>;
    memo.endpoints = reuse!.endpoints;
    const left: string[] = [];
    for (const cls of affected!) {
      const was = reuse!.endpoints.get(cls)!;
      if (unchanged(cls, was)) continue;
      const ep = endpointMemo(cls, was.profiles);
      memo.endpoints.set(cls, ep);
      for (const direction of DIRECTIONS) {
        chainRefs!.add(ep.chains[direction]!.trail);
        chainRefs!.drop(was.chains[direction]!.trail, left);
      }
      for (const i of cls.pods) {
        const pod = cluster.pods[i]!;
        const { workload } = was.pods.get(pod)!;
        const to = { name: workload.toChain, rules: ep.chains.ingress!.rules };
        const from = { name: workload.fromChain, rules: ep.chains.egress!.rules };
        shared[to.name] = to;
        shared[from.name] = from;
        ep.pods.set(pod, { workload, to, from });
        rebuilt.add(pod.nodeName);
      }
    }
    // A chain a later class's new trail reaches again has its count back.
    for (const name of left) if (!chainRefs!.has(name)) removeChain(name);
  } else {
    workloads = {};
    buildEndpoints();
  }

  // Endpoint chains: built for a class's first pod, named for each of its pods.
  function buildEndpoints() {
    const changed = new Set<EndpointClass>();
    const named = new Set<EndpointClass>();
    for (const pod of cluster.pods) {
      const cls = classes.of.get(pod)!;
      const entry = applied.get(cls) ?? none;
      let ep = memo.endpoints.get(cls);
      if (!ep) {
        const before = reuse?.endpoints.get(cls);
        if (before && reuse?.output && unchanged(cls, before)) {
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
  }

  const nodeIP = new Map(cluster.nodes.map((n) => [n.name, n.internalIP]));
  const nodes = nodeTables({
    nodes: [...new Set([...nodeIP.keys(), ...cluster.pods.map((p) => p.nodeName)])].sort(),
    internalIP: (node) => nodeIP.get(node) ?? '',
    shared,
    workloads,
    before: reuse?.output?.nodes,
    rebuilt,
    sameWorkloads: Boolean(prev),
  });

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
  if (chainRefs && setRefs) memo.refs = { chains: chainRefs, sets: setRefs };
  memos.set(dp, memo);
  return dp;
}
