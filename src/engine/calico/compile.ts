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
import { BUILTIN, dispatchChains, reachable, staticChains } from './staticChains';
import { orderedTiers, type TierInfo } from './tiers';

interface ActivePolicy {
  readonly policy: FelixPolicy;
  readonly tier: TierInfo;
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

/** A rendered policy chain, the policy it renders and the IP sets it asked for, in order. */
interface PolicyChainMemo {
  readonly policy: FelixPolicy;
  readonly chain: IptChain;
  readonly sets: CalicoIpSet[];
}

/** What a recompile may reuse of a compile (recompile.ts): per policy, its conversion, the pods
 * it selects and its rendered chains with the IP sets they refer to; chain names of groups. */
export interface CalicoCompileMemo {
  /** The cluster objects everything below depends on besides the policy itself. */
  readonly context: readonly unknown[];
  /** Per policy object: its conversion and the pods it selects (kept from compile to compile while
   * the context is the same: entries of removed policies go with them). */
  readonly felix: WeakMap<object, FelixPolicy>;
  readonly selected: WeakMap<FelixPolicy, Pod[]>;
  readonly chains: Map<string, PolicyChainMemo>;
  readonly groupNames: Map<string, string>;
  /** Each pod's Calico labels (labels.ts calicoEndpointLabels). */
  readonly labels: Map<Pod, Readonly<Record<string, string>>>;
  /** Per pod: what its endpoint chains were built from, and every chain they reach. */
  readonly endpoints: Map<Pod, EndpointMemo>;
  /** The compile's output, for the chains, workloads and node tables a recompile keeps. */
  output?: Pick<CalicoDataplane, 'chains' | 'nodes' | 'workloads'>;
}

/**
 * A pod's endpoint chains depend on the pod and, per direction, the Felix policies that apply to
 * it in order (each with its tier, found by name in the same tiers): when those are the same
 * objects, the chains are the same. `trail` names every chain they reach, each after the chains
 * it jumps to (the order a compile adds them in), so a recompile can add them as a compile would.
 */
interface EndpointMemo {
  readonly ingress: readonly FelixPolicy[];
  readonly egress: readonly FelixPolicy[];
  readonly trail: readonly string[];
  readonly workload: CalicoWorkload;
}

const samePolicies = (a: readonly ActivePolicy[], b: readonly FelixPolicy[]): boolean =>
  a.length === b.length && a.every((ap, i) => ap.policy === b[i]);

const memos = new WeakMap<CalicoDataplane, CalicoCompileMemo>();
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

export function compileCalicoDataplane(
  cluster: Cluster,
  previous?: CalicoCompileMemo,
): CalicoDataplane {
  const context = contextOf(cluster);
  const reuse =
    previous && previous.context.every((x, i) => x === context[i]) ? previous : undefined;
  const memo: CalicoCompileMemo = {
    context,
    felix: reuse?.felix ?? new WeakMap(),
    selected: reuse?.selected ?? new WeakMap(),
    chains: new Map(),
    // Group chain names are a function of their key: the previous compile's stand.
    groupNames: reuse?.groupNames ?? new Map(),
    labels: new Map(),
    endpoints: new Map(),
  };
  const index = indexCluster(cluster);
  const convert = <T extends object>(p: T, f: (p: T) => FelixPolicy): FelixPolicy => {
    let felix = memo.felix.get(p);
    if (!felix) memo.felix.set(p, (felix = f(p)));
    return felix;
  };
  // conversion.ts felixPolicies, one policy at a time.
  const policies = [
    ...cluster.calicoPolicies.map((p) => convert(p, convertCalicoPolicy)),
    ...cluster.k8sPolicies.map((p) => convert(p, convertK8sPolicy)),
  ];
  const tiers = orderedTiers(
    cluster,
    policies.map((p) => p.tier),
  );
  const tierByName = new Map(tiers.map((t, i) => [t.name, { t, i }]));

  const workloadLabels = cluster.pods.map((pod) => ({
    pod,
    labels: reuse?.labels.get(pod) ?? calicoEndpointLabels(cluster, pod),
  }));
  const labelsByPod = memo.labels;
  for (const w of workloadLabels) labelsByPod.set(w.pod, w.labels);
  const sets = new IpSetRegistry({
    workloads: workloadLabels,
    netsets: cluster.calicoNetworkSets.map((s) => ({
      nets: s.nets,
      labels: calicoNetworkSetLabels(cluster, s),
    })),
  });

  // Which policies apply to which endpoint, per direction (the active rules calculator).
  const applied = new Map<Pod, Record<Direction, ActivePolicy[]>>();
  const selectedBy = (policy: FelixPolicy): Pod[] => {
    let pods = memo.selected.get(policy);
    if (!pods) {
      const sel = felixSelector(policy.selector);
      const candidates =
        policy.namespace !== undefined ? index.podsInNamespace(policy.namespace) : cluster.pods;
      pods = candidates.filter((pod) => sel.match(labelsByPod.get(pod)!));
      memo.selected.set(policy, pods);
    }
    return pods;
  };
  for (const policy of policies) {
    const active: ActivePolicy = { policy, tier: tierByName.get(policy.tier)!.t };
    for (const pod of selectedBy(policy)) {
      let entry = applied.get(pod);
      if (!entry) applied.set(pod, (entry = { ingress: [], egress: [] }));
      for (const d of policy.types) entry[d].push(active);
    }
  }

  const shared = new Map<string, IptChain>();
  const policyChains = new Map<string, IptChain>();

  const renderPolicyChain = (ap: ActivePolicy, direction: Direction): string => {
    const { policy } = ap;
    const name = policyChainName(direction, policy.id);
    trail.push(name);
    if (policyChains.has(name)) return name;
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
    policyChains.set(name, chain);
    shared.set(name, chain);
    return name;
  };
  const adoptPolicyChain = (name: string, known: PolicyChainMemo) => {
    sets.adopt(known.sets);
    memo.chains.set(name, known);
    policyChains.set(name, known.chain);
    shared.set(name, known.chain);
  };
  /** The chains the pod being compiled reaches, in the order a compile adds them. */
  let trail: string[] = [];

  // Endpoints that share a group share its chain: name each group once.
  const groupNames = new Map<string, string>();
  const renderGroupChain = (group: ActivePolicy[], direction: Direction): string => {
    const key = `${direction}\n${group.map((g) => g.policy.ref).join('\n')}`;
    let name = groupNames.get(key);
    if (name === undefined) {
      const ids = group.map((g) => g.policy.id);
      const across = `${direction}\n${group[0]!.policy.selector}\n${JSON.stringify(ids)}`;
      name =
        reuse?.groupNames.get(across) ??
        policyGroupChainName(direction, group[0]!.policy.selector, ids);
      memo.groupNames.set(across, name);
      groupNames.set(key, name);
    }
    if (shared.has(name)) {
      for (const ap of group) {
        if (!ap.policy.staged) trail.push(policyChainName(direction, ap.policy.id));
      }
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
    shared.set(name, { name, rules });
    trail.push(name);
    return name;
  };

  const renderProfileChain = (profile: string, direction: Direction, allow: boolean): string => {
    const name = profileChainName(direction, profile);
    trail.push(name);
    if (shared.has(name)) return name;
    const origin: RuleOrigin = { kind: 'profile', profile, direction };
    // The kns. profile's one rule is `Allow` (conversion.go `NamespaceToProfile`); its RETURN is
    // stripped as the last rule. The ksa. profile has no rules: one empty rule keeps the comment.
    const rules = allow ? [rule([], setMark(M.accept), [], origin)] : [];
    shared.set(name, finishChain(name, rules, `Profile ${profile} ${direction}`));
    return name;
  };

  /** Adds, as a compile would, the chains a pod's unchanged endpoint chains reach. */
  const replay = (previous: Pick<CalicoDataplane, 'chains'>, trail: readonly string[]) => {
    for (const name of trail) {
      if (shared.has(name)) continue;
      const known = reuse!.chains.get(name);
      if (known) adoptPolicyChain(name, known);
      else shared.set(name, previous.chains[name]!);
    }
  };

  // Endpoint chains.
  const workloads: Record<string, CalicoWorkload> = {};
  /** Nodes with a pod whose endpoint chains were built again (the others keep their tables). */
  const rebuilt = new Set<string>();
  for (const pod of cluster.pods) {
    const entry = applied.get(pod) ?? { ingress: [], egress: [] };
    const before = reuse?.endpoints.get(pod);
    const output = reuse?.output;
    if (
      before &&
      output &&
      samePolicies(entry.ingress, before.ingress) &&
      samePolicies(entry.egress, before.egress)
    ) {
      replay(output, before.trail);
      memo.endpoints.set(pod, before);
      workloads[before.workload.pod] = before.workload;
      continue;
    }
    rebuilt.add(pod.nodeName);
    trail = [];
    const iface = calicoInterfaceName(pod.namespace, pod.name);
    const profiles = [
      namespaceProfileName(pod.namespace),
      serviceAccountProfileName(pod.namespace, pod.serviceAccount),
    ];
    for (const direction of ['ingress', 'egress'] as const) {
      const chain = endpointChainName(direction, iface);
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
      shared.set(chain, { name: chain, rules });
      trail.push(chain);
    }
    const workload: CalicoWorkload = {
      pod: podKey(pod),
      node: pod.nodeName,
      ip: pod.ip,
      iface,
      toChain: endpointChainName('ingress', iface),
      fromChain: endpointChainName('egress', iface),
      profiles,
    };
    workloads[workload.pod] = workload;
    memo.endpoints.set(pod, {
      ingress: entry.ingress.map((ap) => ap.policy),
      egress: entry.egress.map((ap) => ap.policy),
      trail,
      workload,
    });
  }

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
    const local = Object.values(workloads).filter((w) => w.node === node);
    const chains = staticChains();
    const ifaces = local.map((w) => w.iface);
    for (const c of dispatchChains(ifaces, 'in')) chains[c.name] = c;
    for (const c of dispatchChains(ifaces, 'out')) chains[c.name] = c;
    const programmed = reachable(['INPUT', 'FORWARD', 'OUTPUT'], chains, shared);
    const ipsets = new Set<string>();
    for (const name of programmed) {
      for (const r of (chains[name] ?? shared.get(name))!.rules) {
        for (const m of r.matches) if (m.kind === 'set') ipsets.add(m.set);
      }
    }
    nodes[node] = {
      node,
      internalIP: index.nodeByName.get(node)?.internalIP ?? '',
      chains,
      programmed: programmed.filter((n) => !BUILTIN.has(n)).sort(),
      ipsets: [...ipsets].sort(),
      workloads: local.map((w) => w.pod),
    };
  }

  const dp: CalicoDataplane = {
    felix: FELIX_RELEASE,
    marks: FELIX_MARKS,
    nodes,
    chains: Object.fromEntries(shared),
    ipsets: Object.fromEntries(sets.sets),
    workloads,
    countsConntrackRules: true,
  };
  memo.output = dp;
  memos.set(dp, memo);
  return dp;
}
