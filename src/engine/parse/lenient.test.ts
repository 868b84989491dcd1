/**
 * Manifests the API servers accept but a strict loader would refuse: unknown fields (dropped),
 * CIDRs with host bits (masked), and Calico rules with only named ports and no protocol. Each loads
 * through the real loader, then every verdict path that applies judges it: the Calico reference
 * evaluator and iptables model, and the Cilium reference evaluator and eBPF model. The expected
 * verdicts follow from what the API server stores (see the comments), not from the implementation.
 */
import { describe, expect, it } from 'vitest';
import { calicoModelDecision, compileCalico } from '../calico/iptables';
import { calicoReferenceDecision } from '../calico/reference';
import { ciliumModelDecision, compileCilium } from '../cilium/ebpf';
import { ciliumReferenceDecision } from '../cilium/reference';
import type { Cluster, Protocol } from '../model';
import { resolveProbe } from '../probe';
import { errorsOf, load, warningsOf } from './testing';

const BASE = `
apiVersion: v1
kind: Node
metadata: {name: node-1}
spec: {podCIDR: 10.244.1.0/24}
status: {addresses: [{type: InternalIP, address: 192.168.1.10}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: shop, labels: {app: db}}
spec:
  nodeName: node-1
  containers:
  - name: pg
    ports: [{name: pg, containerPort: 5432}, {name: stats, containerPort: 9187, protocol: UDP}]
status: {podIP: 10.244.1.10}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {nodeName: node-1, containers: [{name: web}]}
status: {podIP: 10.244.1.11}
`;

type Paths = 'calico' | 'cilium';

/** Every applicable path's verdict for one probe; fails when the two paths of a CNI disagree. */
function verdicts(
  c: Cluster,
  from: string,
  to: string,
  port: number,
  protocol: Protocol = 'TCP',
): Record<Paths, boolean> {
  const end = (s: string) => (s.startsWith('ip:') ? { ip: s.slice(3) } : { pod: s });
  const r = resolveProbe(c, { from: end(from), to: end(to), port, protocol });
  if (!r.ok) throw new Error(r.error);
  const calicoRef = calicoReferenceDecision(c, r.probe);
  const calicoModel = calicoModelDecision(compileCalico(c), r.probe);
  expect(calicoModel.allowed, `calico: ${calicoRef.reason} / ${calicoModel.reason}`).toBe(
    calicoRef.allowed,
  );
  const ciliumRef = ciliumReferenceDecision(c, r.probe);
  const ciliumModel = ciliumModelDecision(compileCilium(c), r.probe);
  expect(ciliumModel.allowed, `cilium: ${ciliumRef.reason} / ${ciliumModel.reason}`).toBe(
    ciliumRef.allowed,
  );
  return { calico: calicoRef.allowed, cilium: ciliumRef.allowed };
}

describe('CIDRs with host bits set load masked, in every verdict path', () => {
  it('a Kubernetes ipBlock 192.168.242.213/24 means 192.168.242.0/24 to both CNIs', () => {
    const r = load(`${BASE}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-in, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{ipBlock: {cidr: 192.168.242.213/24}}]
`);
    expect(errorsOf(r)).toEqual([]);
    expect(warningsOf(r).some((d) => d.message.includes('means 192.168.242.0/24'))).toBe(true);
    const c = r.cluster;
    // Anywhere in the /24, not just .213; outside it, the policy's default deny.
    expect(verdicts(c, 'ip:192.168.242.7', 'shop/db', 5432)).toEqual({
      calico: true,
      cilium: true,
    });
    expect(verdicts(c, 'ip:192.168.243.7', 'shop/db', 5432)).toEqual({
      calico: false,
      cilium: false,
    });
  });

  it('a Cilium fromCIDR 172.16.5.9/16 means 172.16.0.0/16', () => {
    const r = load(`${BASE}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: db-in, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress:
  - fromCIDR: [172.16.5.9/16]
  - fromCIDRSet: [{cidr: 10.30.40.50/16, except: [10.30.7.1/24]}]
`);
    expect(errorsOf(r)).toEqual([]);
    const c = r.cluster;
    expect(verdicts(c, 'ip:172.16.200.1', 'shop/db', 5432).cilium).toBe(true);
    expect(verdicts(c, 'ip:172.17.0.1', 'shop/db', 5432).cilium).toBe(false);
    expect(verdicts(c, 'ip:10.30.1.1', 'shop/db', 5432).cilium).toBe(true);
    // The except is masked too: 10.30.7.0/24.
    expect(verdicts(c, 'ip:10.30.7.200', 'shop/db', 5432).cilium).toBe(false);
  });

  it('a Calico GlobalNetworkSet 10.9.8.7/16 means 10.9.0.0/16 to a rule selecting it', () => {
    const r = load(`${BASE}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkSet
metadata: {name: partners, labels: {feed: partner}}
spec: {nets: [10.9.8.7/16]}
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: db-in, namespace: shop}
spec:
  selector: app == 'db'
  ingress:
  - action: Allow
    source: {selector: feed == 'partner', namespaceSelector: global()}
`);
    expect(errorsOf(r)).toEqual([]);
    const c = r.cluster;
    expect(verdicts(c, 'ip:10.9.200.1', 'shop/db', 5432).calico).toBe(true);
    expect(verdicts(c, 'ip:10.10.0.1', 'shop/db', 5432).calico).toBe(false);
  });
});

describe('unknown fields are dropped as the API server drops them', () => {
  it('a misspelt `port` in a NetworkPolicy rule leaves a rule for every port: both CNIs allow', () => {
    const r = load(`${BASE}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-in, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    port: [{port: 5432}]
`);
    expect(errorsOf(r)).toEqual([]);
    const w = warningsOf(r).find((d) => d.field === 'spec.ingress[0].port')!;
    expect(w).toMatchObject({ severity: 'warning', object: 'NetworkPolicy shop/db-in' });
    expect(w.message).toContain('Did you mean `ports`?');
    expect(verdicts(r.cluster, 'shop/web', 'shop/db', 22)).toEqual({ calico: true, cilium: true });
  });

  it('a CNP with a top-level description (old docs) loads and enforces its rules', () => {
    const r = load(`${BASE}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
description: "only web may reach the database"
metadata: {name: db-in, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress: [{fromEndpoints: [{matchLabels: {app: web}}]}]
`);
    expect(errorsOf(r)).toEqual([]);
    expect(warningsOf(r).find((d) => d.field === 'description')!.message).toContain(
      'spec.description',
    );
    expect(verdicts(r.cluster, 'shop/web', 'shop/db', 5432).cilium).toBe(true);
    expect(verdicts(r.cluster, 'ip:10.1.1.1', 'shop/db', 5432).cilium).toBe(false);
  });
});

describe('Calico rules with only named ports and no protocol', () => {
  it('load, and each named port matches with its own protocol in both Calico paths', () => {
    const r = load(`${BASE}
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: db-in, namespace: shop}
spec:
  selector: app == 'db'
  ingress:
  - action: Allow
    destination: {ports: [pg, stats]}
`);
    expect(errorsOf(r)).toEqual([]);
    const c = r.cluster;
    expect(verdicts(c, 'shop/web', 'shop/db', 5432, 'TCP').calico).toBe(true);
    expect(verdicts(c, 'shop/web', 'shop/db', 9187, 'UDP').calico).toBe(true);
    expect(verdicts(c, 'shop/web', 'shop/db', 5432, 'UDP').calico).toBe(false);
    expect(verdicts(c, 'shop/web', 'shop/db', 9187, 'TCP').calico).toBe(false);
  });
});
