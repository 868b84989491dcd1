import { describe, expect, it } from 'vitest';
import { errorsOf, load, only, warningsOf } from './testing';

const pod = (name: string, extra = '') => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: shop}
spec: {containers: [{name: a}]${extra}}
`;

describe('assembly: namespaces', () => {
  it('implies a namespace used by a pod, with a warning and the name label', () => {
    const r = load(pod('web'));
    const ns = r.cluster.namespaces.find((n) => n.name === 'shop')!;
    expect(ns).toMatchObject({
      implied: true,
      labels: { 'kubernetes.io/metadata.name': 'shop' },
    });
    const w = only(warningsOf(r), 'metadata.namespace');
    expect(w).toMatchObject({ object: 'Pod shop/web', pos: { line: 3, column: 23 } });
    expect(w.message).toContain('Namespace "shop" is not defined');
  });

  it('implies `default` and the other system namespaces silently', () => {
    const r = load(`
      apiVersion: v1
      kind: ServiceAccount
      metadata: {name: sa, namespace: kube-system}
    `);
    expect(r.diagnostics).toEqual([]);
    expect(r.cluster.namespaces.map((n) => [n.name, n.implied])).toEqual([['kube-system', true]]);
  });

  it('overrides a wrong kubernetes.io/metadata.name label, as the API server does', () => {
    const r = load(`
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop, labels: {kubernetes.io/metadata.name: other}}
    `);
    expect(r.cluster.namespaces[0]!.labels['kubernetes.io/metadata.name']).toBe('shop');
    expect(warningsOf(r)[0]!.message).toContain('replacing "other"');
  });
});

describe('assembly: nodes and pod placement', () => {
  it('creates node-1 when there are no nodes, and assigns its podCIDR, InternalIP and pod IPs', () => {
    const r = load(pod('a') + '---' + pod('b'));
    const [node] = r.cluster.nodes;
    expect(r.cluster.nodes).toHaveLength(1);
    expect(node).toMatchObject({
      name: 'node-1',
      internalIP: '192.168.0.10',
      podCIDR: { text: '10.244.0.0/24' },
      assigned: ['node', 'podCIDR', 'internalIP'],
    });
    expect(r.cluster.pods.map((p) => [p.name, p.nodeName, p.ip, p.assigned])).toEqual([
      ['a', 'node-1', '10.244.0.1', ['nodeName', 'ip']],
      ['b', 'node-1', '10.244.0.2', ['nodeName', 'ip']],
    ]);
    expect(errorsOf(r)).toEqual([]);
    expect(warningsOf(r).map((d) => d.message)).toEqual([
      'Namespace "shop" is not defined: PacketWalk created it (labels: kubernetes.io/metadata.name=shop)',
      'there are no Node objects: PacketWalk created node-1 for the pods',
      'no spec.nodeName: PacketWalk placed the pod on node-1',
      'no spec.nodeName: PacketWalk placed the pod on node-1',
      'no spec.podCIDR: PacketWalk assigned 10.244.0.0/24',
      'no InternalIP address: PacketWalk assigned 192.168.0.10',
      "no status.podIP: PacketWalk assigned 10.244.0.1 from node-1's podCIDR 10.244.0.0/24",
      "no status.podIP: PacketWalk assigned 10.244.0.2 from node-1's podCIDR 10.244.0.0/24",
    ]);
  });

  it('spreads pods without nodeName round-robin, but puts a pod whose IP a podCIDR holds on that node', () => {
    const node = (name: string, cidr: string, ip: string) => `
apiVersion: v1
kind: Node
metadata: {name: ${name}}
spec: {podCIDR: ${cidr}}
status: {addresses: [{type: InternalIP, address: ${ip}}]}
`;
    const r = load(
      [
        node('n1', '10.244.0.0/24', '192.168.0.1'),
        node('n2', '10.244.1.0/24', '192.168.0.2'),
        pod('a'),
        pod('b'),
        pod('c'),
        `${pod('d').trimEnd()}\nstatus: {podIP: 10.244.1.50}\n`,
      ].join('---'),
    );
    expect(r.cluster.pods.map((p) => `${p.name}@${p.nodeName}=${p.ip}`)).toEqual([
      'a@n1=10.244.0.1',
      'b@n2=10.244.1.1',
      'c@n1=10.244.0.2',
      'd@n2=10.244.1.50',
    ]);
  });

  it('creates a node a pod names, and picks podCIDRs that do not collide', () => {
    const r = load(`
      apiVersion: v1
      kind: Node
      metadata: {name: n1}
      spec: {podCIDR: 10.244.1.0/24}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: a}
      spec: {nodeName: ghost, containers: [{name: a}]}
    `);
    expect(only(warningsOf(r), 'spec.nodeName')).toMatchObject({
      object: 'Pod default/a',
      pos: { line: 9, column: 8 },
      message: 'Node "ghost" is not defined: PacketWalk created it',
    });
    expect(r.cluster.nodes.map((n) => [n.name, n.podCIDR.text, n.internalIP, n.assigned])).toEqual([
      ['n1', '10.244.1.0/24', '192.168.0.10', ['internalIP']],
      // Index 1 would be 10.244.1.0/24, which n1 has: the next free /24.
      ['ghost', '10.244.2.0/24', '192.168.0.11', ['node', 'podCIDR', 'internalIP']],
    ]);
  });

  it("gives a node without podCIDR the /24 holding its pods' written IPs", () => {
    const r = load(`
      apiVersion: v1
      kind: Pod
      metadata: {name: a}
      spec: {nodeName: n1, containers: [{name: a}]}
      status: {podIP: 10.1.2.3}
    `);
    expect(r.cluster.nodes[0]!.podCIDR.text).toBe('10.1.2.0/24');
    expect(r.cluster.pods[0]!.ip).toBe('10.1.2.3');
    expect(warningsOf(r).some((d) => d.message.includes('outside'))).toBe(false);
  });

  it('skips addresses in use when assigning pod IPs, and warns about IPs outside the podCIDR', () => {
    const r = load(`
      apiVersion: v1
      kind: Node
      metadata: {name: n1}
      spec: {podCIDR: 10.244.0.0/30}
      status: {addresses: [{type: InternalIP, address: 192.168.0.1}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: a}
      spec: {nodeName: n1, containers: [{name: a}]}
      status: {podIP: 10.244.0.1}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: b}
      spec: {nodeName: n1, containers: [{name: a}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: c}
      spec: {nodeName: n1, containers: [{name: a}]}
      status: {podIP: 10.9.9.9}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: d}
      spec: {nodeName: n1, containers: [{name: a}]}
    `);
    expect(r.cluster.pods.map((p) => p.ip)).toEqual([
      '10.244.0.1',
      '10.244.0.2',
      '10.9.9.9',
      '0.0.0.0',
    ]);
    expect(warningsOf(r).filter((d) => d.message.includes('outside'))).toMatchObject([
      { object: 'Pod default/c', message: "pod IP 10.9.9.9 is outside n1's podCIDR 10.244.0.0/30" },
    ]);
    // A /30 has two usable addresses (network and broadcast are skipped): d gets none.
    expect(only(errorsOf(r), 'status.podIP')).toMatchObject({
      object: 'Pod default/d',
      message: "no status.podIP and n1's podCIDR 10.244.0.0/30 has no free address",
    });
  });

  it('refuses duplicate pod and node addresses at the second use', () => {
    const r = load(`
      apiVersion: v1
      kind: Node
      metadata: {name: n1}
      status: {addresses: [{type: InternalIP, address: 192.168.0.5}]}
      ---
      apiVersion: v1
      kind: Node
      metadata: {name: n2}
      status: {addresses: [{type: InternalIP, address: 192.168.0.5}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: a}
      spec: {nodeName: n1, containers: [{name: a}]}
      status: {podIP: 10.244.0.9}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: b}
      spec: {nodeName: n1, containers: [{name: a}]}
      status: {podIP: 10.244.0.9}
    `);
    expect(
      errorsOf(r).map((d) => `${d.pos.line}:${d.pos.column} ${d.object}: ${d.message}`),
    ).toEqual([
      '9:41 Node n2: Duplicate value: 192.168.0.5 is already used by Node n1',
      '21:10 Pod default/b: Duplicate value: 10.244.0.9 is already used by Pod default/a',
    ]);
  });
});

describe('assembly: services and service accounts', () => {
  it('assigns missing cluster IPs from 10.96.0.10 upwards, skipping those in use', () => {
    const svc = (name: string, ip = '') => `
apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec: {${ip ? `clusterIP: ${ip}, ` : ''}ports: [{port: 80}]}
`;
    const r = load([svc('a'), svc('b', '10.96.0.11'), svc('c')].join('---'));
    expect(r.cluster.services.map((s) => [s.name, s.clusterIP, s.assigned])).toEqual([
      ['a', '10.96.0.10', ['clusterIP']],
      ['b', '10.96.0.11', []],
      ['c', '10.96.0.12', ['clusterIP']],
    ]);
  });

  it('implies `default` in every namespace silently and other named accounts with a warning', () => {
    const r = load(pod('a', ', serviceAccountName: api') + '---' + pod('b'));
    expect(r.cluster.serviceAccounts.map((a) => [a.namespace, a.name, a.implied])).toEqual([
      ['shop', 'default', true],
      ['shop', 'api', true],
    ]);
    const w = only(warningsOf(r), 'spec.serviceAccountName');
    expect(w.message).toBe(
      'ServiceAccount "api" is not defined: PacketWalk created it (without labels)',
    );
    expect(r.cluster.pods.map((p) => p.serviceAccount)).toEqual(['api', 'default']);
  });
});
