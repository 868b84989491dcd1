/**
 * An edit loaded again keeps the objects it did not touch (carryOver.ts), so the engine the API
 * makes for it recompiles from the previous one (verdict.ts createEngine) and answers as a fresh
 * engine does.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEngineSession } from './api';
import { calicoCompileMemo } from './calico/compile';
import { compileCalico } from './calico/iptables';
import { compileCilium } from './cilium/ebpf';
import { carryOver } from './carryOver';
import type { Probe } from './model';
import { loadManifests } from './parse/load';
import { createEngine } from './verdict';

const NAME = 'seed-policies.yaml';
const text = readFileSync(`lessons/scenarios/${NAME}`, 'utf8');
const load = (t: string) => loadManifests([{ name: NAME, text: t }]).cluster;
/** allow-frontend's port, on the same line: nothing else moves. */
const portEdit = (t: string) => t.replace('      port: 8080\n---', '      port: 9090\n---');

describe('carryOver', () => {
  it('keeps every object an edit left as it was, and takes the edited one', () => {
    const before = load(text);
    const after = carryOver(before, load(portEdit(text)));
    expect(after.pods).toBe(before.pods);
    expect(after.nodes).toBe(before.nodes);
    expect(after.namespaces).toBe(before.namespaces);
    const at = before.k8sPolicies.findIndex((p) => p.name === 'allow-frontend');
    expect(at).toBeGreaterThanOrEqual(0);
    after.k8sPolicies.forEach((p, i) => {
      if (i === at) expect(p).not.toBe(before.k8sPolicies[i]);
      else expect(p).toBe(before.k8sPolicies[i]);
    });
    expect(after.k8sPolicies[at]!.ingress).not.toEqual(before.k8sPolicies[at]!.ingress);
    expect(after.ciliumPolicies).toBe(before.ciliumPolicies);
  });

  it('takes the new objects below an edit that moved their lines (their positions differ)', () => {
    const before = load(text);
    const moved = text.replace(
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n',
      '# a comment\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n',
    );
    const after = carryOver(before, load(moved));
    expect(after.pods).toBe(before.pods);
    const at = before.k8sPolicies.findIndex((p) => p.name === 'allow-frontend');
    expect(after.k8sPolicies[at]).not.toBe(before.k8sPolicies[at]);
    expect(after.k8sPolicies[at]!.ref.pos.line).toBe(before.k8sPolicies[at]!.ref.pos.line + 1);
  });

  it('keeps objects whose field positions were read (parse/fieldPos.ts: found when first read)', () => {
    const before = load(text);
    // Every position read, as a walk's explanation or a dump could.
    expect(JSON.stringify(before)).toContain('"line"');
    const after = carryOver(before, load(portEdit(text)));
    expect(after.ciliumPolicies).toBe(before.ciliumPolicies);
    expect(after.calicoPolicies).toBe(before.calicoPolicies);
    expect(after.k8sPolicies.filter((p, i) => p === before.k8sPolicies[i])).toHaveLength(
      before.k8sPolicies.length - 1,
    );
  });
});

describe('an engine made after an edit', () => {
  it('recompiles both dataplanes from the previous engine and equals full compiles', () => {
    const first = createEngine(load(text));
    const calico = first.calico();
    first.cilium();
    const next = carryOver(first.cluster, load(portEdit(text)));
    const second = createEngine(next, first);
    expect(second.calico()).toEqual(compileCalico(next));
    expect(second.cilium()).toEqual(compileCilium(next));
    // The iptables model patched the previous compile (it is spent), so it did not start over.
    expect(calicoCompileMemo(calico)?.spent).toBe(true);
    expect(calicoCompileMemo(second.calico())?.spent).toBeUndefined();
  });

  it('answers through the API as a fresh session does', () => {
    const edited = createEngineSession().api;
    edited.load([{ name: NAME, text }]);
    const probe: Probe = {
      from: { pod: 'shop/frontend' },
      to: { pod: 'shop/backend' },
      port: 9090,
      protocol: 'TCP',
    };
    const denied = edited.verdict(probe);
    edited.load([{ name: NAME, text: portEdit(text) }]);
    const fresh = createEngineSession().api;
    fresh.load([{ name: NAME, text: portEdit(text) }]);
    const allowed = edited.verdict(probe);
    expect(allowed).toEqual(fresh.verdict(probe));
    expect(denied).not.toEqual(allowed);
  });
});
