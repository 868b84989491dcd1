/**
 * fast-check generators for random clusters written as Kubernetes manifests: namespaces, nodes, pods
 * with ports and service accounts, and policies in all three dialects (Kubernetes NetworkPolicy,
 * Cilium CNP/CCNP with deny and L7 rules, Calico policies with tiers, network sets and service
 * accounts). They go through the real YAML loader, so the property tests exercise the whole path.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';

const APPS = ['web', 'api', 'db'] as const;
const NAMESPACES = [
  { name: 'ns-a', labels: { team: 'red' } },
  { name: 'ns-b', labels: { team: 'blue' } },
  { name: 'ns-c', labels: { team: 'red', env: 'prod' } },
];
export const NODES = [
  { name: 'node-1', ip: '192.168.1.10', podCIDR: '10.244.0.0/24' },
  { name: 'node-2', ip: '192.168.1.11', podCIDR: '10.244.1.0/24' },
];
const CONTAINER_PORTS = [
  { name: 'http', containerPort: 80, protocol: 'TCP' },
  { name: 'dns', containerPort: 53, protocol: 'UDP' },
  { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
  { name: 'sig', containerPort: 9000, protocol: 'SCTP' },
];
/** Addresses outside the pods: a node, the internet, a private range. */
export const EXTERNAL_IPS = ['192.168.1.10', '8.8.8.8', '10.0.5.5', '172.16.0.9'];
const CIDRS = [
  '10.244.0.0/16',
  '10.244.1.0/24',
  '0.0.0.0/0',
  '8.0.0.0/8',
  '10.0.0.0/8',
  '192.168.1.0/24',
];
const EXCEPTS: Record<string, string[]> = {
  '10.244.0.0/16': ['10.244.1.0/24', '10.244.0.0/28'],
  '0.0.0.0/0': ['10.0.0.0/8', '8.8.8.0/24'],
  '8.0.0.0/8': ['8.8.8.8/32'],
  '10.0.0.0/8': ['10.244.0.0/16'],
  '192.168.1.0/24': ['192.168.1.10/32'],
  '10.244.1.0/24': [],
  // Host bits set: Kubernetes and Cilium accept and mask it (192.168.1.0/24); not for Calico
  // rule nets, whose validator refuses it, so it is kept out of CIDRS.
  '192.168.1.77/24': ['192.168.1.10/32'],
};

type Doc = Record<string, unknown>;

const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const app = fc.constantFrom(...APPS);

/** `absent`, `[]` or a short list: the three shapes whose meanings differ. */
function listShape<T>(item: fc.Arbitrary<T>, max = 2) {
  return fc.oneof(
    fc.constant(undefined),
    fc.constant([] as T[]),
    fc.array(item, { minLength: 1, maxLength: max }),
  );
}

const labelSelector = fc.oneof(
  fc.constant({}),
  app.map((a) => ({ matchLabels: { app: a } })),
  fc.constant({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }),
  app.map((a) => ({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: [a] }] })),
  fc.constant({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }),
);
const nsSelector = fc.oneof(
  fc.constant({}),
  fc.constantFrom('red', 'blue').map((t) => ({ matchLabels: { team: t } })),
  fc
    .constantFrom('ns-a', 'ns-b')
    .map((n) => ({ matchLabels: { 'kubernetes.io/metadata.name': n } })),
);
const cidrWithExcept = fc
  .constantFrom(...CIDRS, '192.168.1.77/24')
  .chain((c) =>
    fc
      .subarray(EXCEPTS[c] ?? [])
      .map((except) => ({ cidr: c, ...(except.length ? { except } : {}) })),
  );

const pod = (i: number) =>
  fc
    .record({
      ns: fc.constantFrom(...NAMESPACES.map((n) => n.name)),
      app,
      tier: opt(fc.constantFrom('front', 'back')),
      node: fc.constantFrom(...NODES.map((n) => n.name)),
      ports: fc.subarray(CONTAINER_PORTS, { minLength: 1 }),
      sa: fc.constantFrom('default', 'sa-x'),
    })
    .map((p): Doc => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `pod-${i}`,
        namespace: p.ns,
        labels: { app: p.app, ...(p.tier ? { tier: p.tier } : {}) },
      },
      spec: {
        nodeName: p.node,
        serviceAccountName: p.sa,
        containers: [{ name: 'main', image: 'x', ports: p.ports }],
      },
      status: { podIP: `${NODES.find((n) => n.name === p.node)!.podCIDR.slice(0, -4)}${10 + i}` },
    }));

// ---------------------------------------------------------------- Kubernetes NetworkPolicy
const k8sPort = fc.oneof(
  fc.record({
    port: fc.constantFrom(80, 53, 9090, 9000),
    protocol: opt(fc.constantFrom('TCP', 'UDP', 'SCTP')),
  }),
  fc.record({
    port: fc.constantFrom('http', 'dns', 'metrics'),
    protocol: opt(fc.constantFrom('TCP', 'UDP')),
  }),
  fc.record({
    port: fc.constant(50),
    endPort: fc.constantFrom(80, 100),
    protocol: opt(fc.constant('TCP')),
  }),
  fc.record({ protocol: fc.constantFrom('TCP', 'UDP') }),
);
const k8sPeer = fc.oneof(
  labelSelector.map((s) => ({ podSelector: s })),
  nsSelector.map((s) => ({ namespaceSelector: s })),
  fc.record({ podSelector: labelSelector, namespaceSelector: nsSelector }),
  cidrWithExcept.map((b) => ({ ipBlock: b })),
);
const k8sRule = (peerKey: 'from' | 'to') =>
  fc.record({ peers: listShape(k8sPeer), ports: listShape(k8sPort) }).map((r) => ({
    ...(r.peers !== undefined ? { [peerKey]: r.peers } : {}),
    ...(r.ports !== undefined ? { ports: r.ports.map(clean) } : {}),
  }));
const k8sPolicy = (i: number) =>
  fc
    .record({
      ns: fc.constantFrom(...NAMESPACES.map((n) => n.name)),
      podSelector: labelSelector,
      policyTypes: opt(fc.constantFrom(['Ingress'], ['Egress'], ['Ingress', 'Egress'])),
      ingress: listShape(k8sRule('from')),
      egress: listShape(k8sRule('to')),
    })
    .map((p): Doc => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `knp-${i}`, namespace: p.ns },
      spec: clean({
        podSelector: p.podSelector,
        policyTypes: p.policyTypes,
        ingress: p.ingress,
        egress: p.egress,
      }),
    }));

// ---------------------------------------------------------------- Cilium
const ciliumSelector = fc.oneof(
  fc.constant({}),
  app.map((a) => ({ matchLabels: { app: a } })),
  app.map((a) => ({ matchLabels: { 'k8s:app': a } })),
  fc
    .constantFrom('ns-a', 'ns-b')
    .map((n) => ({ matchLabels: { 'k8s:io.kubernetes.pod.namespace': n } })),
  fc.constant({ matchLabels: { 'io.cilium.k8s.policy.serviceaccount': 'sa-x' } }),
  fc.constant({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }),
);
const ciliumPorts = fc.record({
  ports: fc.array(
    fc.record({
      port: fc.constantFrom('80', '53', '9090', '0', 'http', 'dns'),
      protocol: opt(fc.constantFrom('TCP', 'UDP', 'ANY')),
    }),
    { minLength: 1, maxLength: 2 },
  ),
  rules: opt(
    fc.record({
      http: fc.array(
        fc.record({
          method: opt(fc.constantFrom('GET', 'POST', 'GET|HEAD')),
          path: opt(fc.constantFrom('/', '/api/.*', '/public')),
        }),
        { maxLength: 2 },
      ),
    }),
  ),
});
/**
 * One rule. Cilium accepts one kind of L3 peer per rule (pkg/policy/api/rule_validation.go: "combining
 * %s and %s is not supported yet"), and L7 rules only on ports that say `protocol: TCP`.
 */
const ciliumRule = (dir: 'from' | 'to', deny: boolean) =>
  fc
    .record({
      l3: fc.oneof(
        fc.constant(undefined),
        fc
          .array(ciliumSelector, { minLength: 1, maxLength: 2 })
          .map((v) => ({ [`${dir}Endpoints`]: v })),
        fc
          .array(fc.constantFrom('8.8.8.0/24', '8.8.8.77/24', '10.0.0.0/8', '0.0.0.0/0'), {
            minLength: 1,
            maxLength: 2,
          })
          .map((v) => ({ [`${dir}CIDR`]: v })),
        fc
          .array(cidrWithExcept, { minLength: 1, maxLength: 1 })
          .map((v) => ({ [`${dir}CIDRSet`]: v })),
        fc
          .subarray(['world', 'cluster', 'host', 'remote-node', 'all'], {
            minLength: 1,
            maxLength: 2,
          })
          .map((v) => ({ [`${dir}Entities`]: v })),
      ),
      toPorts: opt(fc.array(ciliumPorts, { minLength: 1, maxLength: 1 })),
      // ICMP types by number or IPv4 name (pkg/policy/api/icmp.go); only without toPorts.
      icmps: opt(
        fc
          .subarray([8, 0, 'EchoReply', 'DestinationUnreachable', 13], {
            minLength: 1,
            maxLength: 2,
          })
          .map((types) => [{ fields: types.map((type) => ({ type })) }]),
      ),
    })
    .map((r) =>
      clean({
        ...r.l3,
        icmps: r.toPorts ? undefined : r.icmps,
        toPorts: r.toPorts?.map((p) =>
          deny || !p.rules
            ? { ports: p.ports.map(clean) }
            : // L7 rules need every port of the rule to be TCP.
              cleanPortRule({
                ports: p.ports.map((x) => ({
                  port: x.port === '0' ? '80' : x.port,
                  protocol: 'TCP',
                })),
                rules: p.rules,
              }),
        ),
      }),
    );
const ciliumPolicy = (i: number) =>
  fc
    .record({
      clusterwide: fc.boolean(),
      ns: fc.constantFrom(...NAMESPACES.map((n) => n.name)),
      endpointSelector: ciliumSelector,
      ingress: listShape(ciliumRule('from', false)),
      egress: listShape(ciliumRule('to', false)),
      ingressDeny: opt(fc.array(ciliumRule('from', true), { minLength: 1, maxLength: 1 })),
      egressDeny: opt(fc.array(ciliumRule('to', true), { minLength: 1, maxLength: 1 })),
    })
    .map((p) => {
      // Cilium ≥1.17 refuses a policy whose four sections are all absent or empty (cilium/cilium#35558).
      const sections = [p.ingress, p.egress, p.ingressDeny, p.egressDeny];
      return sections.some((x) => x !== undefined && x.length > 0) ? p : { ...p, ingress: [{}] };
    })
    .map((p): Doc => ({
      apiVersion: 'cilium.io/v2',
      kind: p.clusterwide ? 'CiliumClusterwideNetworkPolicy' : 'CiliumNetworkPolicy',
      metadata: { name: `cnp-${i}`, ...(p.clusterwide ? {} : { namespace: p.ns }) },
      spec: clean({
        endpointSelector: p.endpointSelector,
        ingress: p.ingress,
        egress: p.egress,
        ingressDeny: p.ingressDeny,
        egressDeny: p.egressDeny,
      }),
    }));

// ---------------------------------------------------------------- Calico
const calicoSelector = fc.oneof(
  fc.constant('all()'),
  app.map((a) => `app == '${a}'`),
  app.map((a) => `app != "${a}"`),
  fc.constant('has(tier)'),
  fc.constant("app in {'web', 'api'}"),
  fc.constant("!has(tier) && app != 'db'"),
  fc.constant("tier == 'front' || app == 'db'"),
);
const calicoNsSelector = fc.constantFrom(
  "team == 'red'",
  "team == 'blue'",
  'all()',
  "projectcalico.org/name == 'ns-b'",
);
const calicoPort = fc.constantFrom<number | string>(80, 53, 9090, '50:100', 'http', 'dns');
const calicoEntity = fc
  .record({
    selector: opt(fc.oneof(calicoSelector, fc.constant("role == 'external'"))),
    notSelector: opt(calicoSelector),
    namespaceSelector: opt(calicoNsSelector),
    nets: opt(fc.array(fc.constantFrom(...CIDRS), { minLength: 1, maxLength: 2 })),
    notNets: opt(
      fc.array(fc.constantFrom('10.244.1.0/24', '8.8.8.0/24'), { minLength: 1, maxLength: 1 }),
    ),
    ports: opt(fc.array(calicoPort, { minLength: 1, maxLength: 2 })),
    notPorts: opt(fc.array(calicoPort, { minLength: 1, maxLength: 1 })),
    serviceAccounts: opt(
      fc.oneof(fc.constant({ names: ['sa-x'] }), fc.constant({ selector: "kind == 'robot'" })),
    ),
  })
  .map(clean);
const calicoRule = fc
  .record({
    action: fc.constantFrom('Allow', 'Deny', 'Pass', 'Log'),
    protocol: opt(fc.constantFrom('TCP', 'UDP', 'ICMP')),
    notProtocol: opt(fc.constantFrom('SCTP')),
    // ICMP fields (type 0-254, a code only with a type); `icmp` only with protocol ICMP.
    icmp: opt(fc.constantFrom({ type: 8 }, { type: 8, code: 0 }, { type: 3, code: 4 }, {})),
    notICMP: opt(fc.constantFrom({ type: 0 }, { type: 3, code: 3 })),
    source: opt(calicoEntity),
    destination: opt(calicoEntity),
  })
  .map((r) => {
    // Calico only accepts ports with a protocol that has ports.
    const portless = r.protocol === undefined || r.protocol === 'ICMP';
    const strip = (e: Doc | undefined) =>
      e && portless ? clean({ ...e, ports: undefined, notPorts: undefined }) : e;
    const icmp = r.protocol === 'ICMP';
    return clean({
      ...r,
      icmp: icmp ? r.icmp : undefined,
      notICMP: icmp ? r.notICMP : undefined,
      source: strip(r.source),
      destination: strip(r.destination),
    });
  });
const calicoPolicy = (i: number) =>
  fc
    .record({
      global: fc.boolean(),
      ns: fc.constantFrom(...NAMESPACES.map((n) => n.name)),
      tier: fc.constantFrom('default', 'default', 'security'),
      order: opt(fc.constantFrom(10, 100, 1000, 1000, 2000)),
      selector: opt(calicoSelector),
      namespaceSelector: opt(calicoNsSelector),
      types: opt(fc.constantFrom(['Ingress'], ['Egress'], ['Ingress', 'Egress'])),
      ingress: opt(fc.array(calicoRule, { maxLength: 3 })),
      egress: opt(fc.array(calicoRule, { maxLength: 3 })),
    })
    .map((p): Doc => {
      const name = p.tier === 'default' ? `gnp-${i}` : `${p.tier}.gnp-${i}`;
      return {
        apiVersion: 'projectcalico.org/v3',
        kind: p.global ? 'GlobalNetworkPolicy' : 'NetworkPolicy',
        metadata: { name, ...(p.global ? {} : { namespace: p.ns }) },
        spec: clean({
          tier: p.tier === 'default' ? undefined : p.tier,
          order: p.order,
          selector: p.selector,
          namespaceSelector: p.global ? p.namespaceSelector : undefined,
          types: p.types,
          ingress: p.ingress,
          egress: p.egress,
        }),
      };
    });
const calicoExtras = fc
  .record({
    tierAction: opt(fc.constantFrom('Deny', 'Pass')),
    netset: fc.boolean(),
    gnetset: fc.boolean(),
    robotSA: fc.boolean(),
  })
  .map(({ tierAction, netset, gnetset, robotSA }): Doc[] => [
    ...(tierAction
      ? [
          {
            apiVersion: 'projectcalico.org/v3',
            kind: 'Tier',
            metadata: { name: 'security' },
            spec: { order: 100, defaultAction: tierAction },
          },
        ]
      : [
          {
            apiVersion: 'projectcalico.org/v3',
            kind: 'Tier',
            metadata: { name: 'security' },
            spec: { order: 100 },
          },
        ]),
    ...(netset
      ? [
          {
            apiVersion: 'projectcalico.org/v3',
            kind: 'NetworkSet',
            metadata: { name: 'partners', namespace: 'ns-a', labels: { role: 'external' } },
            spec: { nets: ['8.8.8.0/24'] },
          },
        ]
      : []),
    ...(gnetset
      ? [
          {
            apiVersion: 'projectcalico.org/v3',
            kind: 'GlobalNetworkSet',
            metadata: { name: 'corp', labels: { role: 'external' } },
            // Host bits set: the `cidr` validator accepts it, Calico masks it to 10.0.0.0/8.
            spec: { nets: ['10.1.2.3/8'] },
          },
        ]
      : []),
    ...(robotSA
      ? [
          {
            apiVersion: 'v1',
            kind: 'ServiceAccount',
            metadata: { name: 'sa-x', namespace: 'ns-a', labels: { kind: 'robot' } },
          },
        ]
      : []),
  ]);

/** Drops keys whose value is undefined, recursively into plain objects. */
function clean<T>(o: T): T {
  if (Array.isArray(o)) return o.map(clean) as T;
  if (o && typeof o === 'object') {
    return Object.fromEntries(
      Object.entries(o)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, clean(v)]),
    ) as T;
  }
  return o;
}
function cleanPortRule(p: { ports: unknown[]; rules?: { http: unknown[] } }) {
  return clean({ ports: p.ports, rules: p.rules });
}

export interface Dialects {
  readonly k8s?: boolean;
  readonly cilium?: boolean;
  readonly calico?: boolean;
}

/** A random scenario as one multi-document YAML text. */
export function arbScenario(
  dialects: Dialects = { k8s: true, cilium: true, calico: true },
): fc.Arbitrary<string> {
  const docs: fc.Arbitrary<Doc[]>[] = [
    fc
      .integer({ min: 2, max: 6 })
      .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => pod(i)))),
    dialects.k8s
      ? fc
          .integer({ min: 0, max: 3 })
          .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => k8sPolicy(i))))
      : fc.constant([]),
    dialects.cilium
      ? fc
          .integer({ min: 0, max: 3 })
          .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => ciliumPolicy(i))))
      : fc.constant([]),
    dialects.calico
      ? fc
          .integer({ min: 0, max: 4 })
          .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => calicoPolicy(i))))
      : fc.constant([]),
    dialects.calico ? calicoExtras : fc.constant([]),
  ];
  return fc.tuple(...docs).map((groups) => {
    const fixed: Doc[] = [
      ...NODES.map((n) => ({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: n.name },
        spec: { podCIDR: n.podCIDR },
        status: { addresses: [{ type: 'InternalIP', address: n.ip }] },
      })),
      ...NAMESPACES.map((n) => ({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: n.name, labels: n.labels },
      })),
    ];
    return [...fixed, ...groups.flat()].map((d) => stringify(d)).join('---\n');
  });
}
