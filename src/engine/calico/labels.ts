/**
 * The label sets Calico matches selectors against, built as libcalico-go builds them for Felix.
 *
 * - A pod becomes a WorkloadEndpoint whose labels are the pod's labels plus
 *   `projectcalico.org/namespace`, `projectcalico.org/orchestrator: k8s` and, when the service
 *   account name is shorter than 63 characters, `projectcalico.org/serviceaccount`
 *   (libcalico-go/lib/backend/k8s/conversion/workload_endpoint_default.go
 *   `podToDefaultWorkloadEndpoint`).
 * - The endpoint also carries two profiles, `kns.<namespace>` and `ksa.<namespace>.<serviceaccount>`
 *   (same function). Their labels are inherited by the endpoint: the namespace's labels prefixed
 *   `pcns.` plus `pcns.projectcalico.org/name`, and the service account's labels prefixed `pcsa.`
 *   plus `pcsa.projectcalico.org/name` (conversion.go `NamespaceToProfile`,
 *   `ServiceAccountToProfile`). A label on the endpoint itself wins over an inherited one with the
 *   same key (felix/labelindex, parent labels are the fallback).
 * - A namespaced NetworkSet gets `projectcalico.org/namespace` and inherits the `kns.` profile too;
 *   a GlobalNetworkSet has only its own labels
 *   (libcalico-go/lib/backend/syncersv1/updateprocessors/networksetprocessor.go).
 */
import { indexCluster } from '../cluster';
import type { Labels } from '../labels';
import type { CalicoNetworkSet, Cluster, Namespace, Pod, ServiceAccount } from '../model';

/** api/pkg/apis/projectcalico/v3 label constants. */
export const LABEL_NAMESPACE = 'projectcalico.org/namespace';
export const LABEL_ORCHESTRATOR = 'projectcalico.org/orchestrator';
export const LABEL_SERVICE_ACCOUNT = 'projectcalico.org/serviceaccount';
/** conversion/constants.go `NameLabel`: the name label the profiles add. */
export const LABEL_NAME = 'projectcalico.org/name';
/** conversion/constants.go `NamespaceLabelPrefix` and `ServiceAccountLabelPrefix`. */
export const NAMESPACE_LABEL_PREFIX = 'pcns.';
export const SERVICE_ACCOUNT_LABEL_PREFIX = 'pcsa.';
/** conversion/constants.go `NamespaceProfileNamePrefix` and `ServiceAccountProfileNamePrefix`. */
export const NAMESPACE_PROFILE_PREFIX = 'kns.';
export const SERVICE_ACCOUNT_PROFILE_PREFIX = 'ksa.';

/** Kubernetes' orchestrator name on workload endpoints (apiv3.OrchestratorKubernetes). */
export const ORCHESTRATOR_K8S = 'k8s';

/** The labels the WorkloadEndpoint itself carries (no inherited profile labels). */
export function calicoWorkloadLabels(pod: Pod): Labels {
  const labels: Record<string, string> = { ...pod.labels };
  labels[LABEL_NAMESPACE] = pod.namespace;
  labels[LABEL_ORCHESTRATOR] = ORCHESTRATOR_K8S;
  // "For backwards compatibility, include the label if less than 63 characters."
  if (pod.serviceAccount !== '' && pod.serviceAccount.length < 63) {
    labels[LABEL_SERVICE_ACCOUNT] = pod.serviceAccount;
  }
  return labels;
}

/**
 * A namespace's labels as a namespaceSelector sees them: its own labels (which include
 * `kubernetes.io/metadata.name`) plus `projectcalico.org/name`. These are the `kns.` profile's
 * labels with the `pcns.` prefix taken off.
 */
export function calicoNamespaceLabels(namespace: Namespace | string): Labels {
  if (typeof namespace === 'string') {
    return { 'kubernetes.io/metadata.name': namespace, [LABEL_NAME]: namespace };
  }
  return { ...namespace.labels, [LABEL_NAME]: namespace.name };
}

/**
 * A service account's labels as a `serviceAccounts.selector` sees them: its own labels plus
 * `projectcalico.org/name` (the `ksa.` profile's labels without the `pcsa.` prefix).
 */
export function calicoServiceAccountLabels(
  account: ServiceAccount | undefined,
  name: string,
): Labels {
  return { ...(account?.labels ?? {}), [LABEL_NAME]: name };
}

export const namespaceProfileName = (namespace: string): string =>
  NAMESPACE_PROFILE_PREFIX + namespace;

/** conversion.go `serviceAccountNameToProfileName`. */
export const serviceAccountProfileName = (namespace: string, account: string): string =>
  `${SERVICE_ACCOUNT_PROFILE_PREFIX}${namespace || 'default'}.${account}`;

function prefixed(labels: Labels, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) out[prefix + k] = v;
  return out;
}

/** Memoised per cluster: the inherited labels depend on the cluster's namespaces and accounts. */
const endpointLabelCache = new WeakMap<Cluster, WeakMap<Pod, Labels>>();
const networkSetLabelCache = new WeakMap<Cluster, WeakMap<CalicoNetworkSet, Labels>>();

function cacheFor<K extends object>(
  caches: WeakMap<Cluster, WeakMap<K, Labels>>,
  cluster: Cluster,
): WeakMap<K, Labels> {
  let c = caches.get(cluster);
  if (!c) caches.set(cluster, (c = new WeakMap()));
  return c;
}

/**
 * Every label Felix matches a pod's endpoint against: the inherited `pcns.`/`pcsa.` profile labels,
 * overlaid with the endpoint's own labels.
 */
export function calicoEndpointLabels(cluster: Cluster, pod: Pod): Labels {
  const cache = cacheFor(endpointLabelCache, cluster);
  const cached = cache.get(pod);
  if (cached) return cached;
  const index = indexCluster(cluster);
  const ns = index.namespace(pod.namespace) ?? pod.namespace;
  const account = index.serviceAccount(pod.namespace, pod.serviceAccount);
  const labels: Labels = Object.freeze({
    ...prefixed(calicoNamespaceLabels(ns), NAMESPACE_LABEL_PREFIX),
    ...prefixed(
      calicoServiceAccountLabels(account, pod.serviceAccount),
      SERVICE_ACCOUNT_LABEL_PREFIX,
    ),
    ...calicoWorkloadLabels(pod),
  });
  cache.set(pod, labels);
  return labels;
}

/** The labels Felix matches a NetworkSet or GlobalNetworkSet against. */
export function calicoNetworkSetLabels(cluster: Cluster, set: CalicoNetworkSet): Labels {
  const cache = cacheFor(networkSetLabelCache, cluster);
  const cached = cache.get(set);
  if (cached) return cached;
  let labels: Labels;
  if (set.global || set.namespace === undefined) {
    labels = Object.freeze({ ...set.labels });
  } else {
    const ns = indexCluster(cluster).namespace(set.namespace) ?? set.namespace;
    labels = Object.freeze({
      ...prefixed(calicoNamespaceLabels(ns), NAMESPACE_LABEL_PREFIX),
      ...set.labels,
      [LABEL_NAMESPACE]: set.namespace,
    });
  }
  cache.set(set, labels);
  return labels;
}
