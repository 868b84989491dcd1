/**
 * Calico's policy verdict as Calico documents it, written to be read next to the docs
 * (docs.tigera.io/calico/latest/reference/resources/networkpolicy, globalnetworkpolicy, tier,
 * networkset, globalnetworkset; "Get started with policy tiers"). It reads the policies as the
 * user wrote them and never looks at Felix's rules: the iptables model (iptables.ts) compiles the
 * same policies its own way, and the two must agree.
 *
 * The rules, in the order they are applied:
 * 1. A connection from a pod is judged by the pod's egress policy on its node; a connection to a
 *    pod by the pod's ingress policy on its node. A pod-to-pod connection needs both.
 * 2. Traffic from a node to a pod on that node is not policed: Felix's cali-OUTPUT chain returns
 *    for every packet going to a workload interface ("We don't currently police host -> endpoint
 *    according to the endpoint's ingress policy", felix/rules/static.go `filterOutputChain`).
 *    From another node's address, the pod's ingress policy applies like for any other source.
 * 3. A pod's packet to UDP port 4789 (VXLAN) is dropped before any policy
 *    (AllowVXLANPacketsFromWorkloads defaults to false).
 * 4. The policies that apply to an endpoint in a direction are those whose `types` include the
 *    direction and whose selector matches the endpoint (a namespaced policy: endpoints in its
 *    namespace; a GlobalNetworkPolicy: any, narrowed by its namespaceSelector). Staged policies are
 *    never enforced. A Kubernetes NetworkPolicy is a policy of tier `default` at order 1000 whose
 *    rules allow what the Kubernetes spec allows.
 * 5. Tiers apply in order; inside a tier, policies by `order` (unset last), ties by name. In each
 *    policy the first matching rule decides: Allow accepts, Deny drops, Pass skips the rest of the
 *    tier, Log records the packet and evaluation goes on.
 * 6. A tier with policies for the endpoint and no verdict applies its defaultAction: Deny drops
 *    (the "end of tier" drop), Pass goes on to the next tier. Tiers without a policy for the
 *    endpoint are skipped. After the last tier the namespace profile `kns.<namespace>` allows.
 */
import { cidrContains } from '../cidr';
import { indexCluster, podKey } from '../cluster';
import { matchesLabelSelector } from '../labels';
import {
  formatRef,
  type CalicoAction,
  type CalicoEntityRule,
  type CalicoNetworkSet,
  type CalicoPolicy,
  type CalicoPort,
  type CalicoRule,
  type CalicoSelectorSource,
  type Cluster,
  type Decision,
  type Direction,
  type DirectionVerdict,
  type K8sNetworkPolicy,
  type Peer,
  type Pod,
  type ProbeProtocol,
  type Protocol,
  type ResolvedProbe,
} from '../model';
import { peerName, probeWhat, selfProbeReason, specCase } from '../probe';
import { k8sRuleAllowing, k8sRuleName } from '../reference/k8s';
import {
  DEFAULT_ENDPOINT_TO_HOST_ACTION,
  HTTP_NOTE,
  PROBE_SOURCE_PORT,
  VXLAN_PORT,
  protocolHasPorts,
  protocolNumber,
} from './felixConfig';
import { calicoIcmpFieldsMatch } from './icmp';
import {
  calicoEndpointLabels,
  calicoNamespaceLabels,
  calicoNetworkSetLabels,
  calicoServiceAccountLabels,
  namespaceProfileName,
} from './labels';
import { compileSelector, parseCalicoSelector, type SelectorMatcher } from './selector';
import { felixPolicySortKey, orderedTiers } from './tiers';

// ---------------------------------------------------------------------------------------------
// Selectors, compiled once per text
// ---------------------------------------------------------------------------------------------

type Scope = 'namespaced' | 'non-namespaced' | undefined;
const matcherCache = new Map<string, SelectorMatcher>();

function matcher(source: CalicoSelectorSource | string, scope?: Scope): SelectorMatcher {
  const text = typeof source === 'string' ? source : source.text;
  const key = `${scope ?? ''}|${text}`;
  let m = matcherCache.get(key);
  if (!m) {
    const r = parseCalicoSelector(text);
    // The loader rejects invalid selectors; one that slipped through selects nothing.
    m = r.ok
      ? compileSelector(r.selector.ast, scope ? { namespaceSelectorFor: scope } : {})
      : () => false;
    if (matcherCache.size > 50_000) matcherCache.clear();
    matcherCache.set(key, m);
  }
  return m;
}

const given = (s: CalicoSelectorSource | undefined): s is CalicoSelectorSource =>
  s !== undefined && s.text.trim() !== '';

// ---------------------------------------------------------------------------------------------
// Which policies apply, tier by tier
// ---------------------------------------------------------------------------------------------

type Applied =
  | {
      readonly kind: 'calico';
      readonly policy: CalicoPolicy;
      readonly order?: number;
      readonly sortName: string;
    }
  | {
      readonly kind: 'k8s';
      readonly policy: K8sNetworkPolicy;
      readonly order: number;
      readonly sortName: string;
    };

interface TierPlan {
  readonly tier: string;
  readonly defaultAction: 'Deny' | 'Pass';
  readonly policies: readonly Applied[];
}

interface Plan {
  readonly tiers: readonly TierPlan[];
  readonly notes: readonly string[];
}

interface ClusterCache {
  readonly calicoByNamespace: Map<string, CalicoPolicy[]>;
  readonly calicoGlobal: CalicoPolicy[];
  readonly k8sByNamespace: Map<string, K8sNetworkPolicy[]>;
  readonly plans: Map<string, Plan>;
  readonly netsetsAt: Map<string, CalicoNetworkSet[]>;
}

const caches = new WeakMap<Cluster, ClusterCache>();

function cacheFor(cluster: Cluster): ClusterCache {
  let c = caches.get(cluster);
  if (c) return c;
  const calicoByNamespace = new Map<string, CalicoPolicy[]>();
  const calicoGlobal: CalicoPolicy[] = [];
  for (const p of cluster.calicoPolicies) {
    if (p.global || p.namespace === undefined) calicoGlobal.push(p);
    else push(calicoByNamespace, p.namespace, p);
  }
  const k8sByNamespace = new Map<string, K8sNetworkPolicy[]>();
  for (const p of cluster.k8sPolicies) push(k8sByNamespace, p.namespace, p);
  c = { calicoByNamespace, calicoGlobal, k8sByNamespace, plans: new Map(), netsetsAt: new Map() };
  caches.set(cluster, c);
  return c;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Whether a Calico policy's selector (and a GlobalNetworkPolicy's namespaceSelector) picks the pod. */
export function isCalicoSelected(cluster: Cluster, policy: CalicoPolicy, pod: Pod): boolean {
  if (!policy.global && policy.namespace !== pod.namespace) return false;
  if (!matcher(policy.selector)(calicoEndpointLabels(cluster, pod))) return false;
  if (policy.global && given(policy.namespaceSelector)) {
    const ns = indexCluster(cluster).namespace(pod.namespace) ?? pod.namespace;
    return matcher(policy.namespaceSelector)(calicoNamespaceLabels(ns));
  }
  return true;
}

const rulesOf = (p: CalicoPolicy, d: Direction): readonly CalicoRule[] =>
  d === 'ingress' ? p.ingress : p.egress;

function planFor(cluster: Cluster, pod: Pod, direction: Direction): Plan {
  const cache = cacheFor(cluster);
  const key = `${podKey(pod)}|${direction}`;
  const cached = cache.plans.get(key);
  if (cached) return cached;

  const notes: string[] = [];
  const applied: (Applied & { tier: string })[] = [];
  const calico = [...(cache.calicoByNamespace.get(pod.namespace) ?? []), ...cache.calicoGlobal];
  for (const policy of calico) {
    if (!isCalicoSelected(cluster, policy, pod)) continue;
    if (policy.staged) {
      notes.push(`Staged policy ${formatRef(policy.ref)} selects this pod but is never enforced.`);
      continue;
    }
    if (!policy.types.includes(direction)) {
      if (rulesOf(policy, direction).length > 0) {
        notes.push(
          `${formatRef(policy.ref)} has ${direction} rules, but its types leave out ${direction}, so they are ignored.`,
        );
      }
      continue;
    }
    applied.push({
      kind: 'calico',
      policy,
      ...(policy.order !== undefined ? { order: policy.order } : {}),
      // Felix breaks equal orders on the policy's key, name first (tiers.ts felixPolicySortKey).
      sortName: felixPolicySortKey(
        policy.name,
        policy.global ? undefined : policy.namespace,
        policy.global ? 'GlobalNetworkPolicy' : 'NetworkPolicy',
      ),
      tier: policy.tier,
    });
  }
  for (const policy of cache.k8sByNamespace.get(pod.namespace) ?? []) {
    if (!matchesLabelSelector(pod.labels, policy.podSelector)) continue;
    if (policy.staged) {
      notes.push(`Staged policy ${formatRef(policy.ref)} selects this pod but is never enforced.`);
      continue;
    }
    if (!policy.policyTypes.includes(direction)) continue;
    // Calico converts it to a policy named knp.default.<name>, order 1000, tier default.
    applied.push({
      kind: 'k8s',
      policy,
      order: 1000,
      sortName: felixPolicySortKey(policy.name, policy.namespace, 'KubernetesNetworkPolicy'),
      tier: 'default',
    });
  }

  const tiers: TierPlan[] = [];
  for (const tier of orderedTiers(
    cluster,
    applied.map((a) => a.tier),
  )) {
    const policies = applied.filter((a) => a.tier === tier.name).sort(byOrderThenName);
    if (policies.length > 0)
      tiers.push({ tier: tier.name, defaultAction: tier.defaultAction, policies });
  }
  const plan = { tiers, notes };
  cache.plans.set(key, plan);
  return plan;
}

/** Order ascending, unset last; equal orders by name (felix/calc/policy_sorter.go). */
function byOrderThenName(a: Applied, b: Applied): number {
  if (a.order !== b.order) {
    if (a.order === undefined) return 1;
    if (b.order === undefined) return -1;
    return a.order - b.order;
  }
  return a.sortName < b.sortName ? -1 : a.sortName > b.sortName ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Rule matching
// ---------------------------------------------------------------------------------------------

/** What sits at an address: the pod that owns it, and every network set whose nets contain it. */
type Entity =
  | { readonly kind: 'pod'; readonly pod: Pod; readonly namespace: string }
  | { readonly kind: 'netset'; readonly set: CalicoNetworkSet; readonly namespace?: string };

function entitiesAt(cluster: Cluster, peer: Peer, ip: string): Entity[] {
  const cache = cacheFor(cluster);
  let sets = cache.netsetsAt.get(ip);
  if (!sets) {
    sets = cluster.calicoNetworkSets.filter((s) => s.nets.some((n) => cidrContains(n, ip)));
    cache.netsetsAt.set(ip, sets);
  }
  const out: Entity[] = sets.map((set) => ({
    kind: 'netset',
    set,
    ...(!set.global && set.namespace !== undefined ? { namespace: set.namespace } : {}),
  }));
  if (peer.kind === 'pod')
    out.unshift({ kind: 'pod', pod: peer.pod, namespace: peer.pod.namespace });
  return out;
}

const entityLabels = (cluster: Cluster, e: Entity) =>
  e.kind === 'pod' ? calicoEndpointLabels(cluster, e.pod) : calicoNetworkSetLabels(cluster, e.set);

interface Side {
  readonly peer: Peer;
  readonly ip: string;
  readonly port: number;
}

interface RuleContext {
  readonly cluster: Cluster;
  readonly policy: CalicoPolicy;
  readonly protocol: ProbeProtocol;
}

/**
 * Whether an entity rule (`source` or `destination`) matches one end of the packet. Every field
 * given must match. Selector, notSelector, namespaceSelector and serviceAccounts select endpoints
 * and network sets by label; a packet matches when something at its address is selected. In a
 * namespaced policy any of them limits the rule to the policy's namespace unless a
 * namespaceSelector says otherwise (namespaceSelector `all()`: any namespace; `global()`: only
 * non-namespaced resources). notNets and notPorts exclude even what nets and ports include.
 */
function entityMatches(
  ctx: RuleContext,
  e: CalicoEntityRule,
  side: Side,
  ruleProtocol: Protocol | undefined,
): boolean {
  if (e.nets && e.nets.length > 0 && !e.nets.some((c) => cidrContains(c, side.ip))) return false;
  if (e.notNets?.some((c) => cidrContains(c, side.ip))) return false;

  const { cluster, policy } = ctx;
  const namespaced = !policy.global && policy.namespace !== undefined;
  const sa = e.serviceAccounts;
  const hasServiceAccounts = sa !== undefined && (sa.names.length > 0 || given(sa.selector));
  const hasPositive =
    given(e.selector) ||
    hasServiceAccounts ||
    given(e.namespaceSelector) ||
    (namespaced && given(e.notSelector));

  const inScope = (x: Entity): boolean => {
    if (given(e.namespaceSelector)) {
      if (x.namespace === undefined) return matcher(e.namespaceSelector, 'non-namespaced')({});
      const ns = indexCluster(cluster).namespace(x.namespace) ?? x.namespace;
      return matcher(e.namespaceSelector, 'namespaced')(calicoNamespaceLabels(ns));
    }
    return namespaced ? x.namespace === policy.namespace : true;
  };
  const serviceAccountOk = (x: Entity): boolean => {
    if (!hasServiceAccounts) return true;
    // Service accounts belong to pods; a network set never matches a serviceAccounts clause.
    if (x.kind !== 'pod') return false;
    const name = x.pod.serviceAccount;
    // Calico only labels endpoints with service account names shorter than 63 characters.
    if (sa!.names.length > 0 && !(name.length < 63 && sa!.names.includes(name))) return false;
    if (!given(sa!.selector)) return true;
    const account = indexCluster(cluster).serviceAccount(x.pod.namespace, name);
    return matcher(sa!.selector)(calicoServiceAccountLabels(account, name));
  };
  const positive = (x: Entity): boolean =>
    inScope(x) &&
    (!given(e.selector) || matcher(e.selector)(entityLabels(cluster, x))) &&
    serviceAccountOk(x) &&
    (!given(e.notSelector) || !matcher(e.notSelector)(entityLabels(cluster, x)));

  const here = hasPositive || given(e.notSelector) ? entitiesAt(cluster, side.peer, side.ip) : [];
  if (hasPositive) {
    if (!here.some(positive)) return false;
  } else if (given(e.notSelector)) {
    const not = matcher(e.notSelector);
    if (here.some((x) => not(entityLabels(cluster, x)))) return false;
  }

  // A named port is looked up on the pod at this address, if the rule's selectors pick it.
  const portMatches = (p: CalicoPort): boolean => {
    if (typeof p.port === 'number')
      return side.port >= p.port && side.port <= (p.endPort ?? p.port);
    if (side.peer.kind !== 'pod') return false;
    const pod = side.peer.pod;
    if (hasPositive && !positive({ kind: 'pod', pod, namespace: pod.namespace })) return false;
    // The port must carry the rule's protocol; a rule without one takes each port of that name
    // with its own protocol, which must then be the packet's (Felix: ProtocolAny IP sets).
    const wanted = ruleProtocol ?? ctx.protocol;
    return pod.ports.some(
      (cp) => cp.name === p.port && cp.protocol === wanted && cp.port === side.port,
    );
  };
  if (e.ports && e.ports.length > 0 && !e.ports.some(portMatches)) return false;
  if (e.notPorts?.some(portMatches)) return false;
  return true;
}

const PROTOCOL_OF: Record<number, Protocol> = { 6: 'TCP', 17: 'UDP', 132: 'SCTP' };
const PROBE_PROTOCOL_NUMBER: Record<ProbeProtocol, number> = {
  TCP: 6,
  UDP: 17,
  SCTP: 132,
  ICMP: 1,
};

const rulePorts = (r: CalicoRule): CalicoPort[] =>
  [r.source, r.destination].flatMap((e) => [...(e.ports ?? []), ...(e.notPorts ?? [])]);

/** Whether a Calico rule matches the probe. */
function calicoRuleMatches(ctx: RuleContext, r: CalicoRule, probe: ResolvedProbe): boolean {
  const protocol = r.protocol !== undefined ? protocolNumber(r.protocol) : null;
  // Calico's validator (validator.go `validateRule`) refuses numeric ports and ranges without a
  // protocol, and any port with a protocol that has none; a rule with only named ports may omit
  // the protocol. The loader reports refused rules; this keeps the evaluator from matching them.
  const ports = rulePorts(r);
  if (r.protocol === undefined && ports.some((p) => typeof p.port === 'number')) return false;
  if (r.protocol !== undefined && ports.length > 0 && !protocolHasPorts(protocol)) return false;
  const probeProtocol = PROBE_PROTOCOL_NUMBER[ctx.protocol];
  if (r.protocol !== undefined && protocol !== probeProtocol) return false;
  if (r.notProtocol !== undefined && protocolNumber(r.notProtocol) === probeProtocol) return false;
  if (!calicoIcmpFieldsMatch(r, probe.icmp)) return false;
  // A named port carries its protocol: the rule's protocol picks which named ports count.
  const ruleProtocol = protocol !== null ? PROTOCOL_OF[protocol] : undefined;
  return (
    entityMatches(
      ctx,
      r.source,
      { peer: probe.src, ip: probe.srcIP, port: PROBE_SOURCE_PORT },
      ruleProtocol,
    ) &&
    entityMatches(
      ctx,
      r.destination,
      { peer: probe.dst, ip: probe.dstIP, port: probe.port },
      ruleProtocol,
    )
  );
}

// ---------------------------------------------------------------------------------------------
// One direction at one endpoint
// ---------------------------------------------------------------------------------------------

interface Judgement {
  readonly verdict: DirectionVerdict;
  readonly notes: readonly string[];
}

const fromTo = (d: Direction) => (d === 'ingress' ? 'from' : 'to');
const sourceNote = (r: CalicoRule): boolean =>
  (r.source.ports?.length ?? 0) + (r.source.notPorts?.length ?? 0) > 0;

function judge(cluster: Cluster, probe: ResolvedProbe, direction: Direction, pod: Pod): Judgement {
  const endpoint = podKey(pod);
  const base = { direction, endpoint };
  const other = peerName(direction === 'ingress' ? probe.src : probe.dst);
  const what = `${probeWhat(probe)} ${fromTo(direction)} ${other}`;

  if (direction === 'egress' && probe.protocol === 'UDP' && probe.port === VXLAN_PORT) {
    return {
      verdict: {
        ...base,
        allowed: false,
        reason: `Felix drops UDP to port ${VXLAN_PORT} (VXLAN) sent by a pod before any policy, so ${endpoint} cannot send it.`,
      },
      notes: [
        'A pod may not send VXLAN-encapsulated traffic: AllowVXLANPacketsFromWorkloads is off by default.',
      ],
    };
  }

  const plan = planFor(cluster, pod, direction);
  const notes = [...plan.notes];
  const passedTiers: string[] = [];
  for (const tier of plan.tiers) {
    let passedBy: string | null = null;
    for (const applied of tier.policies) {
      const ref = formatRef(applied.policy.ref);
      if (applied.kind === 'k8s') {
        const rule = k8sRuleAllowing(cluster, applied.policy, probe, direction);
        if (rule) {
          const ruleName = k8sRuleName(direction, rule);
          return {
            verdict: {
              ...base,
              allowed: true,
              reason: `${ref} (tier ${tier.tier}, order 1000) allows ${direction} ${what} at ${endpoint} by ${ruleName}.`,
              policy: ref,
              rule: ruleName,
            },
            notes,
          };
        }
        continue;
      }
      const ctx: RuleContext = { cluster, policy: applied.policy, protocol: probe.protocol };
      let action: CalicoAction | null = null;
      let ruleName = '';
      for (const r of rulesOf(applied.policy, direction)) {
        if (!calicoRuleMatches(ctx, r, probe)) continue;
        ruleName = `spec.${direction}[${r.index}]`;
        if (sourceNote(r)) {
          notes.push(
            `The probe's source port is taken to be ${PROBE_SOURCE_PORT} (an ephemeral port) for ${ref} ${ruleName}.`,
          );
        }
        if (r.action === 'Log') {
          notes.push(
            `Log does not end evaluation: ${ref} ${ruleName} logged the packet (prefix calico-packet) and evaluation went on.`,
          );
          continue;
        }
        action = r.action;
        break;
      }
      if (action === 'Allow' || action === 'Deny') {
        const allowed = action === 'Allow';
        return {
          verdict: {
            ...base,
            allowed,
            reason: `${ref} (tier ${tier.tier}) ${allowed ? 'allows' : 'denies'} ${direction} ${what} at ${endpoint} by ${ruleName} (${action}).`,
            policy: ref,
            rule: ruleName,
          },
          notes,
        };
      }
      if (action === 'Pass') {
        passedBy = `${ref} ${ruleName}`;
        notes.push(`A Pass in ${passedBy} skipped the rest of tier ${tier.tier}.`);
        break;
      }
    }
    if (passedBy) {
      passedTiers.push(tier.tier);
      continue;
    }
    if (tier.defaultAction === 'Pass') {
      notes.push(
        `No rule in tier ${tier.tier} matched and its defaultAction is Pass, so the packet went on to the next tier.`,
      );
      passedTiers.push(tier.tier);
      continue;
    }
    const names = tier.policies.map((a) => formatRef(a.policy.ref));
    for (const a of tier.policies) {
      const ruleCount =
        a.kind === 'k8s'
          ? (direction === 'ingress' ? a.policy.ingress : a.policy.egress).length
          : rulesOf(a.policy, direction).length;
      if (ruleCount === 0) {
        notes.push(
          `${formatRef(a.policy.ref)} selects this pod for ${direction} but has no ${direction} rules, so the end of tier ${tier.tier} drops the packet: a rule-less policy denies.`,
        );
      }
    }
    return {
      verdict: {
        ...base,
        allowed: false,
        reason: `Tier ${tier.tier} has policies for ${direction} at ${endpoint} (${names.join(', ')}) but no rule matched ${what}, so the end-of-tier drop denies it.`,
        policy: names[0]!,
      },
      notes,
    };
  }
  const profile = namespaceProfileName(pod.namespace);
  const why =
    plan.tiers.length === 0
      ? `No policy applies to ${endpoint} for ${direction}`
      : `Tier${passedTiers.length > 1 ? 's' : ''} ${passedTiers.join(', ')} passed the packet on and no later tier has a policy for ${endpoint}`;
  if (plan.tiers.length > 0) {
    notes.push(
      `After a Pass, tiers without a policy for the pod are skipped and the namespace profile ${profile} allows.`,
    );
  }
  return {
    verdict: {
      ...base,
      allowed: true,
      reason: `${why}, so the namespace profile ${profile} allows ${direction} ${what}.`,
    },
    notes,
  };
}

// ---------------------------------------------------------------------------------------------
// The whole connection
// ---------------------------------------------------------------------------------------------

export function calicoReferenceDecision(cluster: Cluster, probe: ResolvedProbe): Decision {
  const { src, dst } = probe;
  if (specCase(probe)?.kind === 'self') {
    return { allowed: true, reason: selfProbeReason('Calico chain'), notes: [] };
  }
  if (src.kind === 'node' && dst.kind === 'pod' && dst.pod.nodeName === src.node.name) {
    const ingress: DirectionVerdict = {
      direction: 'ingress',
      endpoint: podKey(dst.pod),
      allowed: true,
      reason: `Felix does not police traffic from a host to its own workloads (cali-OUTPUT returns for -o cali+), so node ${src.node.name} reaches ${podKey(dst.pod)}.`,
    };
    return {
      allowed: true,
      reason: ingress.reason,
      ingress,
      notes: [
        'Traffic from a pod’s own node skips the pod’s ingress policy: Calico never polices host-to-local-workload traffic.',
      ],
    };
  }

  // Calico's HTTP match (`http` in a rule) needs Istio and Dikastes (app-policy); Felix's iptables
  // rules never look past layer 4, which is what PacketWalk models.
  const notes: string[] = probe.http ? [HTTP_NOTE] : [];
  let egress: DirectionVerdict | undefined;
  if (src.kind === 'pod') {
    const j = judge(cluster, probe, 'egress', src.pod);
    egress = j.verdict;
    notes.push(...j.notes);
    if (!egress.allowed)
      return { allowed: false, reason: egress.reason, egress, notes: dedupe(notes) };
  }
  if (dst.kind === 'node') {
    const own = src.kind === 'pod' && src.pod.nodeName === dst.node.name;
    const tail = own
      ? ` The node then accepts it: DefaultEndpointToHostAction is ${DEFAULT_ENDPOINT_TO_HOST_ACTION}.`
      : ' The node itself has no host endpoint, so it accepts the packet.';
    return {
      allowed: true,
      reason: `${egress!.reason}${tail}`,
      egress: egress!,
      notes: dedupe(notes),
    };
  }
  let ingress: DirectionVerdict | undefined;
  if (dst.kind === 'pod') {
    const j = judge(cluster, probe, 'ingress', dst.pod);
    ingress = j.verdict;
    notes.push(...j.notes);
  }
  const verdicts = [egress, ingress].filter((v): v is DirectionVerdict => v !== undefined);
  const allowed = verdicts.every((v) => v.allowed);
  const decisive = allowed ? verdicts : verdicts.filter((v) => !v.allowed);
  return {
    allowed,
    reason: decisive.map((v) => v.reason).join(' '),
    ...(egress ? { egress } : {}),
    ...(ingress ? { ingress } : {}),
    notes: dedupe(notes),
  };
}

const dedupe = (list: string[]): string[] => [...new Set(list)];
