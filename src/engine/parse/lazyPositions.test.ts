/**
 * Diagnostics positioned lazily (js-yaml fast path, positions found when a diagnostic asks) say
 * the same file:line:column as the full reader (the `yaml` package's tree with every position),
 * across multi-document files: wrong types, unknown kinds, bad CIDRs, invalid selectors.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fastParse } from './fastYaml';
import { loadManifests } from './load';
import { fastPath } from './testingFastPath';
import { dedent } from './testing';
import { MAX_YAML_DEPTH } from './yaml';

vi.mock('./fastYaml', async (original) =>
  (await import('./testingFastPath')).switchable(await original()),
);

afterEach(() => {
  fastPath.on = true;
});

const FILE = dedent(`
  # Several documents, each with something wrong, in block and flow style.
  apiVersion: v1
  kind: Pod
  metadata:
    name: web
    namespace: shop
    labels: {app: web, tier: 3}
  spec:
    nodeName: [node-1]
    containers:
      - name: c
        ports:
          - containerPort: "80"
  status: {podIP: 10.0.0.300}
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: d}
  ---
  apiVersion: v1
  kind: Widget
  metadata:
    name: w
  ---
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: np
    namespace: shop
  spec:
    podSelector:
      matchExpressions:
        - {key: app, operator: Near, values: [web]}
    ingress:
      - from:
          - ipBlock: {cidr: 10.0.0.0/33}
          - ipBlock:
              cidr: 10.1.0.0/16
              except: [10.2.0.0/24, not-a-cidr]
        ports:
          - port: 80
            protocl: TCP
  ---
  apiVersion: projectcalico.org/v3
  kind: NetworkPolicy
  metadata: {name: cp, namespace: shop}
  spec:
    selector: app == 'web' &&
    order: high
    ingress:
      - action: Allow
        source:
          selector: "role in {'a', 'b'"
          nets: [192.168.0.0/16, 300.1.1.1/32]
  ---
  apiVersion: cilium.io/v2
  kind: CiliumNetworkPolicy
  metadata:
    name: cnp
    namespace: shop
  spec:
    endpointSelector:
      matchLabels: {app: web}
    ingress:
      - fromCIDR: [10.0.0.0/8, 10.0.0.1/99]
        toPorts:
          - ports: [{port: "99999", protocol: TCP}]
    egres: []
`);

const load = () => loadManifests([{ name: 'multi.yaml', text: FILE }]).diagnostics;
const where = (d: { pos: { line: number; column: number }; field?: string | undefined }) =>
  `${d.pos.line}:${d.pos.column} ${d.field ?? ''}`;

describe('lazily positioned diagnostics', () => {
  it('the fast path reads this file (no fallback hides a difference)', () => {
    expect(fastParse(FILE, MAX_YAML_DEPTH)).toBeDefined();
  });

  it('say the same file:line:column and message as the full reader, for every diagnostic', () => {
    const fast = load();
    fastPath.on = false;
    const full = load();
    expect(fast.length).toBeGreaterThan(12);
    expect(fast).toEqual(full);
  });

  it('point at the written place (pinned)', () => {
    const ds = load();
    const at = (field: string, needle: string) =>
      ds.filter((d) => d.field === field && d.message.includes(needle)).map(where);
    // Wrong types (block and flow), and an unknown field.
    expect(at('spec.containers[0].ports[0].containerPort', 'integer')).toEqual([
      '13:11 spec.containers[0].ports[0].containerPort',
    ]);
    expect(at('spec.ingress[0].ports[0].protocl', 'unknown field')).toEqual([
      '42:11 spec.ingress[0].ports[0].protocl',
    ]);
    expect(at('metadata.labels.tier', 'quote')).toEqual(['7:22 metadata.labels.tier']);
    expect(at('spec.nodeName', 'string')).toEqual(['9:3 spec.nodeName']);
    // Unknown kinds, at the kind field of their documents.
    expect(at('kind', 'unknown kind "Deployment"')).toEqual(['17:1 kind']);
    expect(at('kind', 'unknown kind "Widget"')).toEqual(['21:1 kind']);
    // Bad CIDRs: in a flow map, in a flow list, in Calico and Cilium lists.
    expect(at('spec.ingress[0].from[0].ipBlock.cidr', '33')).toEqual([
      '36:21 spec.ingress[0].from[0].ipBlock.cidr',
    ]);
    expect(at('spec.ingress[0].from[1].ipBlock.except[1]', 'not-a-cidr')).toEqual([
      '39:35 spec.ingress[0].from[1].ipBlock.except[1]',
    ]);
    expect(at('spec.ingress[0].source.nets[1]', '300.1.1.1')).toEqual([
      '54:32 spec.ingress[0].source.nets[1]',
    ]);
    expect(at('spec.ingress[0].fromCIDR[1]', '10.0.0.1/99')).toEqual([
      '65:30 spec.ingress[0].fromCIDR[1]',
    ]);
    // Invalid selectors: a label selector operator, Calico selector syntax.
    expect(at('spec.podSelector.matchExpressions[0].operator', 'Near')).toEqual([
      '33:20 spec.podSelector.matchExpressions[0].operator',
    ]);
    // A Calico selector's error points inside the selector, at the place it fails.
    expect(ds.filter((d) => d.field === 'spec.selector').map(where)).toEqual([
      '48:28 spec.selector',
    ]);
    expect(ds.filter((d) => d.field === 'spec.ingress[0].source.selector').map(where)).toEqual([
      '53:37 spec.ingress[0].source.selector',
    ]);
  });
});

describe('a file the fast path gives up on part-way', () => {
  // Read one document at a time (fastYaml.ts fastParseStream), its first documents are loaded
  // before the broken one is found: the load then starts again with the full reader for that
  // file, and says what the full reader alone says.
  const broken = `${FILE}---\napiVersion: v1\nkind: Namespace\nmetadata: {name: [unclosed\n`;
  const valid = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n';
  const loadBoth = (files: { name: string; text: string }[]) => {
    const fast = loadManifests(files);
    fastPath.on = false;
    const full = loadManifests(files);
    fastPath.on = true;
    return { fast, full };
  };

  it('loads as the full reader loads it: no object or diagnostic twice, the syntax error at its line', () => {
    const { fast, full } = loadBoth([{ name: 'broken.yaml', text: broken }]);
    expect(fast).toEqual(full);
    const syntax = fast.diagnostics.filter((d) => d.message.startsWith('YAML syntax'));
    expect(syntax.length).toBeGreaterThan(0);
    // In the last document, after every line of FILE.
    expect(syntax[0]!.pos.line).toBeGreaterThan(FILE.split('\n').length);
    // The first documents' problems once each (not once per attempt).
    const unknown = fast.diagnostics.filter((d) => d.message.includes('unknown kind "Widget"'));
    expect(unknown).toHaveLength(1);
  });

  it('with other files before and after it, each read as before', () => {
    const files = [
      { name: 'a.yaml', text: valid },
      { name: 'broken.yaml', text: broken },
      { name: 'c.yaml', text: FILE },
    ];
    const { fast, full } = loadBoth(files);
    expect(fast).toEqual(full);
    expect(fast.diagnostics.map((d) => d.pos.file)).toContain('c.yaml');
  });
});
