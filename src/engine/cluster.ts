/**
 * Lookups over a Cluster, built once per cluster object and memoised, so evaluators and models never
 * scan lists on a hot path.
 */
import type { Cluster, ClusterNode, Namespace, Pod, Service, ServiceAccount } from './model';

export const podKey = (pod: Pick<Pod, 'namespace' | 'name'>): string =>
  `${pod.namespace}/${pod.name}`;

export interface ClusterIndex {
  readonly podByKey: ReadonlyMap<string, Pod>;
  readonly podByIP: ReadonlyMap<string, Pod>;
  readonly nodeByName: ReadonlyMap<string, ClusterNode>;
  readonly nodeByIP: ReadonlyMap<string, ClusterNode>;
  readonly serviceByKey: ReadonlyMap<string, Service>;
  readonly serviceByIP: ReadonlyMap<string, Service>;
  namespace(name: string): Namespace | undefined;
  serviceAccount(namespace: string, name: string): ServiceAccount | undefined;
  podsOnNode(node: string): readonly Pod[];
  podsInNamespace(namespace: string): readonly Pod[];
}

const cache = new WeakMap<Cluster, ClusterIndex>();

export function indexCluster(cluster: Cluster): ClusterIndex {
  const cached = cache.get(cluster);
  if (cached) return cached;
  const podByKey = new Map(cluster.pods.map((p) => [podKey(p), p]));
  const podByIP = new Map(cluster.pods.map((p) => [p.ip, p]));
  const nodeByName = new Map(cluster.nodes.map((n) => [n.name, n]));
  const nodeByIP = new Map(cluster.nodes.map((n) => [n.internalIP, n]));
  const serviceByKey = new Map(cluster.services.map((s) => [`${s.namespace}/${s.name}`, s]));
  const serviceByIP = new Map(
    cluster.services.filter((s) => s.clusterIP !== 'None').map((s) => [s.clusterIP, s]),
  );
  const namespaces = new Map(cluster.namespaces.map((n) => [n.name, n]));
  const accounts = new Map(cluster.serviceAccounts.map((a) => [`${a.namespace}/${a.name}`, a]));
  const byNode = groupBy(cluster.pods, (p) => p.nodeName);
  const byNamespace = groupBy(cluster.pods, (p) => p.namespace);
  const index: ClusterIndex = {
    podByKey,
    podByIP,
    nodeByName,
    nodeByIP,
    serviceByKey,
    serviceByIP,
    namespace: (name) => namespaces.get(name),
    serviceAccount: (ns, name) => accounts.get(`${ns}/${name}`),
    podsOnNode: (node) => byNode.get(node) ?? [],
    podsInNamespace: (ns) => byNamespace.get(ns) ?? [],
  };
  cache.set(cluster, index);
  return index;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
