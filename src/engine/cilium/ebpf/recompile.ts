/**
 * Incremental compile of the eBPF model: after an edit, only the endpoints a changed policy selects
 * (before or after the edit) get their policy maps computed again; every other endpoint keeps the
 * map state of the previous compile, as the agent regenerates only the endpoints a policy change
 * touches (pkg/policy/repository.go: a rule's subject selector decides which endpoints it affects).
 * The identities are allocated again and compared: if they differ (pods, namespaces, nodes, CIDR
 * prefixes or ipBlocks changed), nothing is reused and the result is a full compile. The result
 * equals `compileCilium(next)` (recompile.test.ts).
 */
import { podKey } from '../../cluster';
import { changedObjects } from '../../fingerprint';
import { type Cluster, formatRef, type Pod } from '../../model';
import { carryIdentityPlan, ciliumIdentityPlan } from '../identity';
import { selectorMatches } from '../labels';
import { ciliumCompileMemo, compileCilium } from './compile';
import { indexPolicies } from './endpoint';
import { referencedPrefixes } from './identities';
import type { CiliumDataplane } from './types';

export function recompileCilium(
  previous: CiliumDataplane,
  previousCluster: Cluster,
  next: Cluster,
): CiliumDataplane {
  const memo = ciliumCompileMemo(previous);
  if (!memo) return compileCilium(next);
  const changed: Cluster = {
    ...next,
    k8sPolicies: changedObjects(previousCluster.k8sPolicies, next.k8sPolicies, (p) =>
      formatRef(p.ref),
    ),
    ciliumPolicies: changedObjects(
      previousCluster.ciliumPolicies,
      next.ciliumPolicies,
      (p) => `${formatRef(p.ref)}#${p.specIndex}`,
    ),
  };
  carryIdentityPlan(previousCluster, next);
  const plan = ciliumIdentityPlan(next);
  // The pods a changed policy selects, old version or new (endpoint.ts compileEndpoint's test):
  // found only if the compile asks (it carries most selections over the edit itself).
  let dirtyPods: Set<string> | undefined;
  const dirty = (pod: Pod): boolean => {
    if (!dirtyPods) {
      const found = new Set<string>();
      const touched = indexPolicies(changed);
      for (const p of next.pods) {
        const set = plan.podLabels(p);
        const subjects = [
          ...(touched.cilium.get(p.namespace)?.subjects ?? []),
          ...touched.clusterwide.subjects,
          ...(touched.k8s.get(p.namespace)?.subjects ?? []),
        ];
        if (subjects.some((x) => selectorMatches(x.subject, set))) found.add(podKey(p));
      }
      dirtyPods = found;
    }
    return dirtyPods.has(podKey(pod));
  };
  // Identities depend on the pods, nodes, the plan and the CIDR prefixes policies name: when the
  // changed policies name none, the previous compile's stand.
  const sameIdentities =
    next.nodes === previousCluster.nodes &&
    plan === ciliumIdentityPlan(previousCluster) &&
    referencedPrefixes(changed).length === 0;
  return compileCilium(next, {
    memo,
    dirty,
    sameIdentities,
  });
}
