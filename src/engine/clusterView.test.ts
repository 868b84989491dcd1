import { describe, expect, it } from 'vitest';
import { createEngineSession } from './api';
import { clusterView } from './clusterView';
import { generateCluster } from './generate';

const text = generateCluster({
  pods: 40,
  nodes: 3,
  namespaces: 4,
  policies: 60,
  mix: { k8s: 40, cilium: 30, calico: 30 },
  seed: 7,
});

describe('clusterView', () => {
  it('holds every pod, node and Service as loaded, and of each policy only where it is written', () => {
    const engine = createEngineSession().api.load([{ name: 'gen.yaml', text }]).cluster!;
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
