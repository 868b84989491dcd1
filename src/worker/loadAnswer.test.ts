import { describe, expect, it } from 'vitest';
import { createEngineSession } from '../engine/api';
import { clusterView, packClusterView, unpackClusterView } from '../engine/clusterView';
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

describe('the packed view (policy refs as columns)', () => {
  it('gives back the same view, a namespace absent where there was none, each file its own', () => {
    const two = [
      ...files,
      {
        name: 'more.yaml',
        text: [
          'apiVersion: projectcalico.org/v3',
          'kind: GlobalNetworkPolicy',
          'metadata:',
          '  name: platform.deny-all',
          'spec:',
          '  tier: platform',
          '  selector: all()',
          '  types: [Ingress]',
          '',
        ].join('\n'),
      },
    ];
    const loaded = createEngineSession().api.load(two);
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const view = clusterView(loaded.cluster!);
    const packed = packClusterView(view);
    // Columns: typed arrays and strings, a handful of distinct kinds and files.
    expect(packed.policyRefs.calicoPolicies.kinds).toEqual([
      'NetworkPolicy',
      'GlobalNetworkPolicy',
    ]);
    expect(packed.policyRefs.calicoPolicies.files).toEqual(['gen.yaml', 'more.yaml']);
    expect(packed.policyRefs.k8sPolicies.line).toBeInstanceOf(Uint32Array);
    const back = unpackClusterView(structuredClone(packed));
    // Each list is built when first read, once.
    for (const list of ['k8sPolicies', 'ciliumPolicies', 'calicoPolicies'] as const) {
      expect(Object.getOwnPropertyDescriptor(back, list)?.get).toBeTypeOf('function');
      expect(back[list]).toBe(back[list]);
    }
    expect(back).toStrictEqual(view);
    const global = back.calicoPolicies.find((p) => p.ref.name === 'platform.deny-all')!;
    expect('namespace' in global.ref).toBe(false);
    expect(global.ref.pos).toEqual({ file: 'more.yaml', line: 1, column: 1 });
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
    const { diagnostics, cluster, ...rest } = whole;
    expect(first).toEqual({
      ...rest,
      cluster: packClusterView(cluster!),
      diagnosticsId: first.diagnosticsId,
    });
    expect(unpackClusterView(first.cluster!)).toStrictEqual(cluster);
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
