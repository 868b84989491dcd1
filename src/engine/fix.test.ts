import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { arbScenario } from '../test/arbitraries';
import { connectionKey, suggestFix, type FixDialect } from './fix';
import type { Cni, Probe } from './model';
import { loadManifests } from './parse/load';
import { formatProbeEndpoint } from './probe';
import { createEngine, defaultProbes, evaluateProbe } from './verdict';

const SEED = readFileSync('lessons/scenarios/seed-policies.yaml', 'utf8');
const probe = (from: string, to: string, port: number): Probe => ({
  from: { pod: from },
  to: { pod: to },
  port,
  protocol: 'TCP',
});

const engineOf = (text: string) => {
  const { cluster, diagnostics } = loadManifests([{ name: 'f.yaml', text }]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return createEngine(cluster);
};

const allowed = (text: string, p: Probe, cni: Cni): boolean => {
  const r = evaluateProbe(engineOf(text), p);
  if (!r.ok) throw new Error(r.error);
  return r.verdict[cni].allowed;
};

/** Every (probe, CNI) whose verdict differs between the two texts, as connection keys. */
function changed(before: string, after: string): { opened: string[]; closed: string[] } {
  const a = engineOf(before);
  const b = engineOf(after);
  const opened: string[] = [];
  const closed: string[] = [];
  for (const p of defaultProbes(a.cluster)) {
    const x = evaluateProbe(a, p);
    const y = evaluateProbe(b, p);
    if (!x.ok || !y.ok) continue;
    for (const cni of ['calico', 'cilium'] as const) {
      const key = connectionKey({
        cni,
        from: formatProbeEndpoint(p.from),
        to: formatProbeEndpoint(p.to),
        port: p.port,
        protocol: p.protocol,
      });
      if (!x.verdict[cni].allowed && y.verdict[cni].allowed) opened.push(key);
      if (x.verdict[cni].allowed && !y.verdict[cni].allowed) closed.push(key);
    }
  }
  return { opened, closed };
}

describe('fix: the seed scenario', () => {
  it('adds a rule for shop/debug to the Kubernetes policy that selects shop/backend', () => {
    const r = suggestFix(
      { name: 'seed.yaml', text: SEED },
      {
        probe: probe('shop/debug', 'shop/backend', 8080),
        cni: 'calico',
      },
    );
    if (!r.ok) throw new Error(r.error);
    expect(r.dialect).toBe('k8s');
    expect(r.changes).toHaveLength(1);
    expect(r.changes[0]).toMatchObject({
      kind: 'add-rule',
      policy: 'NetworkPolicy shop/allow-frontend',
      rule: 'spec.ingress[1]',
    });
    expect(r.yaml).toContain('app: debug');
    expect(allowed(r.text, probe('shop/debug', 'shop/backend', 8080), 'calico')).toBe(true);
    // The same Kubernetes policy is read by Cilium: the change opens it there too, and says so.
    expect(r.opened.map(connectionKey)).toEqual(['cilium shop/debug -> shop/backend 8080/TCP']);
    // The rest of the file is as it was.
    expect(r.text.split('\n').length).toBe(SEED.split('\n').length + 7);
  });

  it('answers a Calico Deny rule with an Allow placed before it', () => {
    const r = suggestFix(
      { name: 'seed.yaml', text: SEED },
      {
        probe: probe('shop/frontend', 'shop/database', 5432),
        cni: 'calico',
      },
    );
    if (!r.ok) throw new Error(r.error);
    expect(r.dialect).toBe('calico');
    expect(r.changes[0]!.summary).toContain('before its Deny rule spec.ingress[1]');
    expect(r.yaml.indexOf("app == 'frontend'")).toBeLessThan(r.yaml.indexOf('action: Deny'));
  });

  it('writes a new policy in a dialect no selecting policy uses, and lists what it closes', () => {
    const r = suggestFix(
      { name: 'seed.yaml', text: SEED },
      {
        probe: probe('shop/backend', 'shop/api', 8080),
        cni: 'cilium',
        dialect: 'k8s',
      },
    );
    if (!r.ok) throw new Error(r.error);
    expect(r.changes[0]).toMatchObject({
      kind: 'new-policy',
      policy: 'NetworkPolicy shop/allow-backend-to-api-8080',
    });
    // Under Calico nothing selected shop/api: the new policy puts it in default deny there.
    expect(r.closed.length).toBeGreaterThan(0);
    expect(r.closed.every((c) => c.cni === 'calico' && c.to === 'shop/api')).toBe(true);
  });

  it('refuses a dialect the CNI does not read, and a connection already allowed', () => {
    const p = probe('shop/debug', 'shop/backend', 8080);
    const r = suggestFix(
      { name: 'seed.yaml', text: SEED },
      { probe: p, cni: 'calico', dialect: 'cilium' },
    );
    expect(r).toMatchObject({
      ok: false,
      error: expect.stringContaining('does not read CiliumNetworkPolicy'),
    });
    const a = suggestFix(
      { name: 'seed.yaml', text: SEED },
      {
        probe: probe('shop/frontend', 'shop/backend', 8080),
        cni: 'calico',
      },
    );
    expect(a).toMatchObject({ ok: false, error: expect.stringContaining('already allows') });
  });
});

const EGRESS = `${SEED.trimEnd()}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: frontend-egress
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: frontend
  policyTypes: [Egress]
  egress:
    - to:
        - podSelector:
            matchLabels:
              app: backend
`;

describe('fix: an egress drop', () => {
  const p = probe('shop/frontend', 'shop/database', 5432);

  it('adds an egress rule at the source (Cilium: enough)', () => {
    const r = suggestFix({ name: 'eg.yaml', text: EGRESS }, { probe: p, cni: 'cilium' });
    if (!r.ok) throw new Error(r.error);
    expect(r.changes.map((c) => [c.kind, c.policy, c.rule])).toEqual([
      ['add-rule', 'NetworkPolicy shop/frontend-egress', 'spec.egress[1]'],
    ]);
    expect(allowed(r.text, p, 'cilium')).toBe(true);
  });

  it('then the destination’s ingress when it drops too (Calico: the Deny of deny-external)', () => {
    const r = suggestFix(
      { name: 'eg.yaml', text: EGRESS },
      { probe: p, cni: 'calico', dialect: 'k8s' },
    );
    if (!r.ok) throw new Error(r.error);
    expect(r.changes.map((c) => [c.kind, c.direction])).toEqual([
      ['add-rule', 'egress'],
      ['new-policy', 'ingress'],
    ]);
    expect(r.yaml.split('---\n')).toHaveLength(2);
    expect(allowed(r.text, p, 'calico')).toBe(true);
  });
});

describe('fix: generated scenarios', () => {
  it('every fix offered allows the connection and lists every other connection it changes', () => {
    let offered = 0;
    let asked = 0;
    fc.assert(
      fc.property(arbScenario(), fc.integer({ min: 0, max: 1000 }), (text, pick) => {
        const { cluster, diagnostics } = loadManifests([{ name: 'g.yaml', text }]);
        if (diagnostics.some((d) => d.severity === 'error')) return;
        const engine = createEngine(cluster);
        const denied: { p: Probe; cni: Cni }[] = [];
        for (const p of defaultProbes(cluster)) {
          const r = evaluateProbe(engine, p);
          if (!r.ok) continue;
          for (const cni of ['calico', 'cilium'] as const)
            if (!r.verdict[cni].allowed) denied.push({ p, cni });
        }
        if (denied.length === 0) return;
        const { p, cni } = denied[pick % denied.length]!;
        const dialects: FixDialect[] = cni === 'calico' ? ['k8s', 'calico'] : ['k8s', 'cilium'];
        for (const dialect of dialects) {
          asked++;
          const r = suggestFix({ name: 'g.yaml', text }, { probe: p, cni, dialect });
          if (!r.ok) continue;
          offered++;
          expect(allowed(r.text, p, cni)).toBe(true);
          const diff = changed(text, r.text);
          const asks = connectionKey({
            cni,
            from: formatProbeEndpoint(p.from),
            to: formatProbeEndpoint(p.to),
            port: p.port,
            protocol: p.protocol,
          });
          expect(r.opened.map(connectionKey).sort()).toEqual(
            diff.opened.filter((k) => k !== asks).sort(),
          );
          expect(r.closed.map(connectionKey).sort()).toEqual(diff.closed.sort());
          for (const c of r.changes) expect(r.text).toContain(c.yaml.trim());
        }
      }),
      { numRuns: 20, seed: 1616 },
    );
    // Most drops get a fix: the property above is not vacuous.
    expect(offered).toBeGreaterThan(asked / 2);
  }, 240_000);
});
