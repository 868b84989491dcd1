/**
 * Lint: warnings at the line for the classic policy mistakes, each with a one-line explanation and
 * where it is taught (a lesson step, or the Kubernetes documentation when no lesson covers it).
 * Run on a cluster that loaded; the app adds these to the loader's diagnostics (engine/api.ts).
 *
 * - A `from`/`to` list with a namespaceSelector-only item and a podSelector-only item: two peers,
 *   ORed, where one item with both (ANDed) was likely meant (kubernetes.io "Behavior of to and from
 *   selectors").
 * - A Cilium rule with no peer and no port (`ingress: [{}]`): it selects nothing, yet it puts the
 *   endpoint in default deny for that direction (datapath-facts §6).
 * - Calico policies of one tier with the same `order`: their order falls back to the name
 *   (felix/calc/policy_sorter.go).
 * - A policy that selects no pod: it does nothing.
 */
import { isCalicoSelected } from './calico/reference';
import { matchesLabelSelector } from './labels';
import type {
  CalicoPolicy,
  CiliumPolicy,
  CiliumRule,
  Cluster,
  Diagnostic,
  K8sRule,
  SourcePos,
} from './model';
import { formatRef } from './model';
import { endpointLabels, labelSet, selectorMatches, subjectSelector } from './cilium/labels';

const LESSON = {
  ciliumDefaultDeny: '#/lessons/07-policy-in-ebpf/10',
  unselected: '#/lessons/06-policy-in-iptables/11',
  tierOrder: '#/lessons/06-policy-in-iptables/6',
} as const;
const K8S_AND_OR =
  'https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors';

const warn = (pos: SourcePos, object: string, field: string, message: string): Diagnostic => ({
  severity: 'warning',
  pos,
  object,
  field,
  message,
});

function k8sOrPeers(
  rules: readonly K8sRule[],
  dir: 'ingress' | 'egress',
  object: string,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const r of rules) {
    const peers = r.peers ?? [];
    const nsOnly = peers.some((p) => p.namespaceSelector && !p.podSelector && !p.ipBlock);
    const podOnly = peers.some((p) => p.podSelector && !p.namespaceSelector && !p.ipBlock);
    if (nsOnly && podOnly)
      out.push(
        warn(
          r.pos,
          object,
          `spec.${dir}[${r.index}].${dir === 'ingress' ? 'from' : 'to'}`,
          `namespaceSelector and podSelector are two list items here, so either one allows (OR): every pod of the selected namespaces, and the selected pods of this namespace. For pods matching both (AND), put them in one item. See ${K8S_AND_OR}`,
        ),
      );
  }
  return out;
}

const emptyCiliumRule = (r: CiliumRule): boolean =>
  r.endpoints === null &&
  r.cidrs === null &&
  r.entities === null &&
  r.toPorts === null &&
  (r.icmps ?? null) === null;

function ciliumEmpty(p: CiliumPolicy): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const dir of ['ingress', 'egress'] as const) {
    for (const r of p[dir] ?? []) {
      if (!emptyCiliumRule(r)) continue;
      const spec = p.specIndex > 0 ? `specs[${p.specIndex}]` : 'spec';
      out.push(
        warn(
          r.pos,
          formatRef(p.ref),
          `${spec}.${dir}[${r.index}]`,
          `A Cilium rule with no peer and no port ({}) selects nothing, yet it puts the selected endpoints in default deny for ${dir}; in a Kubernetes NetworkPolicy the same {} allows everything. See ${LESSON.ciliumDefaultDeny}`,
        ),
      );
    }
  }
  return out;
}

function calicoSameOrder(policies: readonly CalicoPolicy[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, CalicoPolicy>();
  for (const p of policies) {
    if (p.order === undefined || p.staged) continue;
    const key = `${p.tier}\u0000${p.order}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, p);
      continue;
    }
    out.push(
      warn(
        p.ref.pos,
        formatRef(p.ref),
        'spec.order',
        `${formatRef(first.ref)} has the same order (${p.order}) in tier ${p.tier}, so which runs first is decided by name. Give each its own order. See ${LESSON.tierOrder}`,
      ),
    );
  }
  return out;
}

function selectsNoPod(cluster: Cluster): Diagnostic[] {
  const out: Diagnostic[] = [];
  const none = (ref: { pos: SourcePos }, object: string, field: string) =>
    out.push(
      warn(
        ref.pos,
        object,
        field,
        `This policy selects no pod, so it changes nothing. See ${LESSON.unselected}`,
      ),
    );
  for (const p of cluster.k8sPolicies) {
    const any = cluster.pods.some(
      (pod) => pod.namespace === p.namespace && matchesLabelSelector(pod.labels, p.podSelector),
    );
    if (!any) none(p.ref, formatRef(p.ref), 'spec.podSelector');
  }
  const namespaces = new Map(cluster.namespaces.map((n) => [n.name, n]));
  const sets = cluster.pods.map((pod) =>
    labelSet(endpointLabels(pod, namespaces.get(pod.namespace))),
  );
  for (const p of cluster.ciliumPolicies) {
    if (!p.endpointSelector) continue; // a nodeSelector policy selects nodes
    const s = subjectSelector(p.endpointSelector, p.clusterwide ? undefined : p.namespace);
    if (!sets.some((set) => selectorMatches(s, set)))
      none(p.ref, formatRef(p.ref), 'spec.endpointSelector');
  }
  for (const p of cluster.calicoPolicies) {
    if (!cluster.pods.some((pod) => isCalicoSelected(cluster, p, pod)))
      none(p.ref, formatRef(p.ref), 'spec.selector');
  }
  return out;
}

/** The lint warnings of a cluster, in manifest order. */
export function lintCluster(cluster: Cluster): Diagnostic[] {
  const out = [
    ...cluster.k8sPolicies.flatMap((p) => [
      ...k8sOrPeers(p.ingress, 'ingress', formatRef(p.ref)),
      ...k8sOrPeers(p.egress, 'egress', formatRef(p.ref)),
    ]),
    ...cluster.ciliumPolicies.flatMap(ciliumEmpty),
    ...calicoSameOrder(cluster.calicoPolicies),
    ...selectsNoPod(cluster),
  ];
  return out.sort((a, b) => a.pos.line - b.pos.line || a.pos.column - b.pos.column);
}
