/** Policy rules of every dialect (CiliumNetworkPolicy, NetworkPolicy) as one compiled shape: peers
 * as identity selections, ports as clauses, and the keys a clause gives per remote identity. */
import {
  type CiliumHttpRule,
  type CiliumPolicy,
  type CiliumRule,
  type Direction,
  formatRef,
  type K8sNetworkPolicy,
  type K8sPeer,
  type Pod,
  type PortSpec,
  type Protocol,
} from '../../model';
import { icmpPortKey } from '../icmp';
import { type NamedPortRef, resolveNamedPort } from '../identity';
import {
  type CiliumRequirement,
  fromLabelSelector,
  makeSelector,
  NAMESPACE_LABELS_PREFIX,
  POD_NAMESPACE_LABEL,
  scopePeerSelector,
} from '../labels';
import type { IdentityInfo } from './identities';
import { ANY_KEY, type PortKey, portRangePrefixes, protocolsOf } from './portKey';
import type { SelectorCache } from './selectorCache';
import { entitySelection, req, type Selection, WILDCARD } from './selectorCache';
import { PROTO_NUMBER } from './types';

/** A port clause of a rule before resolution: a number range or a named port. */
export type PortClause =
  | { readonly kind: 'any' }
  | { readonly kind: 'range'; readonly proto: Protocol; readonly from: number; readonly to: number }
  | { readonly kind: 'named'; readonly ref: NamedPortRef }
  /** An `icmps` type: proto 1, the type as the port (icmp.ts). */
  | { readonly kind: 'icmp'; readonly type: number };

export interface PortPart {
  readonly clauses: readonly PortClause[];
  readonly http: readonly CiliumHttpRule[] | null;
}

/** One rule of any dialect, ready to be inserted: who, on which ports, allow or deny. */
export interface CompiledRule {
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

export interface Compiler {
  readonly cache: SelectorCache;
  readonly identities: ReadonlyMap<number, IdentityInfo>;
  /** Per policy object, its compiled rules per direction (they depend on `cache` only). */
  readonly rules: WeakMap<object, Partial<Record<Direction, readonly CompiledRule[]>>>;
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

export function compileCiliumPolicy(
  c: Compiler,
  p: CiliumPolicy,
  direction: Direction,
): CompiledRule[] {
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

export function compileK8sPolicy(
  c: Compiler,
  p: K8sNetworkPolicy,
  direction: Direction,
): CompiledRule[] {
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
export function clauseKeys(
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
