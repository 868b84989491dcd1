import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../model';
import { loadManifests } from './load';
import { errorsOf, load, only, warningsOf } from './testing';

describe('loadManifests: kinds and apiVersions', () => {
  it('refuses an unknown kind, naming the supported ones, at the kind field', () => {
    const r = load(`
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
    `);
    const e = only(errorsOf(r), 'kind');
    expect(e.pos).toEqual({ file: 't.yaml', line: 2, column: 1 });
    expect(e.message).toMatch(/^unknown kind "Deployment": PacketWalk supports /);
    expect(e.message).toContain('NetworkPolicy (networking.k8s.io/v1, projectcalico.org/v3)');
    expect(e.message).toContain('CiliumClusterwideNetworkPolicy (cilium.io/v2)');
    expect(e.message).toContain('StagedKubernetesNetworkPolicy (projectcalico.org/v3)');
    expect(e.message).toContain('List (v1)');
    expect(e.object).toBe('Deployment (document 1)');
  });

  it('refuses a kind under the wrong apiVersion and says which are supported', () => {
    const r = load(`
      apiVersion: networking.k8s.io/v1
      kind: GlobalNetworkPolicy
      metadata: {name: x}
      ---
      apiVersion: cilium.io/v2
      kind: NetworkPolicy
      metadata: {name: y}
    `);
    const [gnp, np] = errorsOf(r);
    expect(gnp).toMatchObject({
      field: 'apiVersion',
      pos: { line: 1, column: 1 },
      message:
        '"networking.k8s.io/v1" is not a supported apiVersion for GlobalNetworkPolicy (supported: projectcalico.org/v3)',
    });
    expect(np).toMatchObject({
      field: 'apiVersion',
      pos: { line: 5, column: 1 },
      message: expect.stringContaining('(supported: networking.k8s.io/v1, projectcalico.org/v3)'),
    });
  });

  it('tells a Kubernetes NetworkPolicy from a Calico one by apiVersion', () => {
    const r = load(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: same, namespace: shop}
      spec: {podSelector: {}}
      ---
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata: {name: same, namespace: shop}
      spec: {selector: all()}
    `);
    expect(errorsOf(r)).toEqual([]);
    expect(r.cluster.k8sPolicies.map((p) => p.name)).toEqual(['same']);
    expect(r.cluster.calicoPolicies.map((p) => p.name)).toEqual(['same']);
  });

  it('requires kind, apiVersion and metadata.name, and reports every missing one', () => {
    const r = load(`
      kind: Pod
      metadata: {name: a}
      ---
      apiVersion: v1
      metadata: {name: b}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {labels: {app: web}}
      ---
      apiVersion: v1
      kind: Pod
    `);
    expect(
      errorsOf(r).map((d) => `${d.pos.line}:${d.pos.column} ${d.field}: ${d.message}`),
    ).toEqual([
      '1:1 apiVersion: is required',
      '4:1 kind: is required',
      '9:1 metadata.name: is required',
      '11:1 metadata: is required',
    ]);
    expect(r.cluster.pods).toEqual([]);
  });

  it('skips empty documents', () => {
    const r = load(`
      ---
      ---
      # only a comment
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop}
      ---
    `);
    expect(r.diagnostics).toEqual([]);
    expect(r.cluster.namespaces.map((n) => n.name)).toEqual(['shop']);
  });

  it('reads a List as kubectl prints it, with fields relative to each item', () => {
    const r = load(`
      apiVersion: v1
      kind: List
      metadata:
        resourceVersion: ""
      items:
      - apiVersion: v1
        kind: Namespace
        metadata:
          name: shop
      - apiVersion: v1
        kind: Pod
        metadata:
          name: web
          namespace: shop
          uid: 2b1f
        spec:
          containers:
          - name: main
            ports:
            - containerPort: 0
    `);
    const e = only(errorsOf(r), 'spec.containers[0].ports[0].containerPort');
    expect(e.object).toBe('Pod shop/web');
    expect(e.pos).toEqual({ file: 't.yaml', line: 20, column: 9 });
    expect(e.message).toBe('Invalid value: 0: must be between 1 and 65535, inclusive');
    expect(r.cluster.pods.map((p) => `${p.namespace}/${p.name}`)).toEqual(['shop/web']);
    expect(r.cluster.namespaces.find((n) => n.name === 'shop')?.implied).toBe(false);
  });

  it('refuses a duplicate object (same kind, namespace and name) and names the first one', () => {
    const r = load(`
      apiVersion: v1
      kind: Pod
      metadata: {name: web}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
        namespace: default
    `);
    const e = only(errorsOf(r), 'metadata.name');
    expect(e.pos.line).toBe(8);
    expect(e.message).toBe('Duplicate object: Pod default/web is already defined at t.yaml:1:1');
    expect(r.cluster.pods).toHaveLength(1);
  });

  it('validates names as the API server does', () => {
    const r = load(`
      apiVersion: v1
      kind: Pod
      metadata: {name: Web_1}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: 1svc}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: a.b}
    `);
    expect(errorsOf(r).map((d) => [d.object, d.message.split(':')[0]])).toEqual([
      ['Pod default/Web_1', 'Invalid value'],
      ['Service default/1svc', 'Invalid value'],
      ['Namespace a.b', 'Invalid value'],
    ]);
    expect(errorsOf(r)[1]!.message).toContain('DNS-1035 label');
    expect(errorsOf(r)[2]!.message).toContain('RFC 1123 label');
  });

  it('never errors on valid metadata PacketWalk ignores, but warns about a misspelt field', () => {
    const r = load(`
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
        uid: 1234
        resourceVersion: "9"
        annotations: {note: "hello"}
        label: {app: web}
      spec:
        containers:
        - name: main
          image: nginx
          resources: {limits: {cpu: "1"}}
    `);
    expect(errorsOf(r)).toEqual([]);
    const w = only(warningsOf(r), 'metadata.label');
    expect(w.pos).toEqual({ file: 't.yaml', line: 8, column: 3 });
    expect(w.message).toContain('ObjectMeta: unknown field "label" is ignored');
    expect(w.message).toContain('Did you mean `labels`?');
  });

  it('warns that a namespace on a cluster-scoped object is ignored', () => {
    const r = load(`
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: g, namespace: shop}
      spec: {selector: all()}
    `);
    expect(only(warningsOf(r), 'metadata.namespace').message).toBe(
      'GlobalNetworkPolicy is cluster-scoped: the namespace is ignored',
    );
    expect(r.cluster.calicoPolicies[0]!.namespace).toBeUndefined();
  });

  it('warns about unknown top-level fields of every kind and loads the rest', () => {
    const r = load(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: p}
      sepc: {podSelector: {}}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: n}
      extra: 1
    `);
    expect(only(warningsOf(r), 'sepc').message).toContain('Did you mean `spec`?');
    expect(only(warningsOf(r), 'extra').message).toMatch(/^unknown field "extra" is ignored/);
    // Without its spec the NetworkPolicy is refused for what it lacks, not for the typo.
    expect(errorsOf(r).map((d) => d.field)).toEqual(['spec']);
    expect(r.cluster.namespaces.map((n) => n.name)).toContain('n');
  });
});

describe('loadManifests: robustness and reporting', () => {
  it('reports problems in every file and keeps loading the others', () => {
    const r = loadManifests([
      { name: 'a.yaml', text: 'kind: [unclosed\n' },
      { name: 'b.yaml', text: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: ok}\n' },
    ]);
    expect(errorsOf(r)[0]!.pos.file).toBe('a.yaml');
    expect(r.cluster.namespaces.map((n) => n.name)).toEqual(['ok']);
  });

  it('never throws on malformed input and always names file:line:column', () => {
    const inputs = [
      '- just\n- a list\n',
      'plain scalar\n',
      'apiVersion: v1\nkind: Pod\nmetadata: 5\n',
      'apiVersion: [v1]\nkind: {a: b}\n',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: [1, 2]\nstatus: {podIP: 7}\n',
      'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: 80, clusterIP: [1]}\n',
      'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: c}\nspecs: {a: 1}\n',
      'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: c}\nspec: {endpointSelector: [], ingress: 3}\n',
      'apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: c}\nspec: {ingress: [5, {action: 1, source: 2}]}\n',
      'apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: t}\nspec: {order: x}\n',
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n}\nspec: {podSelector: 1, ingress: [{from: [1, {ipBlock: 2}]}]}\n',
      'apiVersion: v1\nkind: List\nitems: [1, {kind: List, apiVersion: v1, items: []}]\n',
    ];
    for (const text of inputs) {
      const r = loadManifests([{ name: 'm.yaml', text }]);
      expect(errorsOf(r).length, text).toBeGreaterThan(0);
      for (const d of r.diagnostics) {
        expect(d.pos.file).toBe('m.yaml');
        expect(d.pos.line).toBeGreaterThanOrEqual(1);
        expect(formatDiagnostic(d)).toMatch(/^m\.yaml:\d+:\d+: (error|warning): /);
      }
    }
  });

  it('is deterministic: the same input gives the same cluster and diagnostics', () => {
    const text = readFileSync(join(EXAMPLES, 'seed-policies.yaml'), 'utf8');
    const a = loadManifests([{ name: 's.yaml', text }]);
    const b = loadManifests([{ name: 's.yaml', text }]);
    expect(a).toEqual(b);
    // Plain data: the field positions (parse/fieldPos.ts, found when first read) write
    // themselves as { file, line, column }.
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
  });
});

describe('loadManifests: which CNI uses what', () => {
  it('warns once per object that the other CNI ignores it', () => {
    const r = load(`
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: c}
      spec:
        endpointSelector: {}
        ingress: [{}]
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: g}
      spec: {selector: all()}
      ---
      apiVersion: projectcalico.org/v3
      kind: Tier
      metadata: {name: t}
      spec: {order: 10}
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: k}
      spec: {podSelector: {}}
    `);
    const ignored = r.diagnostics.filter((d) => d.ignoredBy);
    expect(ignored.map((d) => [d.object, d.ignoredBy, d.pos.line])).toEqual([
      ['CiliumNetworkPolicy default/c', 'calico', 1],
      ['GlobalNetworkPolicy g', 'cilium', 8],
      ['Tier t', 'cilium', 13],
    ]);
    expect(ignored[0]!.message).toBe(
      'Calico does not enforce CiliumNetworkPolicy; only the Cilium panel uses it',
    );
  });
});

const EXAMPLES = '/work/shared/examples';

describe('the shared examples', () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml'));
  const loadExample = (f: string) =>
    loadManifests([{ name: f, text: readFileSync(join(EXAMPLES, f), 'utf8') }]);

  it('are all present and load without errors', () => {
    expect(files).toEqual(
      expect.arrayContaining(['multi-rack.yaml', 'seed-policies.yaml', 'two-node-basic.yaml']),
    );
    for (const f of files) expect(errorsOf(loadExample(f)).map(formatDiagnostic), f).toEqual([]);
  });

  it('two-node-basic: two nodes, three pods, nothing assigned', () => {
    const { cluster, diagnostics } = loadExample('two-node-basic.yaml');
    expect(diagnostics).toEqual([]);
    expect(cluster.nodes.map((n) => [n.name, n.internalIP, n.podCIDR.text, n.assigned])).toEqual([
      ['node-1', '192.168.1.5', '10.244.0.0/24', []],
      ['node-2', '192.168.1.10', '10.244.1.0/24', []],
    ]);
    const podB = cluster.pods.find((p) => p.name === 'pod-b')!;
    expect(podB).toMatchObject({
      namespace: 'default',
      nodeName: 'node-1',
      ip: '10.244.0.6',
      labels: { app: 'web' },
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
      serviceAccount: 'default',
      assigned: [],
    });
    expect(cluster.namespaces[0]!.labels).toEqual({ 'kubernetes.io/metadata.name': 'default' });
    expect(cluster.serviceAccounts).toMatchObject([
      { namespace: 'default', name: 'default', implied: true },
    ]);
  });

  it('seed-policies: one policy of each dialect, each CNI told what it ignores', () => {
    const { cluster, diagnostics } = loadExample('seed-policies.yaml');
    const [k8s] = cluster.k8sPolicies;
    expect(k8s).toMatchObject({
      name: 'allow-frontend',
      namespace: 'shop',
      podSelector: { matchLabels: { app: 'backend' } },
      policyTypes: ['ingress'],
      policyTypesInferred: true,
      egress: [],
    });
    expect(k8s!.ingress[0]).toMatchObject({
      peers: [{ podSelector: { matchLabels: { app: 'frontend' } } }],
      ports: [{ protocol: 'TCP', port: 8080 }],
    });
    const [cnp] = cluster.ciliumPolicies;
    expect(cnp!.ingress![0]!.toPorts).toEqual([
      {
        ports: [{ port: 8080, protocol: 'TCP' }],
        http: [
          { method: 'GET', path: '/api/v1/.*' },
          { method: 'POST', path: '/api/v1/orders' },
        ],
      },
    ]);
    const [gnp] = cluster.calicoPolicies;
    expect(gnp).toMatchObject({
      name: 'deny-external',
      global: true,
      tier: 'default',
      types: ['ingress'],
      typesInferred: false,
      selector: { text: 'app == "database"', canonical: 'app == "database"' },
    });
    expect(gnp!.ingress.map((r) => r.action)).toEqual(['Allow', 'Deny']);
    expect(cluster.services[0]).toMatchObject({
      clusterIP: '10.96.0.20',
      ports: [{ port: 80, targetPort: 'http', protocol: 'TCP' }],
      assigned: [],
    });
    expect(cluster.calicoTiers.map((t) => [t.name, t.order, t.defaultAction, t.builtIn])).toEqual([
      ['kube-admin', 1000, 'Pass', true],
      ['default', 1_000_000, 'Deny', true],
      ['kube-baseline', 10_000_000, 'Pass', true],
    ]);
    expect(diagnostics.map((d) => d.ignoredBy)).toEqual(['calico', 'cilium']);
  });

  it('multi-rack: six labelled nodes on two subnets, two pods each', () => {
    const { cluster } = loadExample('multi-rack.yaml');
    expect(cluster.nodes).toHaveLength(6);
    expect(cluster.nodes[3]).toMatchObject({
      name: 'node-4',
      internalIP: '192.168.2.10',
      labels: { 'topology.kubernetes.io/zone': 'rack-2', 'kubernetes.io/hostname': 'node-4' },
    });
    expect(cluster.pods).toHaveLength(12);
    for (const node of cluster.nodes) {
      expect(cluster.pods.filter((p) => p.nodeName === node.name)).toHaveLength(2);
    }
  });
});

describe('loadManifests: hostile input (issue 13)', () => {
  it('reports an unresolved alias as a diagnostic at the alias, not an exception', () => {
    const r = load(`
      apiVersion: v1
      kind: Pod
      metadata: {name: *a}
    `);
    expect(errorsOf(r).map(formatDiagnostic)).toEqual([
      't.yaml:3:18: error: YAML: the alias *a refers to no anchor: an anchor (&a) must be defined before its aliases, in the same document',
    ]);
  });

  it('caps what a message echoes: a 3 MB name is clipped, with how much was left out', () => {
    const name = 'n'.repeat(3_000_000);
    const r = load(`apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n`);
    const errors = errorsOf(r);
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      const text = formatDiagnostic(e);
      expect(text.length).toBeLessThan(2000);
      expect(text).toContain('more characters)');
    }
    expect(formatDiagnostic(errors[0]!)).toContain(`${'n'.repeat(200)}… (2999800 more characters)`);
  });

  it('says why .nan and .inf are not a Calico order', () => {
    for (const [value, words] of [
      ['.nan', 'NaN (.nan)'],
      ['.inf', 'infinity'],
      ['-.inf', 'minus infinity'],
    ] as const) {
      const r = load(`
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: p}
        spec: {order: ${value}, selector: all()}
      `);
      const e = only(errorsOf(r), 'spec.order');
      expect(e.message).toBe(
        `must be a finite number, not ${words}: JSON, in which Kubernetes stores objects, has no NaN or infinity`,
      );
      expect(e.message).not.toContain('null');
    }
  });
});
