/**
 * What Felix is handed: Calico and Kubernetes policies converted as libcalico-go converts them
 * before Felix sees them. Used by the iptables model only (the reference evaluator reads the
 * policies as written); the two are meant to be independent.
 *
 * Sources (projectcalico/calico):
 * - Kubernetes NetworkPolicy to Calico: libcalico-go/lib/backend/k8s/conversion/conversion.go
 *   `K8sNetworkPolicyToCalico`, `k8sRuleToCalico`, `k8sSelectorToCalico`, `k8sPeerToCalicoFields`,
 *   `SimplifyPorts`.
 * - v3 to Felix's v1 model: libcalico-go/lib/backend/syncersv1/updateprocessors/
 *   networkpolicyprocessor.go, globalnetworkpolicyprocessor.go, rules.go (`getEndpointSelector`,
 *   `parseServiceAccounts`), selectors.go (`parseSelectorAttachPrefix`).
 * - Policy IDs and kinds: felix/types/policy_id.go.
 */
import type { Cidr } from '../cidr';
import { memoByText } from '../hash';
import type { LabelSelector } from '../labels';
import {
  formatRef,
  type CalicoAction,
  type CalicoEntityRule,
  type CalicoPolicy,
  type CalicoPort,
  type CalicoIcmpMatch,
  type CalicoRule,
  type Cluster,
  type Direction,
  type K8sNetworkPolicy,
  type K8sPeer,
  type K8sRule,
  type PortSpec,
} from '../model';
import { protocolHasPorts, protocolNumber } from './felixConfig';
import { felixIcmpMatch, type FelixIcmpMatch } from './icmp';
import {
  LABEL_NAMESPACE,
  LABEL_ORCHESTRATOR,
  LABEL_SERVICE_ACCOUNT,
  NAMESPACE_LABEL_PREFIX,
  SERVICE_ACCOUNT_LABEL_PREFIX,
} from './labels';
import type { FelixPolicyId } from './names';
import { felixPolicySortKey } from './tiers';
import {
  canonicalSelector,
  compileSelector,
  parseCalicoSelector,
  prefixSelectorLabels,
  type ParsedSelector,
  type SelectorMatcher,
} from './selector';

export type FelixPort =
  | { readonly kind: 'range'; readonly first: number; readonly last: number }
  | { readonly kind: 'named'; readonly name: string };

export interface FelixProtocol {
  readonly number: number;
  /** As written, lower-cased (`ToV1()`), for display. */
  readonly text: string;
}

export type FelixAction = 'allow' | 'deny' | 'next-tier' | 'log';

/** One side of a rule after conversion: the selectors are Felix's, with Calico's rewriting done. */
export interface FelixEntity {
  /** rules.go `GetEntityRuleSelector`: selector, namespace and service accounts in one. */
  readonly selector?: string;
  /** The `notSelector` as written: Calico does not scope it to a namespace. */
  readonly notSelector?: string;
  readonly nets: readonly Cidr[];
  readonly notNets: readonly Cidr[];
  readonly ports: readonly FelixPort[];
  readonly notPorts: readonly FelixPort[];
}

export interface FelixRule {
  readonly action: FelixAction;
  readonly protocol?: FelixProtocol;
  readonly notProtocol?: FelixProtocol;
  /** rule_convert.go: only a given type becomes a match (`icmp: {}` matches nothing more). */
  readonly icmp?: FelixIcmpMatch;
  readonly notICMP?: FelixIcmpMatch;
  readonly source: FelixEntity;
  readonly destination: FelixEntity;
  /** The user's rule this one came from. */
  readonly rule: string;
  readonly userAction: CalicoAction;
  /** Set when Calico's validation would refuse the rule: Felix never sees it. */
  readonly rejected?: string;
}

export interface FelixPolicy {
  readonly id: FelixPolicyId;
  /** `formatRef` of the object the user wrote. */
  readonly ref: string;
  readonly tier: string;
  /** `undefined` sorts after every order. */
  readonly order?: number;
  /** What Felix breaks order ties with (tiers.ts felixPolicySortKey: `<name>/<namespace>/<kind>`). */
  readonly sortName: string;
  /** Felix's selector for the endpoints the policy applies to. */
  readonly selector: string;
  /** Only endpoints in this namespace can match (the selector says so too). */
  readonly namespace?: string;
  readonly types: readonly Direction[];
  readonly staged: boolean;
  readonly inbound: readonly FelixRule[];
  readonly outbound: readonly FelixRule[];
}

// ---------------------------------------------------------------------------------------------
// Selectors: parsed once per text.
// ---------------------------------------------------------------------------------------------

export interface CompiledSelector extends ParsedSelector {
  readonly match: SelectorMatcher;
  /** The text it was compiled from: the one string of that text (see `policySelector`). */
  readonly text: string;
}

const selectorCache = new Map<string, CompiledSelector>();

/** Parses and compiles a selector Felix would be handed; the loader validated the user's parts. */
export function felixSelector(text: string): CompiledSelector {
  const cached = selectorCache.get(text);
  if (cached) return cached;
  const r = parseCalicoSelector(text);
  // The loader validated every selector the user wrote, so Calico's rewriting of them parses; a
  // selector that still does not parse (Calico would refuse it) selects nothing.
  const compiled: CompiledSelector = r.ok
    ? { ...r.selector, match: compileSelector(r.selector.ast), text }
    : { ast: { kind: 'not', operand: { kind: 'all' } }, canonical: text, match: () => false, text };
  if (selectorCache.size > 50_000) selectorCache.clear();
  selectorCache.set(text, compiled);
  return compiled;
}

/** A policy's own selector as the one string of its text (the compiled selector's): a compile
 * compares and looks them up by text many times per policy (endpoint_mgr.go's grouping compares
 * neighbours' selectors), and the same string twice compares by identity, hashed once. */
const policySelector = (text: string): string => felixSelector(text).text;

const blank = (text: string | undefined): boolean => text === undefined || text.trim() === '';

/** selectors.go `parseSelectorAttachPrefix`: every label of the selector gets `prefix`. */
function attachPrefix(text: string, prefix: string): string {
  const memo = prefix === NAMESPACE_LABEL_PREFIX ? withNamespacePrefix : withOtherPrefix;
  return memo(prefix === NAMESPACE_LABEL_PREFIX ? text : `${prefix}\0${text}`);
}
/** The same rule selectors come back policy after policy: kept by text. */
const withNamespacePrefix = memoByText((text) =>
  canonicalSelector(prefixSelectorLabels(felixSelector(text).ast, NAMESPACE_LABEL_PREFIX)),
);
const withOtherPrefix = memoByText((key) => {
  const cut = key.indexOf('\0');
  const prefix = key.slice(0, cut);
  return canonicalSelector(prefixSelectorLabels(felixSelector(key.slice(cut + 1)).ast, prefix));
});

/** rules.go `parseServiceAccounts`. */
function serviceAccountSelector(names: readonly string[], selector: string | undefined): string {
  let updated = '';
  if (!blank(selector)) updated = attachPrefix(selector!, SERVICE_ACCOUNT_LABEL_PREFIX);
  if (names.length === 0) return updated;
  const list = felixSelector(`${LABEL_SERVICE_ACCOUNT} in { '${names.join("', '")}' }`).canonical;
  return updated !== '' ? `(${updated}) && (${list})` : list;
}

/** rules.go `getEndpointSelector`. */
function endpointSelector(
  namespaceSelector: string | undefined,
  selector: string | undefined,
  saSelector: string,
  notSelector: string | undefined,
  namespace: string | undefined,
): string | undefined {
  let nsSelector = '';
  if (!blank(namespaceSelector)) {
    nsSelector = attachPrefix(namespaceSelector!, NAMESPACE_LABEL_PREFIX)
      .replaceAll('all()', `has(${LABEL_NAMESPACE})`)
      .replaceAll('global()', `!has(${LABEL_NAMESPACE})`);
  } else if (namespace) {
    nsSelector = `${LABEL_NAMESPACE} == '${namespace}'`;
  }
  const parts = [saSelector, blank(selector) ? '' : selector!].filter((s) => s !== '');
  let combined =
    parts.length === 1 ? parts[0]! : parts.length === 2 ? `(${parts.join(') && (')})` : '';
  if (nsSelector !== '' && (combined !== '' || !blank(notSelector) || !blank(namespaceSelector))) {
    combined = combined !== '' ? `(${nsSelector}) && (${combined})` : nsSelector;
  }
  return combined === '' ? undefined : combined;
}

function protocolOf(text: string | undefined): FelixProtocol | undefined {
  if (blank(text)) return undefined;
  const n = protocolNumber(text!);
  // The loader validated the name; an unknown one could never match a TCP/UDP/SCTP probe anyway.
  return { number: n ?? -1, text: text!.trim().toLowerCase() };
}

function calicoPorts(ports: readonly CalicoPort[] | undefined): FelixPort[] {
  return (ports ?? []).map((p) =>
    typeof p.port === 'string'
      ? { kind: 'named', name: p.port }
      : { kind: 'range', first: p.port, last: p.endPort ?? p.port },
  );
}

const ACTIONS: Record<CalicoAction, FelixAction> = {
  Allow: 'allow',
  Deny: 'deny',
  // rules.go `ruleActionAPIV2ToBackend`: "Pass" is "next-tier" in Felix's model.
  Pass: 'next-tier',
  Log: 'log',
};

/** A v3 rule side in the shape both Calico rules and converted Kubernetes rules take. */
interface V3Entity {
  readonly selector?: string;
  readonly notSelector?: string;
  readonly namespaceSelector?: string;
  readonly serviceAccounts?: { readonly names: readonly string[]; readonly selector?: string };
  readonly nets: readonly Cidr[];
  readonly notNets: readonly Cidr[];
  readonly ports: readonly FelixPort[];
  readonly notPorts: readonly FelixPort[];
}

interface V3Rule {
  readonly action: CalicoAction;
  readonly protocol?: string;
  readonly notProtocol?: string;
  readonly icmp?: CalicoIcmpMatch;
  readonly notICMP?: CalicoIcmpMatch;
  readonly source: V3Entity;
  readonly destination: V3Entity;
  readonly rule: string;
}

/** Its readonly fields writable: the conversions below build their objects key by key, in the
 * order a spread of optional fields would give (no spread: it copies through a temporary object). */
type Building<T> = { -readonly [K in keyof T]: T[K] };

function toFelixEntity(e: V3Entity, namespace: string | undefined): FelixEntity {
  const sa = e.serviceAccounts
    ? serviceAccountSelector(e.serviceAccounts.names, e.serviceAccounts.selector)
    : '';
  const selector = endpointSelector(e.namespaceSelector, e.selector, sa, e.notSelector, namespace);
  const out = {} as Building<FelixEntity>;
  if (selector !== undefined) out.selector = selector;
  if (!blank(e.notSelector)) out.notSelector = e.notSelector!;
  out.nets = e.nets;
  out.notNets = e.notNets;
  out.ports = e.ports;
  out.notPorts = e.notPorts;
  return out;
}

/** rules.go `RuleAPIV2ToBackend`, plus the validator's verdict on ports. */
function toFelixRule(r: V3Rule, namespace: string | undefined): FelixRule {
  const protocol = protocolOf(r.protocol);
  const notProtocol = protocolOf(r.notProtocol);
  const allPorts = [
    ...r.source.ports,
    ...r.source.notPorts,
    ...r.destination.ports,
    ...r.destination.notPorts,
  ];
  // libcalico-go/lib/validator/v3/validator.go `validateRule`: without a protocol, every port must
  // be named (numorstring `AllPortsAreNamed`: each named port carries its own protocol); with a
  // protocol, ports need one that has them (`SupportsPorts`: TCP, UDP, SCTP).
  const rejected =
    protocol === undefined
      ? allPorts.some((p) => p.kind !== 'named')
        ? 'numeric ports and ranges need protocol TCP, UDP or SCTP (Calico rejects the rule)'
        : undefined
      : allPorts.length > 0 && !protocolHasPorts(protocol.number)
        ? 'ports need protocol TCP, UDP or SCTP (Calico rejects the rule)'
        : undefined;
  const out = { action: ACTIONS[r.action] } as Building<FelixRule>;
  if (protocol) out.protocol = protocol;
  if (notProtocol) out.notProtocol = notProtocol;
  const icmp = felixIcmpMatch(r.icmp);
  if (icmp) out.icmp = icmp;
  const notICMP = felixIcmpMatch(r.notICMP);
  if (notICMP) out.notICMP = notICMP;
  out.source = toFelixEntity(r.source, namespace);
  out.destination = toFelixEntity(r.destination, namespace);
  out.rule = r.rule;
  out.userAction = r.action;
  if (rejected) out.rejected = rejected;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Calico policies
// ---------------------------------------------------------------------------------------------

function calicoEntity(e: CalicoEntityRule): V3Entity {
  const out = {} as Building<V3Entity>;
  if (e.selector) out.selector = e.selector.text;
  if (e.notSelector) out.notSelector = e.notSelector.text;
  if (e.namespaceSelector) out.namespaceSelector = e.namespaceSelector.text;
  if (e.serviceAccounts) {
    const sa = e.serviceAccounts.selector;
    out.serviceAccounts = sa
      ? { names: e.serviceAccounts.names, selector: sa.text }
      : { names: e.serviceAccounts.names };
  }
  out.nets = e.nets ?? [];
  out.notNets = e.notNets ?? [];
  out.ports = calicoPorts(e.ports);
  out.notPorts = calicoPorts(e.notPorts);
  return out;
}

function calicoRule(r: CalicoRule, direction: Direction): V3Rule {
  const out = { action: r.action } as Building<V3Rule>;
  if (r.protocol !== undefined) out.protocol = r.protocol;
  if (r.notProtocol !== undefined) out.notProtocol = r.notProtocol;
  if (r.icmp) out.icmp = r.icmp;
  if (r.notICMP) out.notICMP = r.notICMP;
  out.source = calicoEntity(r.source);
  out.destination = calicoEntity(r.destination);
  out.rule = `spec.${direction}[${r.index}]`;
  return out;
}

export function convertCalicoPolicy(p: CalicoPolicy): FelixPolicy {
  const namespace = p.global ? undefined : p.namespace;
  let selector = blank(p.selector.text) ? '' : p.selector.text;
  if (namespace !== undefined) {
    // networkpolicyprocessor.go: the policy only ever selects endpoints in its namespace.
    const nsSelector = `${LABEL_NAMESPACE} == '${namespace}'`;
    selector = selector === '' ? nsSelector : `(${selector}) && ${nsSelector}`;
  } else if (p.namespaceSelector && !blank(p.namespaceSelector.text)) {
    // globalnetworkpolicyprocessor.go: prefixAndAppendSelector, then `all()` (anywhere in the
    // result) becomes has(projectcalico.org/namespace).
    const ns = attachPrefix(p.namespaceSelector.text, NAMESPACE_LABEL_PREFIX);
    selector = (selector === '' ? ns : `(${selector}) && ${ns}`).replaceAll(
      'all()',
      `has(${LABEL_NAMESPACE})`,
    );
  }
  const kind = p.global
    ? p.staged
      ? 'StagedGlobalNetworkPolicy'
      : 'GlobalNetworkPolicy'
    : p.staged
      ? 'StagedNetworkPolicy'
      : 'NetworkPolicy';
  return {
    id: { kind, namespace: namespace ?? '', name: p.name },
    ref: formatRef(p.ref),
    tier: p.tier,
    ...(p.order !== undefined ? { order: p.order } : {}),
    sortName: felixPolicySortKey(p.name, namespace, kind),
    selector: policySelector(selector === '' ? 'all()' : selector),
    ...(namespace !== undefined ? { namespace } : {}),
    types: p.types,
    staged: p.staged,
    inbound: p.ingress.map((r) => toFelixRule(calicoRule(r, 'ingress'), namespace)),
    outbound: p.egress.map((r) => toFelixRule(calicoRule(r, 'egress'), namespace)),
  };
}

// ---------------------------------------------------------------------------------------------
// Kubernetes NetworkPolicy (conversion.go)
// ---------------------------------------------------------------------------------------------

/** conversion.go `k8sSelectorToCalico`. */
function k8sSelectorToCalico(s: LabelSelector | undefined, type: 'pod' | 'namespace'): string {
  const parts: string[] = type === 'pod' ? [`${LABEL_ORCHESTRATOR} == 'k8s'`] : [];
  if (s === undefined) return parts.join(' && ');
  const labels = s.matchLabels ?? {};
  const exprs = s.matchExpressions ?? [];
  // "if they are present but have no terms, it means select all namespaces"
  if (type === 'namespace' && Object.keys(labels).length === 0 && exprs.length === 0) {
    return 'all()';
  }
  for (const k of Object.keys(labels).sort(compareBytes)) parts.push(`${k} == '${labels[k]}'`);
  for (const e of exprs) {
    const values = (e.values ?? []).join("', '");
    switch (e.operator) {
      case 'In':
        parts.push(`${e.key} in { '${values}' }`);
        break;
      case 'NotIn':
        parts.push(`${e.key} not in { '${values}' }`);
        break;
      case 'Exists':
        parts.push(`has(${e.key})`);
        break;
      case 'DoesNotExist':
        parts.push(`! has(${e.key})`);
        break;
    }
  }
  return parts.join(' && ');
}

/** Go's string order (bytes); the label keys here are ASCII, where it equals code unit order. */
const compareBytes = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const NO_CIDRS: readonly Cidr[] = [];
const NO_PORTS: readonly FelixPort[] = [];

function k8sPeerEntity(peer: K8sPeer | null, ports: readonly FelixPort[], ingress: boolean) {
  const base: V3Entity = { nets: NO_CIDRS, notNets: NO_CIDRS, ports: NO_PORTS, notPorts: NO_PORTS };
  const withPorts: V3Entity = { nets: NO_CIDRS, notNets: NO_CIDRS, ports, notPorts: NO_PORTS };
  let peerSide = base;
  let peerWithPorts = withPorts;
  if (peer?.ipBlock) {
    const nets = [peer.ipBlock.cidr];
    const notNets = peer.ipBlock.except;
    peerSide = { nets, notNets, ports: NO_PORTS, notPorts: NO_PORTS };
    peerWithPorts = { nets, notNets, ports, notPorts: NO_PORTS };
  } else if (peer) {
    const selector = k8sSelectorToCalico(peer.podSelector, 'pod');
    const ns = k8sSelectorToCalico(peer.namespaceSelector, 'namespace');
    // Keys in the order the selector fields came after a spread of the empty sides.
    const side = (p: readonly FelixPort[]): V3Entity => {
      const out = {
        nets: NO_CIDRS,
        notNets: NO_CIDRS,
        ports: p,
        notPorts: NO_PORTS,
      } as Building<V3Entity>;
      out.selector = selector;
      if (ns !== '') out.namespaceSelector = ns;
      return out;
    };
    peerSide = side(NO_PORTS);
    peerWithPorts = side(ports);
  }
  // Ingress rules carry the ports on the destination side; egress rules put the peer there too.
  return ingress
    ? { source: peerSide, destination: withPorts }
    : { source: base, destination: peerWithPorts };
}

/** conversion.go `SimplifyPorts`: named ports first, then numbers merged into ranges. */
function simplifyPorts(ports: readonly FelixPort[]): FelixPort[] {
  if (ports.length <= 1) return [...ports];
  const named: FelixPort[] = [];
  const numbers: number[] = [];
  for (const p of ports) {
    if (p.kind === 'named') named.push(p);
    else for (let i = p.first; i <= p.last; i++) numbers.push(i);
  }
  if (numbers.length <= 1) return [...ports];
  numbers.sort((a, b) => a - b);
  const out = named;
  let i = 0;
  while (i < numbers.length) {
    const first = numbers[i]!;
    let last = first;
    i++;
    while (i < numbers.length && numbers[i]! <= last + 1) last = numbers[i++]!;
    out.push({ kind: 'range', first, last });
  }
  return out;
}

/** conversion.go `k8sRuleToCalico`: one Calico rule per protocol and per peer. */
function k8sRuleToV3(rule: K8sRule, direction: Direction): V3Rule[] {
  const ingress = direction === 'ingress';
  const name = `spec.${direction}[${rule.index}]`;
  // protocol ('' = any) -> ports (null = every port of the protocol)
  const protocolPorts = new Map<string, FelixPort[] | null>();
  const specs: readonly (PortSpec | null)[] = rule.ports ?? [null];
  for (const spec of specs) {
    if (spec === null) {
      protocolPorts.clear();
      protocolPorts.set('', null);
      break;
    }
    const proto = spec.protocol;
    if (spec.port === undefined) {
      protocolPorts.set(proto, null);
      continue;
    }
    const port: FelixPort =
      typeof spec.port === 'string'
        ? { kind: 'named', name: spec.port }
        : { kind: 'range', first: spec.port, last: spec.endPort ?? spec.port };
    const existing = protocolPorts.get(proto);
    // "don't overwrite a nil (allow all ports) if present"
    if (existing === undefined) protocolPorts.set(proto, [port]);
    else if (existing !== null && existing.length > 0) existing.push(port);
  }
  const peers: readonly (K8sPeer | null)[] = rule.peers ?? [null];
  const out: V3Rule[] = [];
  for (const proto of [...protocolPorts.keys()].sort(compareBytes)) {
    const ports = simplifyPorts(protocolPorts.get(proto) ?? []);
    for (const peer of peers) {
      const sides = k8sPeerEntity(peer, ports, ingress);
      const v3 = { action: 'Allow' } as Building<V3Rule>;
      if (proto !== '') v3.protocol = proto;
      v3.source = sides.source;
      v3.destination = sides.destination;
      v3.rule = name;
      out.push(v3);
    }
  }
  return out;
}

export function convertK8sPolicy(p: K8sNetworkPolicy): FelixPolicy {
  const podSelector = k8sSelectorToCalico(p.podSelector, 'pod');
  return {
    id: {
      kind: p.staged ? 'StagedKubernetesNetworkPolicy' : 'KubernetesNetworkPolicy',
      namespace: p.namespace,
      name: p.name,
    },
    ref: formatRef(p.ref),
    // "We insert all the NetworkPolicy Policies at order 1000.0 after conversion."
    tier: 'default',
    order: 1000,
    sortName: felixPolicySortKey(p.name, p.namespace, 'KubernetesNetworkPolicy'),
    selector: policySelector(`(${podSelector}) && ${LABEL_NAMESPACE} == '${p.namespace}'`),
    namespace: p.namespace,
    types: p.policyTypes,
    staged: p.staged,
    inbound: p.ingress
      .flatMap((r) => k8sRuleToV3(r, 'ingress'))
      .map((r) => toFelixRule(r, p.namespace)),
    outbound: p.egress
      .flatMap((r) => k8sRuleToV3(r, 'egress'))
      .map((r) => toFelixRule(r, p.namespace)),
  };
}

/** Every policy Felix would be handed: Calico's own kinds and the Kubernetes NetworkPolicies. */
export function felixPolicies(cluster: Cluster): FelixPolicy[] {
  return [
    ...cluster.calicoPolicies.map(convertCalicoPolicy),
    ...cluster.k8sPolicies.map(convertK8sPolicy),
  ];
}
