/**
 * The loaded cluster as the main thread holds it: everything but the policies' contents. The app
 * reads pods, nodes, namespaces and Services (the packet's choices, the matrix's axes) and of a
 * policy only where it is written (`ref`: the editor's "Show in editor", the policy under the
 * cursor); the policies' rules and selectors stay in the worker, which answers every question about
 * them. Sending 10,000 policies whole made the load's answer a main-thread task of over 100 ms
 * (structured-clone deserialisation) for nothing the page shows.
 */
import type { Cluster, ObjectRef } from './model';

/** Of a policy, what the main thread reads: where it is written. */
export interface PolicyRefOnly {
  readonly ref: ObjectRef;
}

type PolicyLists = 'k8sPolicies' | 'ciliumPolicies' | 'calicoPolicies';

/**
 * A cluster with its policies cut to their refs. A whole `Cluster` is one too (tests and the
 * main-thread fallback may hand one over).
 */
export type ClusterView = Omit<Cluster, PolicyLists> &
  Readonly<Record<PolicyLists, readonly PolicyRefOnly[]>>;

const refsOf = (policies: readonly { readonly ref: ObjectRef }[]): PolicyRefOnly[] =>
  policies.map((p) => ({ ref: p.ref }));

/** The view of `cluster` sent to the main thread. */
export function clusterView(cluster: Cluster): ClusterView {
  return {
    ...cluster,
    k8sPolicies: refsOf(cluster.k8sPolicies),
    ciliumPolicies: refsOf(cluster.ciliumPolicies),
    calicoPolicies: refsOf(cluster.calicoPolicies),
  };
}
