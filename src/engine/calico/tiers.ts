/**
 * The tiers in the order Felix applies them. The loader puts the built-in tiers in
 * `cluster.calicoTiers`; a cluster built by hand may lack them, so `default` is added when missing
 * with its built-in order 1,000,000 (api/pkg/apis/projectcalico/v3/tier.go, v3.30+) and
 * defaultAction Deny. A tier a policy names but no Tier object defines is kept and sorted last, as
 * felix/calc/policy_sorter.go `TierByOrder` puts tiers that are not valid last.
 */
import type { CalicoTier, Cluster } from '../model';

export interface TierInfo {
  readonly name: string;
  readonly order?: number;
  readonly defaultAction: 'Deny' | 'Pass';
  /** False when no Tier object defines it. */
  readonly defined: boolean;
}

export const DEFAULT_TIER_ORDER = 1_000_000;

/** policy_sorter.go `TierByOrder`: defined tiers first, by order (unset last), then by name. */
export function orderedTiers(cluster: Cluster, referenced: Iterable<string> = []): TierInfo[] {
  const byName = new Map<string, TierInfo>();
  for (const t of cluster.calicoTiers) byName.set(t.name, fromTier(t));
  if (!byName.has('default')) {
    byName.set('default', {
      name: 'default',
      order: DEFAULT_TIER_ORDER,
      defaultAction: 'Deny',
      defined: true,
    });
  }
  for (const name of referenced) {
    if (!byName.has(name)) byName.set(name, { name, defaultAction: 'Deny', defined: false });
  }
  return [...byName.values()].sort(compareTiers);
}

function fromTier(t: CalicoTier): TierInfo {
  return {
    name: t.name,
    ...(t.order !== undefined ? { order: t.order } : {}),
    defaultAction: t.defaultAction,
    defined: true,
  };
}

function compareTiers(a: TierInfo, b: TierInfo): number {
  if (a.defined !== b.defined) return a.defined ? -1 : 1;
  if (a.order === undefined || b.order === undefined) {
    if (a.order !== b.order) return a.order === undefined ? 1 : -1;
  } else if (a.order !== b.order) {
    return a.order - b.order;
  }
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * What Felix v3.32 breaks equal policy orders with inside a tier: the string
 * `<name>/<namespace>/<kind>` of the policy's key, name first (projectcalico/calico v3.32.1
 * felix/calc/policy_sorter.go `PolKVLess`; the key is libcalico-go/lib/backend/model/policy.go
 * `PolicyKey`). A Kubernetes NetworkPolicy keeps its own name there, with kind
 * KubernetesNetworkPolicy (libcalico-go/lib/backend/k8s/conversion/conversion.go
 * `K8sNetworkPolicyToCalico`); a global policy has no namespace. Before v3.32 the tie-break was the
 * v1 key `<namespace>/<name>`, with `knp.default.` before a Kubernetes policy's name.
 */
export const felixPolicySortKey = (name: string, namespace: string | undefined, kind: string) =>
  `${name}/${namespace ?? ''}/${kind}`;
