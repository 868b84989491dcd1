/**
 * The iptables model's patch (compile.ts): a session of spec edits on a generated cluster, each
 * recompiled from the one before, equals a full compile of the edited cluster every time. The
 * generated policies share selectors within tiers (group chains), select many endpoint classes and
 * name IP sets, so edits here orphan chains and sets, replace a policy inside a group and move
 * endpoints between groups, which the small random scenarios of agreement-recompile.test.ts rarely do.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateCluster } from '../generate';
import { DEFAULT_GENERATE_OPTIONS } from '../generateOptions';
import type { Cluster } from '../model';
import { loadManifests } from '../parse/load';
import { renamed } from '../../test/policyEdits';
import { calicoCompileMemo } from './compile';
import { compileCalico, recompileCalico } from './iptables';

function generated(): Cluster {
  const text = generateCluster({
    ...DEFAULT_GENERATE_OPTIONS,
    pods: 60,
    nodes: 3,
    namespaces: 4,
    policies: 240,
    mix: { k8s: 50, cilium: 0, calico: 50 },
    seed: 7,
  });
  const { cluster, diagnostics } = loadManifests([{ name: 'gen.yaml', text }]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return cluster;
}

/** A small deterministic draw (mulberry32). */
function draw(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Lists = 'k8sPolicies' | 'calicoPolicies';

/** Policy `i` of a list takes policy `j`'s spec (both of that list). */
function specEdit(cluster: Cluster, list: Lists, i: number, j: number): Cluster {
  const policies = [...cluster[list]] as object[];
  policies[i] = renamed(policies[j]!, policies[i]!);
  return { ...cluster, [list]: policies };
}

describe('iptables recompile patch', () => {
  it('equals a full compile after each of 40 spec edits in a row', () => {
    const random = draw(20261203);
    let cluster = generated();
    let dp = compileCalico(cluster);
    let patched = 0;
    for (let step = 0; step < 40; step++) {
      const list: Lists = random() < 0.5 ? 'k8sPolicies' : 'calicoPolicies';
      const n = cluster[list].length;
      const next = specEdit(cluster, list, Math.floor(random() * n), Math.floor(random() * n));
      const before = calicoCompileMemo(dp)!;
      const incremental = recompileCalico(dp, cluster, next);
      // The patch took over the compile it started from.
      if (before.spent) patched++;
      expect(incremental).toEqual(compileCalico(next));
      cluster = next;
      dp = incremental;
    }
    // Every edit kept the identities and the positions: every recompile patched.
    expect(patched).toBe(40);
  });

  it('removes the IP set only the edited rule named, and adds the new one', () => {
    // lessons/scenarios/seed-policies.yaml's allow-frontend, its peer's label changed in the text
    // and loaded again: that policy object alone is new (an edit of its spec).
    const text = readFileSync('lessons/scenarios/seed-policies.yaml', 'utf8');
    const load = (t: string) => loadManifests([{ name: 'seed-policies.yaml', text: t }]).cluster;
    const cluster = load(text);
    const at = cluster.k8sPolicies.findIndex((p) => p.name === 'allow-frontend');
    const edited = load(
      text.replace(/(- podSelector:\n\s+matchLabels:\n\s+app: )frontend/, '$1canary'),
    );
    const policies = [...cluster.k8sPolicies];
    policies[at] = edited.k8sPolicies[at]!;
    const next = { ...cluster, k8sPolicies: policies };
    const dp = compileCalico(cluster);
    const sets = (d: typeof dp) =>
      Object.values(d.ipsets)
        .map((s) => s.selector ?? '')
        .filter((s) => s.includes('app =='));
    const before = sets(dp);
    const incremental = recompileCalico(dp, cluster, next);
    expect(calicoCompileMemo(incremental)).toBeDefined();
    expect(before.some((s) => s.includes('"frontend"'))).toBe(true);
    expect(sets(incremental).some((s) => s.includes('"frontend"'))).toBe(false);
    expect(sets(incremental).some((s) => s.includes('"canary"'))).toBe(true);
    expect(incremental).toEqual(compileCalico(next));
  });

  it('a spent compile recompiles in full, and equals a full compile', () => {
    const cluster = generated();
    const dp = compileCalico(cluster);
    const next = specEdit(cluster, 'k8sPolicies', 3, 9);
    recompileCalico(dp, cluster, next);
    expect(calicoCompileMemo(dp)?.spent).toBe(true);
    const again = specEdit(cluster, 'k8sPolicies', 4, 10);
    expect(recompileCalico(dp, cluster, again)).toEqual(compileCalico(again));
  });
});
