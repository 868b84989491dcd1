/**
 * Compiles a cluster into the iptables filter tables Felix programs on each node.
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
import { cidrContainsIP, parseIPv4, type Cidr } from '../cidr';
import { indexCluster, podKey } from '../cluster';
import type { Cluster, Direction, Pod } from '../model';
import {
  felixPolicies,
  felixSelector,
  type FelixEntity,
  type FelixPolicy,
  type FelixPort,
  type FelixRule,
} from './conversion';
import type {
  CalicoDataplane,
  CalicoIpSet,
  CalicoNodeTables,
  CalicoWorkload,
  IptChain,
  IptMatch,
  IptRule,
  NamedPortProtocol,
  RuleOrigin,
} from './dataplane';
import {
  ALL_CALICO_MARK_BITS,
  DEFAULT_ENDPOINT_TO_HOST_ACTION,
  FELIX_MARKS,
  FELIX_RELEASE,
  VXLAN_PORT,
} from './felixConfig';
import {
  calicoEndpointLabels,
  calicoNetworkSetLabels,
  namespaceProfileName,
  serviceAccountProfileName,
} from './labels';
import {
  CHAIN,
  calicoInterfaceName,
  endpointChainName,
  isStagedKind,
  policyChainName,
  policyGroupChainName,
  profileChainName,
} from './names';
import { namedPortIpSetName, selectorIpSetName } from './selector';
import { orderedTiers, type TierInfo } from './tiers';

const M = FELIX_MARKS;
const PROTO_UDP = 17;
const PROTO_IPIP = 4;

// ---------------------------------------------------------------------------------------------
// Small rule builders
// ---------------------------------------------------------------------------------------------

const markClear = (bits: number): IptMatch => ({ kind: 'mark', value: 0, mask: bits });
const markSet = (bit: number): IptMatch => ({ kind: 'mark', value: bit, mask: bit });
const markNotClear = (bits: number): IptMatch => ({
  kind: 'mark',
  value: 0,
  mask: bits,
  negate: true,
});

function rule(
  matches: IptMatch[],
  action: IptRule['action'],
  comments: string[] = [],
  origin?: RuleOrigin,
): IptRule {
  return { matches, action, comments, ...(origin ? { origin } : {}) };
}

const jump = (target: string): IptRule['action'] => ({ kind: 'jump', target });
const goto = (target: string): IptRule['action'] => ({ kind: 'goto', target });
const setMark = (bits: number): IptRule['action'] => ({ kind: 'mark', value: bits, mask: bits });
const clearMark = (bits: number): IptRule['action'] => ({ kind: 'mark', value: 0, mask: bits });
const ACCEPT: IptRule['action'] = { kind: 'accept' };
const DROP: IptRule['action'] = { kind: 'drop' };
const RETURN: IptRule['action'] = { kind: 'return' };

// ---------------------------------------------------------------------------------------------
// IP sets
// ---------------------------------------------------------------------------------------------

interface SetMembersSource {
  readonly workloads: readonly {
    readonly pod: Pod;
    readonly labels: Readonly<Record<string, string>>;
  }[];
  readonly netsets: readonly {
    readonly nets: readonly Cidr[];
    readonly labels: Readonly<Record<string, string>>;
  }[];
}

/** Felix's IP sets, created as rules refer to them; members are filled from the label index. */
class IpSetRegistry {
  readonly sets = new Map<string, CalicoIpSet>();
  constructor(private readonly source: SetMembersSource) {}

  /** A selector's set: the IPs of matching endpoints and the CIDRs of matching network sets. */
  selector(text: string): string {
    const sel = felixSelector(text);
    const name = selectorIpSetName(sel.canonical);
    if (!this.sets.has(name)) {
      const members: string[] = [];
      for (const w of this.source.workloads) if (sel.match(w.labels)) members.push(w.pod.ip);
      for (const n of this.source.netsets) {
        if (sel.match(n.labels))
          for (const c of n.nets) members.push(c.prefix === 32 ? c.text.slice(0, -3) : c.text);
      }
      this.sets.set(name, {
        name,
        type: 'hash:net',
        members: dedupe(members),
        selector: sel.canonical,
      });
    }
    return name;
  }

  /**
   * A named port's set over a selector's endpoints: `ip,proto:port` for every matching endpoint
   * that declares a port with that name and protocol (network sets have no ports). With `any`
   * (a rule without a protocol), every port of that name joins with its own protocol
   * (labelindex/named_port_index.go, ipsetmember `MatchesModelProtocol`).
   */
  namedPort(selectorText: string, protocol: NamedPortProtocol, port: string): string {
    const sel = felixSelector(selectorText);
    const name = namedPortIpSetName(sel.canonical, protocol, port);
    if (!this.sets.has(name)) {
      const members: string[] = [];
      for (const w of this.source.workloads) {
        if (!sel.match(w.labels)) continue;
        for (const p of w.pod.ports) {
          if (p.name === port && (protocol === 'any' || p.protocol === protocol)) {
            members.push(`${w.pod.ip},${p.protocol.toLowerCase()}:${p.port}`);
          }
        }
      }
      this.sets.set(name, {
        name,
        type: 'hash:ip,port',
        members: dedupe(members),
        selector: sel.canonical,
        namedPort: { name: port, protocol },
      });
    }
    return name;
  }
}

function dedupe(list: string[]): string[] {
  return [...new Set(list)];
}

// ---------------------------------------------------------------------------------------------
// Policy rules (policy.go)
// ---------------------------------------------------------------------------------------------

/** policy.go `SplitPortList`: iptables multiport takes 15 slots; a range takes two. */
function splitPorts(ports: readonly { first: number; last: number }[]): [number, number][][] {
  const splits: [number, number][][] = [];
  let split: [number, number][] = [];
  let free = 15;
  for (const p of ports) {
    const need = p.first === p.last ? 1 : 2;
    if (free < need) {
      splits.push(split);
      split = [];
      free = 15;
    }
    split.push([p.first, p.last]);
    free -= need;
  }
  if (split.length > 0) splits.push(split);
  return splits;
}

const isCatchAll = (c: Cidr): boolean => c.prefix === 0;
const ranges = (ports: readonly FelixPort[]) =>
  ports.flatMap((p) => (p.kind === 'range' ? [{ first: p.first, last: p.last }] : []));
const names = (ports: readonly FelixPort[]) =>
  ports.flatMap((p) => (p.kind === 'named' ? [p.name] : []));

/** rule_scanner.go: a rule side's selectors turned into IP sets. */
interface SideSets {
  selectorSet?: string;
  notSelectorSet?: string;
  numeric: { first: number; last: number }[];
  namedSets: string[];
  notNumeric: { first: number; last: number }[];
  notNamedSets: string[];
  nets: readonly Cidr[];
  notNets: readonly Cidr[];
}

function sideSets(e: FelixEntity, namedProto: NamedPortProtocol, sets: IpSetRegistry): SideSets {
  // combineMatchesIfPossible: with a positive selector, the notSelector filters it instead of
  // getting a set of its own ("(%s) && (!(%s))").
  const positive =
    e.selector !== undefined && e.notSelector !== undefined
      ? `(${e.selector}) && (!(${e.notSelector}))`
      : e.selector;
  const negated = e.selector === undefined ? e.notSelector : undefined;
  const numeric = ranges(e.ports);
  const named = names(e.ports);
  // namedPortsToIPSets: a named port is filtered by the positive selector (all() without one),
  // for the negated named ports too.
  const portSelector = positive ?? 'all()';
  const out: SideSets = {
    numeric,
    namedSets: named.map((n) => sets.namedPort(portSelector, namedProto, n)),
    notNumeric: ranges(e.notPorts),
    notNamedSets: names(e.notPorts).map((n) => sets.namedPort(portSelector, namedProto, n)),
    nets: e.nets,
    notNets: e.notNets,
  };
  // "only include the selectors if we haven't already covered them with a named port match"
  if (positive !== undefined && (numeric.length > 0 || named.length === 0)) {
    out.selectorSet = sets.selector(positive);
  }
  if (negated !== undefined) out.notSelectorSet = sets.selector(negated);
  return out;
}

function namedPortProtocol(r: FelixRule): NamedPortProtocol {
  // rule_scanner.go: a rule without a protocol looks its named ports up with ProtocolAny (each
  // endpoint port matches with its own protocol); otherwise ipsetmember `ProtocolFrom`: UDP or
  // SCTP as written, TCP for anything else.
  if (r.protocol === undefined) return 'any';
  if (r.protocol.number === 17) return 'UDP';
  if (r.protocol.number === 132) return 'SCTP';
  return 'TCP';
}

/** policy.go `ProtoRuleToIptablesRules` with its `matchBlockBuilder`. */
function renderPolicyRule(r: FelixRule, origin: RuleOrigin, sets: IpSetRegistry): IptRule[] {
  // validator.go refuses such rules; Felix never receives them.
  if (r.rejected) return [];
  // policy.go `filterNets`: a negated catch-all CIDR drops the whole rule (it could never match).
  if (r.source.notNets.some(isCatchAll) || r.destination.notNets.some(isCatchAll)) return [];
  const proto = namedPortProtocol(r);
  const src = sideSets(r.source, proto, sets);
  const dst = sideSets(r.destination, proto, sets);

  const blockRules: IptRule[] = [];
  let usingBlocks = false;
  let positiveBlocks = 0;
  const allBlocks = M.scratch0;
  const thisBlock = M.scratch1;
  const protoMatch: IptMatch[] = r.protocol ? [{ kind: 'proto', number: r.protocol.number }] : [];
  const initial = (bits: number) => {
    if (usingBlocks) return;
    blockRules.push(
      rule([], { kind: 'mark', value: bits, mask: allBlocks | thisBlock }, [], origin),
    );
    usingBlocks = true;
  };
  const positiveBlock = (rulesOf: (bit: number) => IptRule[]) => {
    initial(0);
    const bit = positiveBlocks === 0 ? allBlocks : thisBlock;
    const rs = rulesOf(bit);
    // Felix reuses the scratch bit from block 3 on without clearing it, so a bit left set by
    // the previous block would count as a match here. PacketWalk clears it first, as Calico's
    // documented semantics (every field must match) require; see the model's explanation.
    if (positiveBlocks >= 2 && rs[0]) rs[0] = { ...rs[0], modelClearsBefore: thisBlock };
    blockRules.push(...rs);
    if (positiveBlocks > 0)
      blockRules.push(rule([markClear(thisBlock)], clearMark(allBlocks), [], origin));
    positiveBlocks++;
  };
  const portBlock = (side: SideSets, dir: 'src' | 'dst') => {
    const splits = splitPorts(side.numeric);
    if (splits.length + side.namedSets.length <= 1) return false;
    positiveBlock((bit) => [
      ...splits.map((split) =>
        rule([...protoMatch, { kind: 'ports', dir, ranges: split }], setMark(bit), [], origin),
      ),
      ...side.namedSets.map((set) =>
        rule([{ kind: 'set', dir, set, ipPort: true }], setMark(bit), [], origin),
      ),
    ]);
    return true;
  };
  const srcPortsInBlock = portBlock(src, 'src');
  const dstPortsInBlock = portBlock(dst, 'dst');
  let srcNets = src.nets;
  let dstNets = dst.nets;
  if (srcNets.length > 1) {
    const nets = srcNets;
    positiveBlock((bit) =>
      nets.map((cidr) => rule([{ kind: 'net', dir: 'src', cidr }], setMark(bit), [], origin)),
    );
    srcNets = [];
  }
  if (dstNets.length > 1) {
    const nets = dstNets;
    positiveBlock((bit) =>
      nets.map((cidr) => rule([{ kind: 'net', dir: 'dst', cidr }], setMark(bit), [], origin)),
    );
    dstNets = [];
  }
  let notSrcNets = src.notNets;
  let notDstNets = dst.notNets;
  const negatedBlock = (nets: readonly Cidr[], dir: 'src' | 'dst') => {
    initial(allBlocks);
    for (const cidr of nets)
      blockRules.push(rule([{ kind: 'net', dir, cidr }], clearMark(allBlocks), [], origin));
  };
  if (srcNets.length + notSrcNets.length > 1) {
    negatedBlock(notSrcNets, 'src');
    notSrcNets = [];
  }
  if (dstNets.length + notDstNets.length > 1) {
    negatedBlock(notDstNets, 'dst');
    notDstNets = [];
  }

  // CalculateRuleMatch: positive criteria first, then the negated ones.
  const m: IptMatch[] = [...protoMatch];
  if (srcNets[0]) m.push({ kind: 'net', dir: 'src', cidr: srcNets[0] });
  if (src.selectorSet) m.push({ kind: 'set', dir: 'src', set: src.selectorSet, ipPort: false });
  if (!srcPortsInBlock) {
    if (src.numeric.length > 0)
      m.push({
        kind: 'ports',
        dir: 'src',
        ranges: src.numeric.map((p) => [p.first, p.last] as [number, number]),
      });
    for (const set of src.namedSets) m.push({ kind: 'set', dir: 'src', set, ipPort: true });
  }
  if (dstNets[0]) m.push({ kind: 'net', dir: 'dst', cidr: dstNets[0] });
  if (dst.selectorSet) m.push({ kind: 'set', dir: 'dst', set: dst.selectorSet, ipPort: false });
  if (!dstPortsInBlock) {
    if (dst.numeric.length > 0)
      m.push({
        kind: 'ports',
        dir: 'dst',
        ranges: dst.numeric.map((p) => [p.first, p.last] as [number, number]),
      });
    for (const set of dst.namedSets) m.push({ kind: 'set', dir: 'dst', set, ipPort: true });
  }
  if (r.icmp) m.push({ kind: 'icmp', ...r.icmp });
  if (r.notProtocol) m.push({ kind: 'proto', number: r.notProtocol.number, negate: true });
  if (notSrcNets[0]) m.push({ kind: 'net', dir: 'src', cidr: notSrcNets[0], negate: true });
  if (src.notSelectorSet)
    m.push({ kind: 'set', dir: 'src', set: src.notSelectorSet, ipPort: false, negate: true });
  for (const split of splitPorts(src.notNumeric))
    m.push({ kind: 'ports', dir: 'src', ranges: split, negate: true });
  for (const set of src.notNamedSets)
    m.push({ kind: 'set', dir: 'src', set, ipPort: true, negate: true });
  if (notDstNets[0]) m.push({ kind: 'net', dir: 'dst', cidr: notDstNets[0], negate: true });
  if (dst.notSelectorSet)
    m.push({ kind: 'set', dir: 'dst', set: dst.notSelectorSet, ipPort: false, negate: true });
  for (const split of splitPorts(dst.notNumeric))
    m.push({ kind: 'ports', dir: 'dst', ranges: split, negate: true });
  for (const set of dst.notNamedSets)
    m.push({ kind: 'set', dir: 'dst', set, ipPort: true, negate: true });
  if (r.notICMP) m.push({ kind: 'icmp', ...r.notICMP, negate: true });
  if (usingBlocks) m.push(markSet(allBlocks));

  // CombineMatchAndActionsForProtoRule (flow logs off, so no NFLOG rules).
  const out = [...blockRules];
  switch (r.action) {
    case 'log':
      out.push(rule(m, { kind: 'log', prefix: 'calico-packet' }, [], origin));
      break;
    case 'allow':
      out.push(
        rule(m, setMark(M.accept), [], origin),
        rule([markSet(M.accept)], RETURN, [], origin),
      );
      break;
    case 'next-tier':
      out.push(rule(m, setMark(M.pass), [], origin), rule([markSet(M.pass)], RETURN, [], origin));
      break;
    case 'deny':
      out.push(rule(m, setMark(M.drop), [], origin), rule([markSet(M.drop)], DROP, [], origin));
      break;
  }
  return out;
}

/** policy.go `ProtoRulesToIptablesRules`: strip trailing RETURNs, comment the first rule. */
function finishChain(name: string, rules: IptRule[], comment: string): IptChain {
  while (rules.length > 0 && rules[rules.length - 1]!.action.kind === 'return') rules.pop();
  if (rules.length === 0) rules.push(rule([], { kind: 'none' }));
  rules[0] = { ...rules[0]!, comments: [...rules[0]!.comments, comment] };
  return { name, rules };
}

// ---------------------------------------------------------------------------------------------
// The compiler
// ---------------------------------------------------------------------------------------------

interface ActivePolicy {
  readonly policy: FelixPolicy;
  readonly tier: TierInfo;
}

function byOrder(a: FelixPolicy, b: FelixPolicy): number {
  // policy_sorter.go `PolicyByOrder`: order ascending, unset last, ties by name.
  if (a.order !== b.order) {
    if (a.order === undefined) return 1;
    if (b.order === undefined) return -1;
    return a.order - b.order;
  }
  return a.sortName < b.sortName ? -1 : a.sortName > b.sortName ? 1 : 0;
}

const KIND_COMMENT_DIR: Record<Direction, string> = { ingress: 'ingress', egress: 'egress' };

export function compileCalicoDataplane(cluster: Cluster): CalicoDataplane {
  const index = indexCluster(cluster);
  const policies = felixPolicies(cluster);
  const tiers = orderedTiers(
    cluster,
    policies.map((p) => p.tier),
  );
  const tierByName = new Map(tiers.map((t, i) => [t.name, { t, i }]));

  const workloadLabels = cluster.pods.map((pod) => ({
    pod,
    labels: calicoEndpointLabels(cluster, pod),
  }));
  const labelsByPod = new Map(workloadLabels.map((w) => [w.pod, w.labels]));
  const sets = new IpSetRegistry({
    workloads: workloadLabels,
    netsets: cluster.calicoNetworkSets.map((s) => ({
      nets: s.nets,
      labels: calicoNetworkSetLabels(cluster, s),
    })),
  });

  // Which policies apply to which endpoint, per direction (the active rules calculator).
  const applied = new Map<Pod, Record<Direction, ActivePolicy[]>>();
  for (const policy of policies) {
    const sel = felixSelector(policy.selector);
    const tier = tierByName.get(policy.tier)!.t;
    const candidates =
      policy.namespace !== undefined ? index.podsInNamespace(policy.namespace) : cluster.pods;
    for (const pod of candidates) {
      if (!sel.match(labelsByPod.get(pod)!)) continue;
      let entry = applied.get(pod);
      if (!entry) applied.set(pod, (entry = { ingress: [], egress: [] }));
      for (const d of policy.types) entry[d].push({ policy, tier });
    }
  }

  const shared = new Map<string, IptChain>();
  const policyChains = new Map<string, IptChain>();

  const renderPolicyChain = (ap: ActivePolicy, direction: Direction): string => {
    const { policy } = ap;
    const name = policyChainName(direction, policy.id);
    if (policyChains.has(name)) return name;
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
    policyChains.set(name, chain);
    shared.set(name, chain);
    return name;
  };

  // Endpoints that share a group share its chain: name each group once.
  const groupNames = new Map<string, string>();
  const renderGroupChain = (group: ActivePolicy[], direction: Direction): string => {
    const key = `${direction}\n${group.map((g) => g.policy.ref).join('\n')}`;
    let name = groupNames.get(key);
    if (name === undefined) {
      name = policyGroupChainName(
        direction,
        group[0]!.policy.selector,
        group.map((g) => g.policy.id),
      );
      groupNames.set(key, name);
    }
    if (shared.has(name)) return name;
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
    return name;
  };

  const renderProfileChain = (profile: string, direction: Direction, allow: boolean): string => {
    const name = profileChainName(direction, profile);
    if (shared.has(name)) return name;
    const origin: RuleOrigin = { kind: 'profile', profile, direction };
    // The kns. profile's one rule is `Allow` (conversion.go `NamespaceToProfile`); its RETURN is
    // stripped as the last rule. The ksa. profile has no rules: one empty rule keeps the comment.
    const rules = allow ? [rule([], setMark(M.accept), [], origin)] : [];
    shared.set(name, finishChain(name, rules, `Profile ${profile} ${direction}`));
    return name;
  };

  // Endpoint chains.
  const workloads: Record<string, CalicoWorkload> = {};
  for (const pod of cluster.pods) {
    const iface = calicoInterfaceName(pod.namespace, pod.name);
    const profiles = [
      namespaceProfileName(pod.namespace),
      serviceAccountProfileName(pod.namespace, pod.serviceAccount),
    ];
    const entry = applied.get(pod) ?? { ingress: [], egress: [] };
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
    }
    workloads[podKey(pod)] = {
      pod: podKey(pod),
      node: pod.nodeName,
      ip: pod.ip,
      iface,
      toChain: endpointChainName('ingress', iface),
      fromChain: endpointChainName('egress', iface),
      profiles,
    };
  }

  // Per node: static and dispatch chains, then everything they reach.
  const nodeNames = new Set([
    ...cluster.nodes.map((n) => n.name),
    ...cluster.pods.map((p) => p.nodeName),
  ]);
  const nodes: Record<string, CalicoNodeTables> = {};
  for (const node of [...nodeNames].sort()) {
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

  return {
    felix: FELIX_RELEASE,
    marks: FELIX_MARKS,
    nodes,
    chains: Object.fromEntries(shared),
    ipsets: Object.fromEntries(sets.sets),
    workloads,
    countsConntrackRules: true,
  };
}

const BUILTIN = new Set(['INPUT', 'FORWARD', 'OUTPUT']);

function reachable(
  roots: string[],
  local: Record<string, IptChain>,
  shared: Map<string, IptChain>,
): string[] {
  const seen = new Set<string>();
  const todo = [...roots];
  while (todo.length > 0) {
    const name = todo.pop()!;
    if (seen.has(name)) continue;
    const chain = local[name] ?? shared.get(name);
    if (!chain) continue;
    seen.add(name);
    for (const r of chain.rules) {
      if (r.action.kind === 'jump' || r.action.kind === 'goto') todo.push(r.action.target);
    }
  }
  return [...seen];
}

/** static.go, for the default configuration. */
function staticChains(): Record<string, IptChain> {
  const accepted = 'Policy explicitly accepted packet.';
  const chains: IptChain[] = [
    // Felix inserts its jump at the top of each built-in chain and appends the accept rules to
    // FORWARD (StaticFilterForwardAppendRules); other rules there (kube-proxy…) are not modelled.
    { name: 'INPUT', rules: [rule([], jump(CHAIN.input))] },
    {
      name: 'FORWARD',
      rules: [
        rule([], jump(CHAIN.forward)),
        rule([markSet(M.accept)], ACCEPT, [accepted]),
        rule([], setMark(M.accept)),
      ],
    },
    { name: 'OUTPUT', rules: [rule([], jump(CHAIN.output))] },
    {
      name: CHAIN.forward,
      rules: [
        rule([], clearMark(ALL_CALICO_MARK_BITS & ~M.accept)),
        rule([markClear(M.accept)], jump(CHAIN.fromHostEndpointForward)),
        rule([{ kind: 'iface', dir: 'in', name: 'cali+' }], jump(CHAIN.fromWorkloadDispatch)),
        rule([{ kind: 'iface', dir: 'out', name: 'cali+' }], jump(CHAIN.toWorkloadDispatch)),
        rule([], jump(CHAIN.toHostEndpointForward)),
        rule([], jump(CHAIN.cidrBlock)),
      ],
    },
    {
      name: CHAIN.input,
      rules: [
        rule([{ kind: 'iface', dir: 'in', name: 'cali+' }], goto(CHAIN.workloadToHost)),
        rule([markSet(M.accept)], ACCEPT),
        rule([], clearMark(ALL_CALICO_MARK_BITS)),
        rule([], jump(CHAIN.fromHostEndpoint)),
        rule([markSet(M.accept)], ACCEPT, ['Host endpoint policy accepted packet.']),
      ],
    },
    {
      name: CHAIN.workloadToHost,
      rules: [
        rule([], jump(CHAIN.fromWorkloadDispatch)),
        rule(
          [],
          DEFAULT_ENDPOINT_TO_HOST_ACTION === 'ACCEPT' ? ACCEPT : DROP,
          ['Configured DefaultEndpointToHostAction'],
          {
            kind: 'endpoint-to-host',
          },
        ),
      ],
    },
    {
      name: CHAIN.output,
      rules: [
        rule([markSet(M.accept)], ACCEPT),
        // "We don't currently police host -> endpoint according to the endpoint's ingress policy."
        rule([{ kind: 'iface', dir: 'out', name: 'cali+' }], RETURN, [], {
          kind: 'host-to-workload',
        }),
        rule([], clearMark(ALL_CALICO_MARK_BITS)),
        rule([{ kind: 'ctstate', states: ['DNAT'], negate: true }], jump(CHAIN.toHostEndpoint)),
        rule([markSet(M.accept)], ACCEPT, ['Host endpoint policy accepted packet.']),
      ],
    },
    // Host endpoint dispatch chains with no host endpoints, and the service-loop block chain.
    { name: CHAIN.fromHostEndpointForward, rules: [] },
    { name: CHAIN.toHostEndpointForward, rules: [] },
    { name: CHAIN.fromHostEndpoint, rules: [] },
    { name: CHAIN.toHostEndpoint, rules: [] },
    { name: CHAIN.cidrBlock, rules: [] },
  ];
  return Object.fromEntries(chains.map((c) => [c.name, c]));
}

/** dispatch.go: a shallow tree of chains keyed on the interface name's next character. */
function dispatchChains(ifaces: readonly string[], dir: 'in' | 'out'): IptChain[] {
  const root = dir === 'in' ? CHAIN.fromWorkloadDispatch : CHAIN.toWorkloadDispatch;
  const endpointChain = (iface: string) =>
    endpointChainName(dir === 'in' ? 'egress' : 'ingress', iface);
  const unknown = () => rule([], DROP, ['Unknown interface'], { kind: 'unknown-interface' });
  const names = [...new Set(ifaces)].sort();
  const common = commonPrefix(names);
  const bins = new Map<string, string[]>();
  for (const name of names) {
    const prefix = name.length > common.length ? name.slice(0, common.length + 1) : common;
    const bin = bins.get(prefix);
    if (bin) bin.push(name);
    else bins.set(prefix, [name]);
  }
  const children: IptChain[] = [];
  const rootRules: IptRule[] = [];
  for (const [prefix, members] of bins) {
    if (members.length > 1) {
      const child = `${root}-${prefix.slice(common.length)}`;
      rootRules.push(rule([{ kind: 'iface', dir, name: `${prefix}+` }], goto(child)));
      children.push({
        name: child,
        rules: [
          ...members.map((m) => rule([{ kind: 'iface', dir, name: m }], goto(endpointChain(m)))),
          unknown(),
        ],
      });
    } else {
      rootRules.push(
        rule([{ kind: 'iface', dir, name: members[0]! }], goto(endpointChain(members[0]!))),
      );
    }
  }
  rootRules.push(unknown());
  return [...children, { name: root, rules: rootRules }];
}

function commonPrefix(names: readonly string[]): string {
  if (names.length === 0) return '';
  let prefix = names[0]!;
  for (const n of names) {
    let i = 0;
    while (i < prefix.length && i < n.length && prefix[i] === n[i]) i++;
    prefix = prefix.slice(0, i);
  }
  return prefix;
}

/** For the walker: whether an IP (as a number) is in a hash:net set's members. */
export function netSetIndex(set: CalicoIpSet): { hosts: Set<number>; cidrs: Cidr[] } {
  const hosts = new Set<number>();
  const cidrs: Cidr[] = [];
  for (const m of set.members) {
    const slash = m.indexOf('/');
    if (slash < 0) {
      const ip = parseIPv4(m);
      if (ip !== null) hosts.add(ip);
    } else {
      const base = parseIPv4(m.slice(0, slash));
      const prefix = Number(m.slice(slash + 1));
      if (base !== null) cidrs.push({ base, prefix, text: m });
    }
  }
  return { hosts, cidrs };
}

export const ipInNetSet = (idx: { hosts: Set<number>; cidrs: Cidr[] }, ip: number): boolean =>
  idx.hosts.has(ip) || idx.cidrs.some((c) => cidrContainsIP(c, ip));
