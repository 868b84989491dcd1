/**
 * The Cilium reference evaluator: Cilium's documented policy semantics for Kubernetes
 * NetworkPolicy, CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy, written rule by rule so it
 * reads like the documentation. The eBPF model (ebpf.ts) reaches its verdicts a different way
 * (identities, ipcache, policy-map lookups); the agreement tests compare the two.
 *
 * The semantics, with where each comes from (cilium/cilium unless noted):
 * - Egress is judged at the source endpoint (bpf_lxc.c `cil_from_container`), ingress at the
 *   destination (the policy tail call); a connection needs both. Addresses that are not pods have no
 *   endpoint, so only the pod's side is judged.
 * - Enforcement mode `default` (Documentation/security/policy/intro.rst): a direction is open until
 *   a rule selecting the endpoint has rules for it. pkg/policy/repository.go
 *   `computePolicyEnforcementAndRules`: a rule enforces ingress when `len(r.Ingress) > 0 ||
 *   len(r.IngressDeny) > 0` (so `ingress: []` does not, `ingress: [{}]` does, and a deny-only policy
 *   does), and puts the endpoint in default deny unless `enableDefaultDeny.ingress: false`; when no
 *   enforcing rule asks for default deny, a wildcard allow-all rule is added (`wildcardRule`).
 *   Kubernetes NetworkPolicies become rules with `[{}]` for each of their policyTypes
 *   (pkg/k8s/network_policy.go `ParseNetworkPolicy`), i.e. default deny; PacketWalk evaluates them
 *   with the shared spec evaluator (reference/k8s.ts) over Cilium's identity labels.
 * - Deny rules win over allow rules (Documentation/security/policy/language.rst, "Deny Policies";
 *   bpf/lib/policy.h picks a deny entry first).
 * - In one rule, fromEndpoints, fromCIDR/fromCIDRSet and fromEntities are ORed and ANDed with
 *   toPorts; a rule with toPorts but no L3 field allows every peer on those ports; a rule with
 *   neither selects nothing (pkg/policy/rule.go `mergeIngress`: an L3-only filter needs at least
 *   one selector; toPorts with none get the wildcard selector). An L3 field written as an empty
 *   list selects nothing, even next to toPorts (cilium/cilium#29608, since 1.15).
 * - Peer endpoint selectors are namespace-scoped as labels.ts `scopePeerSelector` says.
 * - CIDR rules select only addresses outside the cluster: "Only connections which do not originate
 *   from the cluster or from the local host are subject to CIDR rules" (pkg/policy/api/ingress.go
 *   FromCIDR; egress.go ToCIDR says the same of destinations).
 * - Entities (pkg/policy/api/entity.go `EntitySelectorMapping`, `InitEntities`): `all` every peer;
 *   `world` (and `world-ipv4` in an IPv4-only cluster, bpf/lib/identity.h
 *   `identity_is_world_ipv4`) every address outside the cluster; `cluster` every pod and node;
 *   `host` the endpoint's own node; `remote-node` the other nodes; `world-ipv6`, `health`, `init`,
 *   `unmanaged`, `ingress` and `kube-apiserver` none of PacketWalk's peers.
 * - allow-localhost: `auto` (the default) becomes `always` in Kubernetes mode (daemon/cmd/daemon.go,
 *   "k8s mode: Allowing localhost to reach local endpoints"), so the node an endpoint runs on may
 *   always reach it (pkg/policy/mapstate.go `determineAllowLocalhostIngress`) unless a deny rule
 *   covers the host (the localhost entry is inserted like any other and loses to a deny).
 * - L7: an allow rule with `rules.http` redirects the connection to the proxy; the request is then
 *   allowed if any rule allowing that peer on that port has no HTTP rules (Layer 7 doc: "If a
 *   layer 4 rule is specified in the policy, and a similar layer 4 rule with layer 7 rules is also
 *   specified, then the layer 7 portions of the latter rule will have no effect"; L3-only rules too:
 *   pkg/envoy/server.go `getWildcardNetworkPolicyRule` sends them as port-0 rules Envoy checks after
 *   the port's own), or any HTTP rule matches (http.ts). Requests from the local host are always
 *   allowed by the proxy (pkg/policy/rule.go `createL4IngressFilter`, `hostWildcardL7`). HTTP rules
 *   apply to TCP only; `http: []` is no L7 rule at all (pkg/policy/api/l7.go `IsEmpty`).
 */
import { cidrContains } from '../cidr';
import { indexCluster, podKey } from '../cluster';
import { isEmptySelector, matchesLabelSelector, type LabelSelector, type Labels } from '../labels';
import type {
  CiliumEntity,
  CiliumHttpRule,
  CiliumPolicy,
  CiliumPort,
  CiliumRule,
  Cluster,
  Decision,
  Direction,
  DirectionVerdict,
  IcmpTypeCode,
  K8sNetworkPolicy,
  L7Verdict,
  Peer,
  Pod,
  ProbeProtocol,
  ResolvedProbe,
} from '../model';
import { formatRef } from '../model';
import { peerName, probeWhat, selfProbeReason, specCase, specCaseDecision } from '../probe';
import {
  k8sPeerMatches,
  k8sPoliciesSelecting,
  k8sRuleAllowing,
  k8sRuleName,
} from '../reference/k8s';
import { ciliumIdentityPlan, resolveNamedPort } from './identity';
import { FRAG_NEEDED_REASON, isFragNeeded } from './icmp';
import { ACCESS_DENIED_BODY, ACCESS_DENIED_STATUS, formatRequest, httpRulesAllow } from './http';
import {
  derivedPodLabels,
  fromLabelSelector,
  labelSet,
  makeSelector,
  scopePeerSelector,
  selectorMatches,
  subjectSelector,
  type CiliumSelector,
  type LabelSet,
} from './labels';

// ---------------------------------------------------------------------------------------------
// Which policies apply
// ---------------------------------------------------------------------------------------------

const ruleList = (p: CiliumPolicy, direction: Direction, deny: boolean) =>
  direction === 'ingress' ? (deny ? p.ingressDeny : p.ingress) : deny ? p.egressDeny : p.egress;

export function ciliumRuleName(
  p: CiliumPolicy,
  direction: Direction,
  deny: boolean,
  index: number,
): string {
  const field = `${direction}${deny ? 'Deny' : ''}`;
  return p.specIndex > 0 ? `specs[${p.specIndex}].${field}[${index}]` : `spec.${field}[${index}]`;
}

/** The subject selector of each policy, compiled once. */
const subjects = new WeakMap<CiliumPolicy, CiliumSelector>();
const subjectOf = (p: CiliumPolicy): CiliumSelector => {
  let s = subjects.get(p);
  if (!s) {
    s = subjectSelector(p.endpointSelector ?? {}, p.clusterwide ? undefined : p.namespace);
    subjects.set(p, s);
  }
  return s;
};

/** A peer selector scoped for its policy, compiled once per selector and namespace. */
const peerSelectors = new WeakMap<LabelSelector, Map<string, CiliumSelector>>();
function peerSelectorOf(sel: LabelSelector, namespace: string | undefined): CiliumSelector {
  let byNs = peerSelectors.get(sel);
  if (!byNs) {
    byNs = new Map();
    peerSelectors.set(sel, byNs);
  }
  const key = namespace ?? '';
  let s = byNs.get(key);
  if (!s) {
    s = makeSelector(scopePeerSelector(fromLabelSelector(sel, 'any'), namespace));
    byNs.set(key, s);
  }
  return s;
}

/**
 * The cluster as Cilium's policy engine sees it, built once per cluster: Cilium policies by
 * namespace (clusterwide ones under every namespace), and, per namespace, a view of the cluster
 * for the Kubernetes NetworkPolicy evaluator in which every pod carries the labels Cilium derives
 * for it (namespace, service account, cluster, namespace labels), because Cilium translates
 * NetworkPolicy selectors into selectors over identity labels.
 */
interface CiliumView {
  readonly cilium: ReadonlyMap<string, readonly CiliumPolicy[]>;
  readonly clusterwide: readonly CiliumPolicy[];
  readonly k8s: ReadonlyMap<string, Cluster>;
  readonly pods: ReadonlyMap<string, Pod>;
  readonly cluster: Cluster;
}

const views = new WeakMap<Cluster, CiliumView>();

function ciliumView(cluster: Cluster): CiliumView {
  const cached = views.get(cluster);
  if (cached) return cached;
  const index = indexCluster(cluster);
  const pods = cluster.pods.map((p) => ({
    ...p,
    labels: derivedPodLabels(p, index.namespace(p.namespace)) as Labels,
  }));
  const viewCluster: Cluster = { ...cluster, pods };
  const cilium = new Map<string, CiliumPolicy[]>();
  const clusterwide: CiliumPolicy[] = [];
  for (const p of cluster.ciliumPolicies) {
    // nodeSelector policies select nodes (the host firewall), never pods.
    if (!p.endpointSelector) continue;
    if (p.clusterwide) clusterwide.push(p);
    else if (p.namespace) cilium.set(p.namespace, [...(cilium.get(p.namespace) ?? []), p]);
  }
  const k8sByNs = new Map<string, K8sNetworkPolicy[]>();
  for (const p of cluster.k8sPolicies)
    k8sByNs.set(p.namespace, [...(k8sByNs.get(p.namespace) ?? []), p]);
  const k8s = new Map(
    [...k8sByNs].map(([ns, list]) => [ns, { ...viewCluster, k8sPolicies: list }]),
  );
  const view: CiliumView = {
    cilium,
    clusterwide,
    k8s,
    pods: new Map(pods.map((p) => [podKey(p), p])),
    cluster: viewCluster,
  };
  views.set(cluster, view);
  return view;
}

/** Cilium policies whose endpointSelector selects the pod. */
function ciliumPoliciesSelecting(cluster: Cluster, pod: Pod): CiliumPolicy[] {
  const view = ciliumView(cluster);
  const labels = ciliumIdentityPlan(cluster).podLabels(pod);
  return [...(view.cilium.get(pod.namespace) ?? []), ...view.clusterwide].filter((p) =>
    selectorMatches(subjectOf(p), labels),
  );
}

function viewProbe(view: CiliumView, probe: ResolvedProbe): ResolvedProbe {
  const swap = (peer: Peer): Peer =>
    peer.kind === 'pod' ? { kind: 'pod', pod: view.pods.get(podKey(peer.pod)) ?? peer.pod } : peer;
  return { ...probe, src: swap(probe.src), dst: swap(probe.dst) };
}

// ---------------------------------------------------------------------------------------------
// Peers
// ---------------------------------------------------------------------------------------------

/** How the endpoint at `local` sees the peer. */
interface PeerView {
  readonly peer: Peer;
  readonly ip: string;
  /** The local node, for a node peer. */
  readonly isLocalHost: boolean;
  /** The peer's identity labels, for endpoint selectors. */
  readonly labels: LabelSet;
}

const HOST_LABELS = labelSet([{ source: 'reserved', key: 'host', value: '' }]);
const WORLD_LABELS = labelSet([{ source: 'reserved', key: 'world', value: '' }]);

function viewPeer(cluster: Cluster, local: Pod, peer: Peer, ip: string): PeerView {
  const plan = ciliumIdentityPlan(cluster);
  switch (peer.kind) {
    case 'pod':
      return { peer, ip, isLocalHost: false, labels: plan.podLabels(peer.pod) };
    case 'node': {
      const isLocalHost = peer.node.name === local.nodeName;
      return {
        peer,
        ip,
        isLocalHost,
        labels: isLocalHost ? HOST_LABELS : plan.remoteNodeLabels(peer.node),
      };
    }
    case 'external':
      return { peer, ip, isLocalHost: false, labels: WORLD_LABELS };
  }
}

function entityCovers(entity: CiliumEntity, v: PeerView): boolean {
  switch (entity) {
    case 'all':
      return true;
    case 'world':
    case 'world-ipv4':
      return v.peer.kind === 'external';
    case 'cluster':
      return v.peer.kind !== 'external';
    case 'host':
      return v.isLocalHost;
    case 'remote-node':
      return v.peer.kind === 'node' && !v.isLocalHost;
    default:
      return false;
  }
}

/** Which L3 part of a rule selects the peer, or null. `everyone` when the rule has no L3 part. */
function l3Match(p: CiliumPolicy, rule: CiliumRule, v: PeerView): string | null {
  const namespace = p.clusterwide ? undefined : p.namespace;
  for (const sel of rule.endpoints ?? []) {
    if (selectorMatches(peerSelectorOf(sel, namespace), v.labels)) return 'endpoints';
  }
  if (v.peer.kind === 'external') {
    for (const c of rule.cidrs ?? []) {
      if (cidrContains(c.cidr, v.ip) && !c.except.some((e) => cidrContains(e, v.ip))) return 'cidr';
    }
  }
  for (const e of rule.entities ?? []) if (entityCovers(e, v)) return `entity ${e}`;
  // An L3 field that is present but empty selects nothing (cilium/cilium#29608, Cilium 1.15); only a
  // rule with no L3 field at all and some toPorts applies to every peer.
  const hasL3 = rule.endpoints !== null || rule.cidrs !== null || rule.entities !== null;
  if (!hasL3 && ((rule.toPorts?.length ?? 0) > 0 || rule.icmps)) return 'everyone';
  return null;
}

/** Whether a toPorts port covers the connection; named ports resolve against `dstPod`. */
function portCovers(
  port: CiliumPort,
  dport: number,
  proto: ProbeProtocol,
  dstPod: Pod | undefined,
): boolean {
  // ANY means TCP, UDP and SCTP (pkg/policy/l4.go): no toPorts entry covers ICMP.
  if (proto === 'ICMP') return false;
  if (port.protocol !== 'ANY' && port.protocol !== proto) return false;
  if (typeof port.port === 'string') {
    if (!dstPod) return false;
    return resolveNamedPort(dstPod, { name: port.port, protocol: port.protocol }).some(
      (p) => p.port === dport && p.protocol === proto,
    );
  }
  if (port.port === 0) return true;
  return dport >= port.port && dport <= (port.endPort ?? port.port);
}

/** A rule (or a part of it) that allows the connection at L3/L4. */
interface Allowing {
  readonly policy?: string;
  readonly rule?: string;
  readonly what: string;
  /** HTTP rules that apply (non-empty), or null: every request allowed. */
  readonly http: readonly CiliumHttpRule[] | null;
}

/** The parts of a Cilium rule that cover the connection, or [] when it does not. */
function ciliumRuleCovers(
  p: CiliumPolicy,
  rule: CiliumRule,
  v: PeerView,
  dport: number,
  proto: ProbeProtocol,
  dstPod: Pod | undefined,
  icmp: IcmpTypeCode | undefined,
): { http: readonly CiliumHttpRule[] | null }[] {
  if (l3Match(p, rule, v) === null) return [];
  // icmps: the ICMP types the rule allows, by type alone (icmp.ts).
  if (rule.icmps)
    return proto === 'ICMP' && rule.icmps.includes(icmp!.type) ? [{ http: null }] : [];
  if ((rule.toPorts?.length ?? 0) === 0) return [{ http: null }];
  const out: { http: readonly CiliumHttpRule[] | null }[] = [];
  for (const pr of rule.toPorts ?? []) {
    if (!pr.ports.some((port) => portCovers(port, dport, proto, dstPod))) continue;
    const http = proto === 'TCP' && pr.http && pr.http.length > 0 ? pr.http : null;
    out.push({ http });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// One direction at one endpoint
// ---------------------------------------------------------------------------------------------

interface DirectionResult {
  readonly verdict: DirectionVerdict;
  readonly allowing: readonly Allowing[];
  readonly notes: readonly string[];
}

const isEmptyRule = (r: CiliumRule) =>
  r.endpoints === null && r.cidrs === null && r.entities === null && r.toPorts === null;

function judgeDirection(
  cluster: Cluster,
  probe: ResolvedProbe,
  direction: Direction,
): DirectionResult | undefined {
  const local = direction === 'ingress' ? probe.dst : probe.src;
  if (local.kind !== 'pod') return undefined;
  const pod = local.pod;
  const endpoint = podKey(pod);
  const otherPeer = direction === 'ingress' ? probe.src : probe.dst;
  const v = viewPeer(cluster, pod, otherPeer, direction === 'ingress' ? probe.srcIP : probe.dstIP);
  const dstPod = probe.dst.kind === 'pod' ? probe.dst.pod : undefined;
  const other = peerName(otherPeer);
  const towards = `${probeWhat(probe)} ${direction === 'ingress' ? 'from' : 'to'} ${other}`;
  const base = { direction, endpoint };
  const notes: string[] = [];

  const cnps = ciliumPoliciesSelecting(cluster, pod);
  const view = ciliumView(cluster);
  const vprobe = viewProbe(view, probe);
  const viewPod = view.pods.get(endpoint) ?? pod;
  const k8sView = view.k8s.get(pod.namespace);
  const knps = k8sView ? k8sPoliciesSelecting(k8sView, viewPod, direction) : [];

  // Real Cilium translates a NetworkPolicy's rules whatever its policyTypes say.
  for (const k of k8sView?.k8sPolicies ?? []) {
    if (k.staged || k.policyTypes.includes(direction)) continue;
    const rules = direction === 'ingress' ? k.ingress : k.egress;
    if (rules.length > 0 && matchesLabelSelector(viewPod.labels, k.podSelector)) {
      notes.push(
        `${formatRef(k.ref)} has ${direction} rules but its policyTypes leave ${direction} out, so the spec ignores them; real Cilium (pkg/k8s/network_policy.go) translates them anyway and would enforce ${direction} on ${endpoint}.`,
      );
    }
  }

  const enforcing = cnps.filter(
    (p) =>
      (ruleList(p, direction, false)?.length ?? 0) + (ruleList(p, direction, true)?.length ?? 0) >
      0,
  );
  const enforced = enforcing.length > 0 || knps.length > 0;
  const defaultDeny =
    knps.length > 0 || enforcing.some((p) => p.enableDefaultDeny?.[direction] !== false);

  if (probe.protocol === 'ICMP' && isFragNeeded(probe.icmp)) {
    return {
      verdict: { ...base, allowed: true, reason: FRAG_NEEDED_REASON },
      allowing: [{ what: 'frag-needed', http: null }],
      notes,
    };
  }

  // Deny rules first: they win over every allow.
  for (const p of enforcing) {
    const denies = ruleList(p, direction, true) ?? [];
    for (const rule of denies) {
      if (ciliumRuleCovers(p, rule, v, probe.port, probe.protocol, dstPod, probe.icmp).length === 0)
        continue;
      const ruleName = ciliumRuleName(p, direction, true, rule.index);
      return {
        verdict: {
          ...base,
          allowed: false,
          reason: `${formatRef(p.ref)} denies ${towards} (${ruleName}); deny rules win over allow rules, so Cilium drops it with "Policy denied by denylist".`,
          policy: formatRef(p.ref),
          rule: ruleName,
        },
        allowing: [],
        notes,
      };
    }
  }

  if (!enforced) {
    return {
      verdict: {
        ...base,
        allowed: true,
        reason: `No policy gives ${endpoint} ${direction} rules, so ${direction} is not enforced on it.`,
      },
      allowing: [{ what: 'no policy', http: null }],
      notes,
    };
  }

  const allowing: Allowing[] = [];
  for (const p of enforcing) {
    for (const rule of ruleList(p, direction, false) ?? []) {
      for (const part of ciliumRuleCovers(
        p,
        rule,
        v,
        probe.port,
        probe.protocol,
        dstPod,
        probe.icmp,
      )) {
        allowing.push({
          policy: formatRef(p.ref),
          rule: ciliumRuleName(p, direction, false, rule.index),
          what: 'rule',
          http: part.http,
        });
      }
    }
  }
  for (const k of knps) {
    const rule = k8sRuleAllowing(k8sView ?? view.cluster, k, vprobe, direction);
    if (!rule) continue;
    allowing.push({
      policy: formatRef(k.ref),
      rule: k8sRuleName(direction, rule),
      what: 'rule',
      http: null,
    });
    const peers = rule.peers ?? [];
    const otherView = direction === 'ingress' ? vprobe.src : vprobe.dst;
    const matches = (peer: (typeof peers)[number]) =>
      k8sPeerMatches(view.cluster, k.namespace, peer, otherView, v.ip);
    if (
      v.peer.kind !== 'external' &&
      peers.some((peer) => peer.ipBlock !== undefined && matches(peer)) &&
      !peers.some((peer) => peer.ipBlock === undefined && matches(peer))
    ) {
      notes.push(
        `${formatRef(k.ref)} ${k8sRuleName(direction, rule)} matches ${other} only through an ipBlock. PacketWalk follows the NetworkPolicy spec here; real Cilium never matches pod or node addresses with ipBlock (cilium/cilium#9209, #12277) and would not allow it.`,
      );
    }
  }
  if (!defaultDeny) {
    allowing.push({ what: 'enableDefaultDeny: false', http: null });
    const names = enforcing.map((p) => formatRef(p.ref)).join(', ');
    notes.push(
      `${names} set enableDefaultDeny.${direction}: false, so their rules do not put ${endpoint} into default deny; Cilium adds an allow-all rule and only deny rules drop traffic.`,
    );
  }
  if (direction === 'ingress' && v.isLocalHost) {
    allowing.push({ what: 'allow-localhost', http: null });
  }

  if (allowing.length === 0) {
    return {
      verdict: {
        ...base,
        allowed: false,
        reason: `${endpoint} is in default deny for ${direction} (${enforcedBy(enforcing, knps)}) and no rule allows ${towards}, so Cilium drops it with "Policy denied".`,
        policy: formatRef((enforcing[0] ?? knps[0])!.ref),
      },
      allowing,
      notes: [...notes, ...defaultDenyNotes(enforcing, pod, direction, v)],
    };
  }

  const first = allowing[0]!;
  const reason =
    first.what === 'allow-localhost'
      ? `Traffic from ${other}, the node ${endpoint} runs on, is allowed by Cilium's default allow-localhost: a node can always reach its own pods.`
      : first.what === 'enableDefaultDeny: false'
        ? `No deny rule covers ${towards}, and enableDefaultDeny: false keeps ${endpoint} out of default deny, so it is allowed.`
        : `${first.policy} allows ${towards} (${first.rule}).`;
  return {
    verdict: {
      ...base,
      allowed: true,
      reason,
      ...(first.policy ? { policy: first.policy, rule: first.rule } : {}),
    },
    allowing,
    notes,
  };
}

function enforcedBy(cnps: readonly CiliumPolicy[], knps: readonly K8sNetworkPolicy[]): string {
  const names = [...cnps, ...knps].map((p) => formatRef(p.ref));
  return names.length === 1 ? `enforced by ${names[0]}` : `enforced by ${names.join(', ')}`;
}

/** The surprises that explain a default-deny drop. */
function defaultDenyNotes(
  cnps: readonly CiliumPolicy[],
  pod: Pod,
  direction: Direction,
  v: PeerView,
): string[] {
  const notes: string[] = [];
  const endpoint = podKey(pod);
  for (const p of cnps) {
    const allows = ruleList(p, direction, false) ?? [];
    const denies = ruleList(p, direction, true) ?? [];
    const emptyRule = allows.find(isEmptyRule);
    if (emptyRule) {
      notes.push(
        `${formatRef(p.ref)} ${ciliumRuleName(p, direction, false, emptyRule.index)} is an empty rule {}: it selects no peer, yet its presence puts ${endpoint} into default deny for ${direction}. (In a Kubernetes NetworkPolicy the same shape allows everything.)`,
      );
    }
    if (allows.length === 0 && denies.length > 0) {
      notes.push(
        `${formatRef(p.ref)} has only ${direction}Deny rules, yet it still puts ${endpoint} into default deny for ${direction}: traffic it does not deny is dropped too unless another rule allows it.`,
      );
    }
    if (!p.clusterwide && v.peer.kind === 'pod' && v.peer.pod.namespace !== p.namespace) {
      for (const rule of allows) {
        for (const sel of rule.endpoints ?? []) {
          const unscoped = makeSelector(fromLabelSelector(sel, 'any'));
          const scoped = makeSelector(
            scopePeerSelector(fromLabelSelector(sel, 'any'), p.namespace),
          );
          if (selectorMatches(unscoped, v.labels) && !selectorMatches(scoped, v.labels)) {
            const shape = isEmptySelector(sel) ? 'the empty selector {}' : 'a label-only selector';
            notes.push(
              `${formatRef(p.ref)} ${ciliumRuleName(p, direction, false, rule.index)} uses ${shape}, which in a namespaced CiliumNetworkPolicy covers namespace ${p.namespace} only, so it does not reach ${podKey(v.peer.pod)}; add k8s:io.kubernetes.pod.namespace (or use a CiliumClusterwideNetworkPolicy).`,
            );
          }
        }
      }
    }
    if (v.peer.kind !== 'external') {
      for (const rule of allows) {
        if ((rule.cidrs ?? []).some((c) => cidrContains(c.cidr, v.ip))) {
          notes.push(
            `${formatRef(p.ref)} ${ciliumRuleName(p, direction, false, rule.index)} has a CIDR that contains ${v.ip}, but Cilium's CIDR rules never select pods or nodes of the cluster; select them by labels or entities.`,
          );
        }
      }
    }
  }
  return notes;
}

// ---------------------------------------------------------------------------------------------
// L7
// ---------------------------------------------------------------------------------------------

/**
 * Whether an allowing rule lets every request through the proxy. The allow-all rule that
 * `enableDefaultDeny: false` adds does not: "EnableDefaultDeny does not apply to layer-7 policy.
 * Adding a layer-7 rule that does not include a layer-7 allow-all will cause drops, even when
 * default-deny is explicitly disabled" (Documentation/security/policy/intro.rst).
 */
const l7Wildcard = (a: Allowing): boolean =>
  a.http === null && a.what !== 'enableDefaultDeny: false';

interface L7Result {
  readonly verdict: L7Verdict;
  readonly notes: readonly string[];
  readonly deniedBy?: Direction;
}

function judgeL7(
  probe: ResolvedProbe,
  results: readonly (readonly [Direction, DirectionResult])[],
): L7Result | undefined {
  const redirecting = results.filter(([, r]) => r.allowing.some((a) => a.http !== null));
  if (redirecting.length === 0) return undefined;
  const where = redirecting.map(
    ([d]) => `the ${d} proxy at ${d === 'egress' ? peerName(probe.src) : peerName(probe.dst)}`,
  );
  const req = probe.http;
  if (!req) {
    return {
      verdict: {
        redirected: true,
        reason: `An HTTP rule covers ${probeWhat(probe)}, so the connection is redirected to Envoy (${where.join(' and ')}), which judges each request.`,
      },
      notes: [],
    };
  }
  const notes: string[] = [];
  for (const [direction, r] of redirecting) {
    const wildcard = r.allowing.find(l7Wildcard);
    if (wildcard) continue;
    const rules = r.allowing.flatMap((a) => a.http ?? []);
    const result = httpRulesAllow(rules, req);
    notes.push(...result.notes);
    if (!result.allowed) {
      const names = [...new Set(r.allowing.map((a) => `${a.policy} ${a.rule}`))].join(', ');
      return {
        verdict: {
          redirected: true,
          allowed: false,
          status: ACCESS_DENIED_STATUS,
          reason: `The ${direction} proxy refuses ${formatRequest(req)} with HTTP ${ACCESS_DENIED_STATUS} "${ACCESS_DENIED_BODY}": no HTTP rule of ${names} matches it (${result.mismatches[0] ?? 'no rule'}). The TCP connection itself was allowed.`,
        },
        notes,
        deniedBy: direction,
      };
    }
  }
  const wildcardNote = redirecting
    .map(([, r]) => r.allowing.find(l7Wildcard))
    .find((a) => a !== undefined);
  if (wildcardNote) {
    notes.push(
      wildcardNote.what === 'allow-localhost'
        ? 'Requests from the local node are always allowed by the proxy (allow-localhost).'
        : `${wildcardNote.policy ?? 'A rule'} ${wildcardNote.rule ?? ''} allows this peer on this port without HTTP rules, so the HTTP rules of the other rule have no effect: every request is allowed (it still goes through the proxy).`.replace(
            '  ',
            ' ',
          ),
    );
  }
  return {
    verdict: {
      redirected: true,
      allowed: true,
      reason: `Envoy (${where.join(' and ')}) allows ${formatRequest(req)}.`,
    },
    notes,
  };
}

// ---------------------------------------------------------------------------------------------
// The decision
// ---------------------------------------------------------------------------------------------

export function ciliumReferenceDecision(cluster: Cluster, probe: ResolvedProbe): Decision {
  const { src, dst } = probe;
  const shortcut = specCase(probe);
  if (shortcut) {
    return specCaseDecision(
      shortcut,
      selfProbeReason('Cilium hook'),
      'Real Cilium judges pod-to-own-node traffic with the pod’s egress policy (the host entity); PacketWalk shows the spec’s verdict.',
    );
  }
  const egress = judgeDirection(cluster, probe, 'egress');
  const ingress = judgeDirection(cluster, probe, 'ingress');
  const results = [
    ...(egress ? [['egress', egress] as const] : []),
    ...(ingress ? [['ingress', ingress] as const] : []),
  ];
  const notes = [...new Set(results.flatMap(([, r]) => r.notes))];
  if (
    (src.kind === 'node' || dst.kind === 'node') &&
    cluster.ciliumPolicies.some((p) => p.nodeSelector)
  ) {
    notes.push(
      'Policies with a nodeSelector apply to nodes through the host firewall (enable-host-firewall, off by default); PacketWalk does not enforce them.',
    );
  }
  const denied = results.find(([, r]) => !r.verdict.allowed);
  const base = {
    ...(egress ? { egress: egress.verdict } : {}),
    ...(ingress ? { ingress: ingress.verdict } : {}),
  };
  if (denied) {
    return { ...base, allowed: false, reason: denied[1].verdict.reason, notes };
  }
  const l7 = judgeL7(probe, results);
  const allowedReason = results.map(([, r]) => r.verdict.reason).join(' ');
  if (!l7) return { ...base, allowed: true, reason: allowedReason, notes };
  const allNotes = [...new Set([...notes, ...l7.notes])];
  if (l7.verdict.allowed === false) {
    return { ...base, allowed: false, reason: l7.verdict.reason, l7: l7.verdict, notes: allNotes };
  }
  return {
    ...base,
    allowed: true,
    reason: `${allowedReason} ${l7.verdict.reason}`,
    l7: l7.verdict,
    notes: allNotes,
  };
}
