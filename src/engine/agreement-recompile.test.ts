/**
 * Incremental compile (issue 15): after a random single-policy edit (a policy removed, a policy's
 * body replaced by another's, as code may build it (taking the other's name too: two policies then
 * share one) or as an editor does (keeping its name), a copy of a policy added under a new name),
 * recompiling from the
 * previous compile gives exactly what a full compile of the edited cluster gives, for both models.
 * Random clusters of every dialect, loaded by the real loader, as in agreement.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbScenario } from '../test/arbitraries';
import { renamed } from '../test/policyEdits';
import { compileCalico, recompileCalico } from './calico/iptables';
import { compileCilium, recompileCilium } from './cilium/ebpf';
import type { Cluster } from './model';
import { loadManifests } from './parse/load';

const RUNS = Number(process.env.AGREEMENT_RUNS ?? 300);
const SEED = Number(process.env.AGREEMENT_SEED ?? 20261203);

type PolicyList = 'k8sPolicies' | 'ciliumPolicies' | 'calicoPolicies';
const LISTS: PolicyList[] = ['k8sPolicies', 'ciliumPolicies', 'calicoPolicies'];

/** One edit of one policy list; null when the cluster has no policy to edit there. */
function edit(
  cluster: Cluster,
  list: PolicyList,
  kind: number,
  a: number,
  b: number,
): Cluster | null {
  const policies = cluster[list] as readonly { ref: { name: string } }[];
  if (policies.length === 0) return null;
  const i = a % policies.length;
  const j = b % policies.length;
  const next = [...policies];
  switch (kind % 4) {
    case 0:
      next.splice(i, 1);
      break;
    case 1:
      // Policy i keeps its name (and namespace, so it stays valid) and takes j's rules.
      next[i] = { ...policies[j]!, ref: policies[i]!.ref, ...namespaceOf(policies[i]!) };
      break;
    case 2:
      // Policy i keeps its identity and takes j's rules: an edit of its spec in the editor, which
      // the iptables model patches into its previous output.
      next[i] = renamed(policies[j]!, policies[i]!);
      break;
    default:
      next.push({
        ...policies[j]!,
        ref: { ...policies[j]!.ref, name: `${policies[j]!.ref.name}-copy` },
      });
  }
  return { ...cluster, [list]: next };
}

const namespaceOf = (p: object): object =>
  'namespace' in p ? { namespace: (p as { namespace: unknown }).namespace } : {};

function load(yaml: string): Cluster {
  const { cluster, diagnostics } = loadManifests([{ name: 'random.yaml', text: yaml }]);
  if (diagnostics.some((d) => d.severity === 'error'))
    throw new Error(`invalid scenario:\n${yaml}`);
  return cluster;
}

const arbEdit = fc.tuple(fc.nat(2), fc.nat(3), fc.nat(), fc.nat());

/** Compiles, then applies each edit and checks the recompile against a full compile. */
function checkEdits<T>(
  compile: (c: Cluster) => T,
  recompile: (previous: T, previousCluster: Cluster, next: Cluster) => T,
): void {
  fc.assert(
    fc.property(arbScenario(), fc.array(arbEdit, { minLength: 1, maxLength: 3 }), (yaml, edits) => {
      let cluster = load(yaml);
      let compiled = compile(cluster);
      for (const [list, kind, a, b] of edits) {
        const next = edit(cluster, LISTS[list]!, kind, a, b);
        if (!next) continue;
        const incremental = recompile(compiled, cluster, next);
        expect(incremental).toEqual(compile(next));
        cluster = next;
        compiled = incremental;
      }
    }),
    { seed: SEED, numRuns: RUNS },
  );
}

describe('incremental compile equals a full compile after a single-policy edit (property)', () => {
  it('eBPF model', () => checkEdits(compileCilium, recompileCilium), 600_000);
  it('iptables model', () => checkEdits(compileCalico, recompileCalico), 600_000);
});
