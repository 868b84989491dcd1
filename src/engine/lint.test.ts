import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { lintCluster } from './lint';
import { loadManifests } from './parse/load';

const BASE = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {nodeName: node-1, containers: [{name: c, ports: [{containerPort: 80}]}]}
status: {podIP: 10.244.0.5}
`;

const lint = (extra: string) => {
  const { cluster, diagnostics } = loadManifests([
    { name: 'l.yaml', text: `${BASE}---\n${extra}` },
  ]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return lintCluster(cluster);
};

describe('lint', () => {
  it('warns at the rule when namespaceSelector and podSelector are two items (OR)', () => {
    const d = lint(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {team: a}}
    - podSelector: {matchLabels: {app: api}}
`);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ severity: 'warning', field: 'spec.ingress[0].from' });
    expect(d[0]!.pos.line).toBe(17);
    expect(d[0]!.message).toMatch(/two list items.*\(OR\).*\(AND\), put them in one item/);
    // One item with both is what was meant: no warning.
    expect(
      lint(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {team: a}}
      podSelector: {matchLabels: {app: api}}
`),
    ).toEqual([]);
  });

  it('warns at a Cilium rule {} that selects nothing, with the lesson that teaches it', () => {
    const d = lint(`apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: cnp, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress: [{}]
`);
    expect(d).toHaveLength(1);
    expect(d[0]!.field).toBe('spec.ingress[0]');
    expect(d[0]!.message).toContain('#/lessons/07-policy-in-ebpf/10');
  });

  it('warns at Calico policies of one tier with the same order, and at a policy selecting no pod', () => {
    const d = lint(`apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: a, namespace: shop}
spec: {selector: app == 'web', order: 10}
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: b, namespace: shop}
spec: {selector: app == 'nothing', order: 10}
`);
    expect(d.map((x) => [x.object, x.field])).toEqual([
      ['NetworkPolicy shop/b', 'spec.order'],
      ['NetworkPolicy shop/b', 'spec.selector'],
    ]);
    expect(d[0]!.message).toContain('NetworkPolicy shop/a has the same order (10) in tier default');
  });

  it('finds nothing to say about the seed scenario', () => {
    const text = readFileSync('lessons/scenarios/seed-policies.yaml', 'utf8');
    const { cluster } = loadManifests([{ name: 's.yaml', text }]);
    expect(lintCluster(cluster)).toEqual([]);
  });
});
