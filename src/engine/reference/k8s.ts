/**
 * Kubernetes NetworkPolicy, as the spec says (kubernetes.io/docs/concepts/services-networking/
 * network-policies, "Network Policies"), written to be read next to it. Both CNIs' reference
 * evaluators use it for the Kubernetes policies they enforce; the compiled models never do (they
 * translate the policies their own way, and the agreement test compares the two).
 *
 * The spec's rules used here:
 * - A pod is isolated for a direction when at least one NetworkPolicy with that policyType selects it;
 *   otherwise every connection in that direction is allowed.
 * - Policies are additive: an isolated pod accepts a connection allowed by any rule of any policy that
 *   selects it for that direction.
 * - A connection needs egress allowed at the source and ingress allowed at the destination.
 * - "traffic to and from the node where a Pod is running is always allowed", and "a pod cannot block
 *   access to itself".
 * - from/to: absent or empty matches all peers; ports: absent or empty matches all ports.
 * - A peer with podSelector alone selects pods in the policy's namespace; namespaceSelector alone,
 *   all pods in the selected namespaces; both in one peer, pods matching both (AND); separate peers OR.
 * - ipBlock selects addresses in `cidr` but not in `except`. PacketWalk applies it to pod addresses too
 *   (the spec leaves it to the implementation; issue #3 models both CNIs as selecting pods by ipBlock).
 */
import { cidrContains } from '../cidr';
import { indexCluster, podKey } from '../cluster';
import { matchesLabelSelector } from '../labels';
import type {
  Cluster,
  Direction,
  DirectionVerdict,
  K8sNetworkPolicy,
  K8sPeer,
  K8sRule,
  Peer,
  Pod,
  ResolvedProbe,
} from '../model';
import { formatRef } from '../model';
import { k8sPortMatches } from '../ports';
import { peerName, probeWhat } from '../probe';

/** The policies (not staged) that select `pod` for `direction`, sorted by name for stable output. */
export function k8sPoliciesSelecting(
  cluster: Cluster,
  pod: Pod,
  direction: Direction,
): K8sNetworkPolicy[] {
  return cluster.k8sPolicies
    .filter(
      (p) =>
        !p.staged &&
        p.namespace === pod.namespace &&
        p.policyTypes.includes(direction) &&
        matchesLabelSelector(pod.labels, p.podSelector),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Whether one `from`/`to` entry selects `peer`, for a policy in `namespace`. */
export function k8sPeerMatches(
  cluster: Cluster,
  namespace: string,
  peer: K8sPeer,
  other: Peer,
  otherIP: string,
): boolean {
  if (peer.ipBlock) {
    return (
      cidrContains(peer.ipBlock.cidr, otherIP) &&
      !peer.ipBlock.except.some((c) => cidrContains(c, otherIP))
    );
  }
  // Pod and namespace selectors select pods only: never a node or an outside address.
  if (other.kind !== 'pod') return false;
  const pod = other.pod;
  if (peer.namespaceSelector) {
    const ns = indexCluster(cluster).namespace(pod.namespace);
    if (!ns || !matchesLabelSelector(ns.labels, peer.namespaceSelector)) return false;
  } else if (pod.namespace !== namespace) {
    return false;
  }
  return !peer.podSelector || matchesLabelSelector(pod.labels, peer.podSelector);
}

/**
 * The first rule of `policy` that allows the probe in `direction`, or null. For ingress the peer is
 * the probe's source; for egress, its destination. Named ports resolve against the destination pod.
 */
export function k8sRuleAllowing(
  cluster: Cluster,
  policy: K8sNetworkPolicy,
  probe: ResolvedProbe,
  direction: Direction,
): K8sRule | null {
  const other = direction === 'ingress' ? probe.src : probe.dst;
  const otherIP = direction === 'ingress' ? probe.srcIP : probe.dstIP;
  const dstPod = probe.dst.kind === 'pod' ? probe.dst.pod : undefined;
  const rules = direction === 'ingress' ? policy.ingress : policy.egress;
  for (const rule of rules) {
    const peerOk =
      rule.peers === null ||
      rule.peers.some((p) => k8sPeerMatches(cluster, policy.namespace, p, other, otherIP));
    if (!peerOk) continue;
    const portOk =
      rule.ports === null ||
      rule.ports.some((s) => k8sPortMatches(s, probe.port, probe.protocol, dstPod));
    if (portOk) return rule;
  }
  return null;
}

export const k8sRuleName = (direction: Direction, rule: K8sRule): string =>
  `spec.${direction}[${rule.index}]`;

/** The exceptions the spec makes before any policy is consulted, or null when there is none. */
export function k8sAlwaysAllowed(probe: ResolvedProbe, direction: Direction): string | null {
  const { src, dst } = probe;
  if (src.kind === 'pod' && dst.kind === 'pod' && podKey(src.pod) === podKey(dst.pod)) {
    return 'A pod cannot block access to itself (NetworkPolicy spec).';
  }
  const local = direction === 'ingress' ? dst : src;
  const other = direction === 'ingress' ? src : dst;
  if (local.kind === 'pod' && other.kind === 'node' && other.node.name === local.pod.nodeName) {
    return direction === 'ingress'
      ? `Traffic from the node a pod runs on (${other.node.name}) is always allowed (NetworkPolicy spec).`
      : `Traffic to the node a pod runs on (${other.node.name}) is always allowed (NetworkPolicy spec).`;
  }
  return null;
}

/**
 * The Kubernetes verdict for one direction, judged at the pod on that side (the destination for
 * ingress, the source for egress); undefined when that side is not a pod.
 */
export function k8sDirectionVerdict(
  cluster: Cluster,
  probe: ResolvedProbe,
  direction: Direction,
): DirectionVerdict | undefined {
  const local = direction === 'ingress' ? probe.dst : probe.src;
  if (local.kind !== 'pod') return undefined;
  const endpoint = podKey(local.pod);
  const base = { direction, endpoint };
  const always = k8sAlwaysAllowed(probe, direction);
  if (always) return { ...base, allowed: true, reason: always };
  const policies = k8sPoliciesSelecting(cluster, local.pod, direction);
  if (policies.length === 0) {
    return {
      ...base,
      allowed: true,
      reason: `No NetworkPolicy selects ${endpoint} for ${direction}, so it is not isolated for ${direction}.`,
    };
  }
  for (const policy of policies) {
    const rule = k8sRuleAllowing(cluster, policy, probe, direction);
    if (rule) {
      return {
        ...base,
        allowed: true,
        reason: `${formatRef(policy.ref)} allows it (${k8sRuleName(direction, rule)}).`,
        policy: formatRef(policy.ref),
        rule: k8sRuleName(direction, rule),
      };
    }
  }
  const other = peerName(direction === 'ingress' ? probe.src : probe.dst);
  const names = policies.map((p) => formatRef(p.ref)).join(', ');
  return {
    ...base,
    allowed: false,
    reason: `${endpoint} is isolated for ${direction} by ${names}, and no rule allows ${probeWhat(probe)} ${direction === 'ingress' ? 'from' : 'to'} ${other}.`,
    policy: formatRef(policies[0]!.ref),
  };
}
