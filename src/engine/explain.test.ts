import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { arbScenario } from '../test/arbitraries';
import { explainVerdict } from './explain';
import { loadManifests } from './parse/load';
import { isIpcacheLookup, type RuleEvent } from './trace';
import { createEngine, defaultProbes, evaluateProbe, type ProbeVerdict } from './verdict';

const verdictsOf = (text: string): ProbeVerdict[] => {
  const { cluster, diagnostics } = loadManifests([{ name: 's.yaml', text }]);
  if (diagnostics.some((d) => d.severity === 'error')) return [];
  const engine = createEngine(cluster);
  return defaultProbes(cluster).flatMap((p) => {
    const r = evaluateProbe(engine, p);
    return r.ok ? [r.verdict] : [];
  });
};

const SEED = readFileSync('lessons/scenarios/seed-policies.yaml', 'utf8');

describe('explain: the seed scenario', () => {
  const verdicts = verdictsOf(SEED);
  const find = (from: string, to: string) =>
    verdicts.find(
      (v) =>
        'pod' in v.probe.from &&
        v.probe.from.pod === from &&
        'pod' in v.probe.to &&
        v.probe.to.pod === to,
    )!;

  it('says both default denies in one sentence, with the tier and the source identity', () => {
    const v = find('shop/debug', 'shop/backend');
    const x = explainVerdict(v);
    const identity = v.cilium.model.trace
      .filter(isIpcacheLookup)
      .find((e) => e.direction === 'ingress')!.value.identity;
    expect(x.calico.kind).toBe('end-of-tier');
    expect(x.calico.tier).toBe('default');
    expect(x.cilium.kind).toBe('default-deny');
    expect(x.cilium.identity).toBe(identity);
    expect(x.text).toBe(
      `shop/backend is selected for ingress by NetworkPolicy shop/allow-frontend; none of its rules allows TCP 8080 from shop/debug, so Calico drops it at the end of tier default and Cilium finds no policy-map entry for identity ${identity}.`,
    );
  });

  it('names a Calico Deny rule and the chain rule that dropped', () => {
    const x = explainVerdict(find('shop/frontend', 'shop/database'));
    expect(x.calico).toMatchObject({
      kind: 'deny-rule',
      policy: 'GlobalNetworkPolicy deny-external',
      rule: 'spec.ingress[1]',
    });
    expect(x.calico.sentences[0]).toMatch(
      /action Deny\), so Felix drops it at cali-pi-\S+ rule \d+ on node-\d/,
    );
    expect(x.cilium.kind).toBe('unselected');
    expect(x.cilium.allowed).toBe(true);
  });

  it('says the profile allows when no policy selects an end', () => {
    const x = explainVerdict(find('shop/backend', 'shop/frontend'));
    expect(x.calico.kind).toBe('unselected');
    expect(x.calico.sentences[0]).toContain('namespace profile kns.shop');
  });
});

describe('explain: generated scenarios', () => {
  it('names the policy and rule the verdict decided by, the tier and identity of the trace', () => {
    fc.assert(
      fc.property(arbScenario(), (text) => {
        for (const v of verdictsOf(text)) {
          const x = explainVerdict(v);
          for (const cni of ['calico', 'cilium'] as const) {
            const e = x[cni];
            const c = v[cni];
            expect(e.allowed).toBe(c.allowed);
            expect(e.sentences.length).toBeGreaterThan(0);
            expect(e.sentences.length).toBeLessThanOrEqual(2);
            if (!e.direction) continue;
            const m = c.model[e.direction];
            const r = c.reference[e.direction];
            if (e.kind === 'allow-rule' || (e.kind === 'deny-rule' && cni === 'calico')) {
              expect(e.policy).toBe(m?.policy ?? r?.policy);
              expect(e.rule).toBe(m?.rule ?? r?.rule);
              expect(x.text).toContain(`${e.policy} ${e.rule}`);
            }
            if (e.kind === 'end-of-tier') {
              const drop = [...c.model.trace]
                .reverse()
                .find(
                  (t): t is RuleEvent =>
                    t.kind === 'rule' && t.result === 'match' && t.action === 'drop',
                )!;
              expect(drop.rule).toContain(`End of tier ${e.tier}.`);
              expect(e.policy).toBe(m?.policy ?? r?.policy);
            }
            if (cni === 'cilium' && (e.kind === 'default-deny' || e.kind === 'deny-rule')) {
              const lookup = c.model.trace
                .filter(isIpcacheLookup)
                .find((t) => t.direction === e.direction);
              expect(e.identity).toBe(lookup?.value.identity);
              expect(c.model.trace.some((t) => t.kind === 'drop')).toBe(true);
            }
          }
        }
      }),
      { numRuns: 60, seed: 16 },
    );
  });
});
