import { describe, expect, it } from 'vitest';
import { createEngineSession } from '../engine/api';
import { clusterView } from '../engine/clusterView';
import { generateCluster } from '../engine/generate';
import { createWorkerApi } from './api';

const files = [
  {
    name: 'gen.yaml',
    text: generateCluster({
      pods: 40,
      nodes: 3,
      namespaces: 4,
      policies: 60,
      mix: { k8s: 40, cilium: 30, calico: 30 },
      seed: 7,
    }),
  },
];

describe('clusterView', () => {
  it('holds every pod, node and Service as loaded, and of each policy only where it is written', () => {
    const engine = createEngineSession().api.load(files).cluster!;
    const view = clusterView(engine);
    expect(view.pods).toEqual(engine.pods);
    expect(view.nodes).toEqual(engine.nodes);
    expect(view.services).toEqual(engine.services);
    expect(view.namespaces).toEqual(engine.namespaces);
    expect(view.calicoTiers).toEqual(engine.calicoTiers);
    for (const list of ['k8sPolicies', 'ciliumPolicies', 'calicoPolicies'] as const) {
      expect(engine[list].length).toBeGreaterThan(0);
      expect(view[list]).toEqual(engine[list].map((p) => ({ ref: p.ref })));
    }
  });
});

describe('the load answer the main thread gets', () => {
  it("carries the cluster's view (engine/clusterView.ts), not the policies' contents", () => {
    const engine = createEngineSession().api.load(files);
    const answer = createWorkerApi().load(files);
    expect(answer.applied).toBe(true);
    expect(answer.counts).toEqual(engine.counts);
    expect(answer.diagnostics).toEqual(engine.diagnostics);
    expect(answer.cluster).toEqual(clusterView(engine.cluster!));
  });

  it("leaves the policies in the worker: its verdicts are the whole cluster's", () => {
    const engine = createEngineSession().api;
    engine.load(files);
    const api = createWorkerApi();
    const view = api.load(files).cluster!;
    const targets = view.pods.filter((p) => p.ports.length > 0).slice(0, 8);
    let denied = 0;
    for (const to of targets) {
      const probe = {
        from: { pod: `${view.pods[0]!.namespace}/${view.pods[0]!.name}` },
        to: { pod: `${to.namespace}/${to.name}` },
        port: to.ports[0]!.port,
        protocol: to.ports[0]!.protocol,
      };
      const answer = api.verdict(probe);
      expect(answer).toEqual(engine.verdict(probe));
      if (answer.ok && !answer.verdict.calico.allowed) denied++;
    }
    // The generated policies deny some of these: the worker evaluated them, not an empty list.
    expect(denied).toBeGreaterThan(0);
  });

  it('sends the diagnostics apart when asked (loadApart), and only those of the last load', () => {
    const whole = createWorkerApi().load(files);
    const api = createWorkerApi();
    const first = api.loadApart(files);
    const { diagnostics, ...rest } = whole;
    expect(first).toEqual({ ...rest, diagnosticsId: first.diagnosticsId });
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(api.loadDiagnostics(first.diagnosticsId)).toEqual(diagnostics);
    const bad = api.loadApart([{ name: 'bad.yaml', text: 'kind: [\n' }]);
    expect(bad.applied).toBe(false);
    expect(api.loadDiagnostics(bad.diagnosticsId).some((d) => d.severity === 'error')).toBe(true);
    expect(() => api.loadDiagnostics(first.diagnosticsId)).toThrow(
      `The diagnostics of load ${first.diagnosticsId} are gone: a newer load replaced them.`,
    );
  });
});
