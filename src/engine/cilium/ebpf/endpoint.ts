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
import { MapState } from './mapState';
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
import { req, WILDCARD } from './selectorCache';
import { ID_ANY, ID_HOST, PROTO_NUMBER, type ProxyPolicyRule } from './types';

export interface EndpointPolicy {
  readonly state: MapState;
  readonly proxy: ProxyPolicyRule[];
  readonly enforced: Record<Direction, boolean>;
  readonly enforcedBy: Record<Direction, string[]>;
}

function insertRule(
  c: Compiler,
  ep: EndpointPolicy,
  rule: CompiledRule,
  local: Pod,
  proxyPorts: Record<Direction, number>,
): void {
  const remotes: number[] = [];
  let wildcard = false;
  for (const sel of rule.peers) {
    if (sel.wildcard) wildcard = true;
    else remotes.push(...sel.ids);
  }
  const unique = [...new Set(remotes)];
  // A named port in an egress rule cannot be keyed on identity 0: it resolves per destination, so a
  // wildcard peer becomes every pod identity for it (only pods have named ports).
  const targetsFor = (clause: PortClause): number[] => {
    if (!wildcard) return unique;
    if (clause.kind === 'named' && rule.direction === 'egress') {
      return [...new Set([...unique, ...c.cache.podIdentities().ids])];
    }
    return [ID_ANY, ...unique];
  };
  const parts: readonly PortPart[] = rule.ports ?? [{ clauses: [{ kind: 'any' }], http: null }];
  for (const part of parts) {
    // What Envoy gets: per port, the remote identities and the HTTP rules (pkg/envoy/server.go).
    const envoy = new Map<string, { key: PortKey; remotes: number[]; any: boolean }>();
    for (const clause of part.clauses) {
      for (const remote of targetsFor(clause)) {
        for (const key of clauseKeys(c, clause, rule.direction, local, remote)) {
          const redirect = !rule.deny && part.http !== null && key.proto === PROTO_NUMBER.TCP;
          ep.state.insert({
            identity: remote,
            direction: rule.direction,
            key,
            deny: rule.deny,
            proxyPort: redirect ? proxyPorts[rule.direction] : 0,
            priority: redirect ? 1 : 0,
            derivedFrom: [rule.origin],
          });
          if (rule.deny) continue;
          const k = `${key.proto}/${key.port}/${key.prefixLen}`;
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
    for (const { key, remotes: ids2, any } of envoy.values()) {
      const http = key.proto === PROTO_NUMBER.TCP ? part.http : null;
      ep.proxy.push({
        direction: rule.direction,
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

export function compileEndpoint(
  c: Compiler,
  pod: Pod,
  set: LabelSet,
  byNamespace: PolicyIndex,
  proxyPorts: Record<Direction, number>,
): EndpointPolicy {
  const ep: EndpointPolicy = {
    state: new MapState(),
    proxy: [],
    enforced: { ingress: false, egress: false },
    enforcedBy: { ingress: [], egress: [] },
  };
  const cnps = [
    ...(byNamespace.cilium.get(pod.namespace) ?? []),
    ...byNamespace.clusterwide,
  ].filter((x) => selectorMatches(x.subject, set));
  const knps = (byNamespace.k8s.get(pod.namespace) ?? []).filter((x) =>
    selectorMatches(x.subject, set),
  );
  for (const direction of ['ingress', 'egress'] as const) {
    // pkg/policy/repository.go computePolicyEnforcementAndRules.
    const enforcing = cnps.filter(
      ({ policy: p }) =>
        ((direction === 'ingress' ? p.ingress : p.egress)?.length ?? 0) +
          ((direction === 'ingress' ? p.ingressDeny : p.egressDeny)?.length ?? 0) >
        0,
    );
    const k8s = knps.filter(({ policy }) => policy.policyTypes.includes(direction));
    ep.enforcedBy[direction] = [...enforcing, ...k8s].map(({ policy }) => formatRef(policy.ref));
    if (enforcing.length === 0 && k8s.length === 0) {
      ep.state.upsert({
        identity: ID_ANY,
        direction,
        key: ANY_KEY,
        deny: false,
        proxyPort: 0,
        priority: 0,
        derivedFrom: [`no ${direction} policy (allow all)`],
      });
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
      const rules = [
        ...enforcing.flatMap(({ policy }) => compileCiliumPolicy(c, policy, direction)),
        ...k8s.flatMap(({ policy }) => compileK8sPolicy(c, policy, direction)),
      ];
      const defaultDeny =
        k8s.length > 0 ||
        enforcing.some(({ policy }) => policy.enableDefaultDeny?.[direction] !== false);
      if (!defaultDeny) {
        rules.push({
          origin: `enableDefaultDeny.${direction}: false (allow-all rule)`,
          direction,
          deny: false,
          peers: [WILDCARD],
          ports: null,
          l7Wildcard: false,
        });
      }
      for (const rule of rules) insertRule(c, ep, rule, pod, proxyPorts);
    }
    if (direction === 'ingress') {
      // pkg/policy/mapstate.go determineAllowLocalhostIngress, after the rules.
      ep.state.insert({
        identity: ID_HOST,
        direction: 'ingress',
        key: ANY_KEY,
        deny: false,
        proxyPort: 0,
        priority: 0,
        derivedFrom: ['allow-localhost'],
      });
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

interface PolicyIndex {
  readonly cilium: Map<string, CompiledSubject<CiliumPolicy>[]>;
  readonly clusterwide: CompiledSubject<CiliumPolicy>[];
  readonly k8s: Map<string, CompiledSubject<K8sNetworkPolicy>[]>;
}

/** Subject selectors per policy object, so a recompile builds only those of changed policies. */
const subjects = new WeakMap<object, CiliumSelector>();
const subjectOf = (policy: object, build: () => CiliumSelector): CiliumSelector => {
  let s = subjects.get(policy);
  if (!s) subjects.set(policy, (s = build()));
  return s;
};

export function indexPolicies(cluster: Cluster): PolicyIndex {
  const idx: PolicyIndex = { cilium: new Map(), clusterwide: [], k8s: new Map() };
  const push = <T>(m: Map<string, T[]>, k: string, v: T) => {
    const l = m.get(k);
    if (l) l.push(v);
    else m.set(k, [v]);
  };
  for (const p of cluster.ciliumPolicies) {
    if (!p.endpointSelector) continue; // nodeSelector: host firewall, not modelled
    const sel = p.endpointSelector;
    if (p.clusterwide)
      idx.clusterwide.push({
        policy: p,
        subject: subjectOf(p, () => subjectSelector(sel, undefined)),
      });
    else if (p.namespace)
      push(idx.cilium, p.namespace, {
        policy: p,
        subject: subjectOf(p, () => subjectSelector(sel, p.namespace)),
      });
  }
  for (const p of cluster.k8sPolicies) {
    if (p.staged) continue;
    // pkg/k8s/network_policy.go: the podSelector with k8s: keys and the policy's namespace. (Cilium
    // overwrites a podSelector naming io.kubernetes.pod.namespace; PacketWalk ANDs, as the spec reads.)
    const subject = subjectOf(p, () =>
      makeSelector([
        ...fromLabelSelector(p.podSelector, 'k8s'),
        req('k8s', POD_NAMESPACE_LABEL, 'In', [p.namespace]),
      ]),
    );
    push(idx.k8s, p.namespace, { policy: p, subject });
  }
  return idx;
}
