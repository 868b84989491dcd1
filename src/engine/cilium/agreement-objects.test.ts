/**
 * Agreement of the Cilium reference evaluator and the eBPF model on random clusters built directly
 * as objects, so every generated policy is one Cilium accepts (one L3 kind per rule, HTTP rules only
 * on TCP ports other than 0) and the features the YAML generator rarely reaches are dense here:
 * HTTP rules, named ports, port ranges, protocol ANY, entities, CIDR sets with except, deny rules,
 * enableDefaultDeny, and Kubernetes ipBlocks that cut through pods sharing labels.
 * Fixed seed; CILIUM_OBJECT_RUNS=20000 for a longer run.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { podKey } from '../cluster';
import type {
  CiliumEntity,
  CiliumHttpRule,
  CiliumPolicy,
  Cluster,
  HttpRequest,
  K8sNetworkPolicy,
  K8sPeer,
  PortSpec,
  Protocol,
} from '../model';
import { resolveProbe } from '../probe';
import { formatTrace } from '../trace';
import { ciliumModelDecision, compileCilium } from './ebpf';
import { ciliumReferenceDecision } from './reference';
import {
  ccnp,
  cluster,
  cnp,
  ipBlock,
  knp,
  ns,
  pod,
  ports,
  rule,
  type PortArg,
  type RuleOptions,
} from './testkit';

const RUNS = Number(process.env.CILIUM_OBJECT_RUNS ?? 500);
const NAMESPACES = ['a', 'b'];
const APPS = ['web', 'api', 'db'];
const CONTAINER_PORTS = [
  { name: 'http', port: 80, protocol: 'TCP' as const },
  { name: 'http', port: 8080, protocol: 'TCP' as const },
  { name: 'dns', port: 53, protocol: 'UDP' as const },
  { name: 'metrics', port: 9090, protocol: 'TCP' as const },
];
const EXTERNAL = ['8.8.8.8', '10.9.9.9', '192.168.0.10', '192.168.0.11', '192.168.0.12'];
const PROBE_PORTS: [number, Protocol][] = [
  [80, 'TCP'],
  [8080, 'TCP'],
  [53, 'UDP'],
  [9090, 'TCP'],
  [70, 'TCP'],
  [9000, 'SCTP'],
];
const REQUESTS: HttpRequest[] = [
  { method: 'GET', path: '/' },
  { method: 'GET', path: '/public' },
  { method: 'POST', path: '/api/v1/x', headers: { 'X-Token': 'yes' } },
];

const selector = fc.oneof(
  fc.constant({}),
  fc.constantFrom(...APPS).map((a) => ({ matchLabels: { app: a } })),
  fc.constantFrom(...APPS).map((a) => ({ matchLabels: { 'k8s:app': a } })),
  fc
    .constantFrom(...NAMESPACES)
    .map((n) => ({ matchLabels: { 'k8s:io.kubernetes.pod.namespace': n } })),
  fc.constant({ matchLabels: { 'io.cilium.k8s.policy.serviceaccount': 'robot' } }),
  fc.constant({ matchLabels: { 'io.cilium.k8s.namespace.labels.team': 'red' } }),
  fc.constant({ matchExpressions: [{ key: 'tier', operator: 'Exists' as const }] }),
  fc.constant({ matchLabels: { 'reserved:host': '' } }),
);

const portArg: fc.Arbitrary<PortArg> = fc.oneof(
  fc.constantFrom<PortArg>(80, 8080, 53, 0, 'http', 'dns'),
  fc.constantFrom<PortArg>([80, 'TCP'], [53, 'UDP'], [0, 'TCP'], ['http', 'TCP'], [9000, 'SCTP']),
  fc.constant<PortArg>({ port: 60, endPort: 90, protocol: 'TCP' }),
  fc.constant<PortArg>({ port: 8000, endPort: 8100, protocol: 'ANY' }),
);
const httpRule: fc.Arbitrary<CiliumHttpRule> = fc.oneof(
  fc.constant({ method: 'GET' }),
  fc.constant({ path: '/' }),
  fc.constant({ path: '/api/.*', method: 'POST|PUT' }),
  fc.constant({ headers: ['X-Token: yes'] }),
);
/** A toPorts entry; HTTP rules only on TCP ports that are not 0 (rule_validation.go). */
const portRule = fc.record({
  list: fc.array(portArg, { minLength: 1, maxLength: 2 }),
  http: fc.option(fc.array(httpRule, { minLength: 1, maxLength: 2 }), { nil: undefined }),
});
const httpTcp = fc.record({
  port: fc.constantFrom(80, 8080, 'http'),
  http: fc.array(httpRule, { minLength: 1, maxLength: 2 }),
});

const l3: fc.Arbitrary<RuleOptions> = fc.oneof(
  fc.constant({}),
  fc.array(selector, { minLength: 0, maxLength: 2 }).map((endpoints) => ({ endpoints })),
  fc
    .array(
      fc.constantFrom<string | { cidr: string; except: string[] }>(
        '8.8.8.0/24',
        '10.0.0.0/8',
        '0.0.0.0/0',
        '10.244.0.0/16',
        { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] },
        { cidr: '192.168.0.0/24', except: ['192.168.0.10/32'] },
      ),
      { minLength: 0, maxLength: 2 },
    )
    .map((cidrs) => ({ cidrs })),
  fc
    .subarray<CiliumEntity>(
      ['world', 'cluster', 'host', 'remote-node', 'all', 'world-ipv4', 'health'],
      { maxLength: 2 },
    )
    .map((entities) => ({ entities })),
);

const allowRule = fc
  .record({
    l3,
    toPorts: fc.option(
      fc.oneof(
        portRule.map((p) => [ports(p.http ? p.list.filter(isTcpNonZero) : p.list, p.http)]),
        httpTcp.map((h) => [ports([[h.port, 'TCP']], h.http)]),
      ),
      { nil: undefined },
    ),
  })
  .map(({ l3: l, toPorts }) =>
    rule({ ...l, ...(toPorts && toPorts[0]!.ports.length > 0 ? { toPorts } : {}) }),
  );
const denyRule = fc
  .record({
    l3,
    toPorts: fc.option(
      portRule.map((p) => [ports(p.list)]),
      { nil: undefined },
    ),
  })
  .map(({ l3: l, toPorts }) => rule({ ...l, ...(toPorts ? { toPorts } : {}) }));

function isTcpNonZero(p: PortArg): boolean {
  if (Array.isArray(p)) return p[1] === 'TCP' && p[0] !== 0;
  return false;
}

const ruleList = (r: fc.Arbitrary<ReturnType<typeof rule>>) =>
  fc.option(fc.array(r, { minLength: 0, maxLength: 2 }), { nil: undefined });

const ciliumPolicy = (i: number): fc.Arbitrary<CiliumPolicy> =>
  fc
    .record({
      clusterwide: fc.boolean(),
      namespace: fc.constantFrom(...NAMESPACES),
      endpointSelector: selector,
      ingress: ruleList(allowRule),
      egress: ruleList(allowRule),
      ingressDeny: ruleList(denyRule),
      egressDeny: ruleList(denyRule),
      defaultDeny: fc.option(fc.record({ ingress: fc.boolean(), egress: fc.boolean() }), {
        nil: undefined,
      }),
    })
    .map((p) => {
      const opts = {
        endpointSelector: p.endpointSelector,
        ...(p.ingress ? { ingress: p.ingress } : {}),
        ...(p.egress ? { egress: p.egress } : {}),
        ...(p.ingressDeny ? { ingressDeny: p.ingressDeny } : {}),
        ...(p.egressDeny ? { egressDeny: p.egressDeny } : {}),
        ...(p.defaultDeny ? { enableDefaultDeny: p.defaultDeny } : {}),
      };
      return p.clusterwide ? ccnp(`ccnp-${i}`, opts) : cnp(`${p.namespace}/cnp-${i}`, opts);
    });

const k8sPeer: fc.Arbitrary<K8sPeer> = fc.oneof(
  fc.constantFrom(...APPS).map((a) => ({ podSelector: { matchLabels: { app: a } } })),
  fc.constant({ namespaceSelector: { matchLabels: { team: 'red' } } }),
  fc.constant({ namespaceSelector: {}, podSelector: { matchLabels: { app: 'db' } } }),
  fc.constantFrom(
    ipBlock('10.244.0.0/16', ['10.244.1.0/24']),
    ipBlock('10.244.0.0/28'),
    ipBlock('0.0.0.0/0', ['10.0.0.0/8']),
    ipBlock('192.168.0.0/24', ['192.168.0.11/32']),
    ipBlock('8.8.8.8/32'),
  ),
);
const k8sPort: fc.Arbitrary<PortSpec> = fc.constantFrom<PortSpec>(
  { protocol: 'TCP', port: 80 },
  { protocol: 'TCP', port: 'http' },
  { protocol: 'UDP', port: 'dns' },
  { protocol: 'TCP', port: 60, endPort: 85 },
  { protocol: 'UDP' },
);
const k8sRule = fc.record({
  peers: fc.option(fc.array(k8sPeer, { minLength: 1, maxLength: 2 }), { nil: null }),
  ports: fc.option(fc.array(k8sPort, { minLength: 1, maxLength: 2 }), { nil: null }),
});
const k8sPolicy = (i: number): fc.Arbitrary<K8sNetworkPolicy> =>
  fc
    .record({
      namespace: fc.constantFrom(...NAMESPACES),
      app: fc.option(fc.constantFrom(...APPS), { nil: undefined }),
      types: fc.constantFrom<('ingress' | 'egress')[]>(
        ['ingress'],
        ['egress'],
        ['ingress', 'egress'],
      ),
      ingress: fc.array(k8sRule, { maxLength: 2 }),
      egress: fc.array(k8sRule, { maxLength: 2 }),
    })
    .map((p) =>
      knp(`${p.namespace}/knp-${i}`, {
        podSelector: p.app ? { matchLabels: { app: p.app } } : {},
        policyTypes: p.types,
        ingress: p.ingress,
        egress: p.egress,
      }),
    );

const arbCluster: fc.Arbitrary<Cluster> = fc
  .record({
    pods: fc.array(
      fc.record({
        namespace: fc.constantFrom(...NAMESPACES),
        app: fc.constantFrom(...APPS),
        tier: fc.boolean(),
        node: fc.integer({ min: 0, max: 2 }),
        ports: fc.subarray(CONTAINER_PORTS, { maxLength: 2 }),
        robot: fc.boolean(),
      }),
      { minLength: 2, maxLength: 6 },
    ),
    cilium: fc
      .integer({ min: 0, max: 3 })
      .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => ciliumPolicy(i)))),
    k8s: fc
      .integer({ min: 0, max: 2 })
      .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => k8sPolicy(i)))),
  })
  .map(({ pods, cilium, k8s }) =>
    cluster({
      nodes: 3,
      namespaces: [ns('a', { team: 'red' }), ns('b', { team: 'blue' })],
      pods: pods.map((p, i) =>
        pod(`${p.namespace}/pod-${i}`, {
          labels: { app: p.app, ...(p.tier ? { tier: 'x' } : {}) },
          node: p.node,
          host: 2 + i * 3,
          // Container port names are unique within a pod.
          ports: p.ports.filter((cp, j) => p.ports.findIndex((o) => o.name === cp.name) === j),
          serviceAccount: p.robot ? 'robot' : 'default',
        }),
      ),
      cilium,
      k8s,
    }),
  );

describe('Cilium reference and eBPF model agree on generated objects (property)', () => {
  it('gives the same verdict, redirect and L7 answer for every probe', () => {
    fc.assert(
      fc.property(arbCluster, (c) => {
        const dp = compileCilium(c);
        const keys = c.pods.map(podKey);
        const ends = [...keys.map((pod) => ({ pod })), ...EXTERNAL.map((ip) => ({ ip }))];
        for (const from of ends) {
          for (const to of ends) {
            if (!('pod' in from) && !('pod' in to)) continue;
            if ('pod' in from && 'pod' in to && from.pod === to.pod) continue;
            for (const [port, protocol] of PROBE_PORTS) {
              const variants = protocol === 'TCP' ? [undefined, ...REQUESTS] : [undefined];
              for (const http of variants) {
                const r = resolveProbe(c, { from, to, port, protocol, ...(http ? { http } : {}) });
                if (!r.ok) throw new Error(r.error);
                const ref = ciliumReferenceDecision(c, r.probe);
                const model = ciliumModelDecision(dp, r.probe);
                const same =
                  ref.allowed === model.allowed &&
                  (ref.l7?.redirected ?? false) === (model.l7?.redirected ?? false);
                if (!same) {
                  throw new Error(
                    `disagree on ${JSON.stringify({ from, to, port, protocol, http })}\nreference: ${ref.allowed} ${ref.reason}\nebpf: ${model.allowed} ${model.decidedAt}\n${formatTrace(model.trace).join('\n')}\npolicies: ${JSON.stringify([...c.ciliumPolicies, ...c.k8sPolicies], (k, v) => (k === 'pos' || k === 'ref' ? undefined : v))}\npods: ${c.pods.map((p) => `${podKey(p)} ${p.ip} ${JSON.stringify(p.labels)} ${JSON.stringify(p.ports)}`).join('; ')}`,
                  );
                }
              }
            }
          }
        }
      }),
      { seed: 777, numRuns: RUNS },
    );
  }, 300_000);
});
