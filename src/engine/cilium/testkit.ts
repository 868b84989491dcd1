/**
 * Builders for Cilium tests: clusters written directly as objects (positions are fake), so the
 * tests do not depend on the YAML loader. Also runs both verdict paths on a probe.
 */
import { cidr } from '../cidr';
import type { LabelSelector, Labels } from '../labels';
import type {
  CiliumCidrRule,
  CiliumEntity,
  CiliumHttpRule,
  CiliumPolicy,
  CiliumPort,
  CiliumPortRule,
  CiliumRule,
  Cluster,
  ClusterNode,
  ContainerPort,
  Decision,
  Direction,
  HttpRequest,
  K8sNetworkPolicy,
  K8sPeer,
  ModelDecision,
  Namespace,
  Pod,
  PortSpec,
  Protocol,
  SourcePos,
} from '../model';
import { resolveProbe } from '../probe';
import { ciliumModelDecision, compileCilium, type CiliumDataplane } from './ebpf';
import { ciliumReferenceDecision } from './reference';

export const POS: SourcePos = { file: 'test.yaml', line: 1, column: 1 };

export function node(index: number): ClusterNode {
  const name = `node-${index}`;
  return {
    ref: { kind: 'Node', name, pos: POS },
    name,
    labels: { 'kubernetes.io/hostname': name },
    internalIP: `192.168.0.${10 + index}`,
    podCIDR: cidr(`10.244.${index}.0/24`),
    assigned: [],
  };
}

export function ns(name: string, labels: Labels = {}): Namespace {
  return {
    ref: { kind: 'Namespace', name, pos: POS },
    name,
    labels: { 'kubernetes.io/metadata.name': name, ...labels },
    implied: false,
  };
}

export interface PodOptions {
  labels?: Labels;
  node?: number;
  /** Last octet of the address in the node's pod CIDR. */
  host: number;
  ports?: ContainerPort[];
  serviceAccount?: string;
}

export function pod(key: string, opts: PodOptions): Pod {
  const [namespace, name] = key.split('/') as [string, string];
  const n = opts.node ?? 0;
  return {
    ref: { kind: 'Pod', namespace, name, pos: POS },
    namespace,
    name,
    labels: opts.labels ?? {},
    nodeName: `node-${n}`,
    ip: `10.244.${n}.${opts.host}`,
    ports: opts.ports ?? [],
    serviceAccount: opts.serviceAccount ?? 'default',
    assigned: [],
  };
}

export interface ClusterParts {
  pods: Pod[];
  namespaces?: Namespace[];
  nodes?: number;
  cilium?: CiliumPolicy[];
  k8s?: K8sNetworkPolicy[];
}

export function cluster(parts: ClusterParts): Cluster {
  const namespaces = new Map((parts.namespaces ?? []).map((n) => [n.name, n]));
  for (const p of parts.pods)
    if (!namespaces.has(p.namespace)) namespaces.set(p.namespace, ns(p.namespace));
  const nodeCount = Math.max(
    parts.nodes ?? 2,
    ...parts.pods.map((p) => Number(p.nodeName.slice(5)) + 1),
  );
  return {
    namespaces: [...namespaces.values()],
    nodes: Array.from({ length: nodeCount }, (_, i) => node(i)),
    pods: parts.pods,
    services: [],
    serviceAccounts: [],
    k8sPolicies: parts.k8s ?? [],
    ciliumPolicies: parts.cilium ?? [],
    calicoPolicies: [],
    calicoTiers: [],
    calicoNetworkSets: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Cilium policies
// ---------------------------------------------------------------------------------------------

export interface RuleOptions {
  endpoints?: LabelSelector[];
  cidrs?: (string | { cidr: string; except: string[] })[];
  entities?: CiliumEntity[];
  toPorts?: CiliumPortRule[];
}

/** One rule; its index is set by the policy builder. Absent options stay `null` (absent). */
export function rule(opts: RuleOptions = {}): Omit<CiliumRule, 'index'> {
  const cidrs: CiliumCidrRule[] | null = opts.cidrs
    ? opts.cidrs.map((c) =>
        typeof c === 'string'
          ? { cidr: cidr(c), except: [] }
          : { cidr: cidr(c.cidr), except: c.except.map((e) => cidr(e)) },
      )
    : null;
  return {
    endpoints: opts.endpoints ?? null,
    cidrs,
    entities: opts.entities ?? null,
    toPorts: opts.toPorts ?? null,
    pos: POS,
  };
}

/** A toPorts entry: `80`, `'http'`, `[53, 'UDP']`, `{ port: 8000, endPort: 8100 }`. */
export type PortArg = number | string | [number | string, Protocol | 'ANY'] | CiliumPort;

export function ports(list: PortArg[], http?: CiliumHttpRule[]): CiliumPortRule {
  return {
    ports: list.map((p): CiliumPort => {
      if (typeof p === 'number' || typeof p === 'string') return { port: p, protocol: 'ANY' };
      if (Array.isArray(p)) return { port: p[0], protocol: p[1] };
      return p;
    }),
    http: http ?? null,
  };
}

export interface CiliumPolicyOptions {
  endpointSelector?: LabelSelector;
  ingress?: Omit<CiliumRule, 'index'>[];
  egress?: Omit<CiliumRule, 'index'>[];
  ingressDeny?: Omit<CiliumRule, 'index'>[];
  egressDeny?: Omit<CiliumRule, 'index'>[];
  enableDefaultDeny?: { ingress?: boolean; egress?: boolean };
}

const indexed = (list?: Omit<CiliumRule, 'index'>[]): CiliumRule[] | null =>
  list ? list.map((r, index) => ({ ...r, index })) : null;

function ciliumPolicy(
  clusterwide: boolean,
  namespace: string | undefined,
  name: string,
  opts: CiliumPolicyOptions,
): CiliumPolicy {
  return {
    dialect: 'cilium',
    ref: {
      kind: clusterwide ? 'CiliumClusterwideNetworkPolicy' : 'CiliumNetworkPolicy',
      ...(namespace ? { namespace } : {}),
      name,
      pos: POS,
    },
    clusterwide,
    ...(namespace ? { namespace } : {}),
    name,
    specIndex: 0,
    endpointSelector: opts.endpointSelector ?? {},
    ingress: indexed(opts.ingress),
    egress: indexed(opts.egress),
    ingressDeny: indexed(opts.ingressDeny),
    egressDeny: indexed(opts.egressDeny),
    ...(opts.enableDefaultDeny ? { enableDefaultDeny: opts.enableDefaultDeny } : {}),
  };
}

export const cnp = (key: string, opts: CiliumPolicyOptions): CiliumPolicy => {
  const [namespace, name] = key.split('/') as [string, string];
  return ciliumPolicy(false, namespace, name, opts);
};

export const ccnp = (name: string, opts: CiliumPolicyOptions): CiliumPolicy =>
  ciliumPolicy(true, undefined, name, opts);

// ---------------------------------------------------------------------------------------------
// Kubernetes NetworkPolicies
// ---------------------------------------------------------------------------------------------

export interface K8sRuleOptions {
  peers?: K8sPeer[] | null;
  ports?: PortSpec[] | null;
}

export function knp(
  key: string,
  opts: {
    podSelector?: LabelSelector;
    policyTypes?: Direction[];
    ingress?: K8sRuleOptions[];
    egress?: K8sRuleOptions[];
  },
): K8sNetworkPolicy {
  const [namespace, name] = key.split('/') as [string, string];
  const toRules = (list: K8sRuleOptions[] = []) =>
    list.map((r, index) => ({ peers: r.peers ?? null, ports: r.ports ?? null, index, pos: POS }));
  const inferred: Direction[] = [
    'ingress',
    ...((opts.egress ?? []).length > 0 ? (['egress'] as const) : []),
  ];
  return {
    dialect: 'k8s',
    ref: { kind: 'NetworkPolicy', namespace, name, pos: POS },
    namespace,
    name,
    podSelector: opts.podSelector ?? {},
    policyTypes: opts.policyTypes ?? inferred,
    policyTypesInferred: opts.policyTypes === undefined,
    ingress: toRules(opts.ingress),
    egress: toRules(opts.egress),
    staged: false,
  };
}

export const ipBlock = (c: string, except: string[] = []): K8sPeer => ({
  ipBlock: { cidr: cidr(c), except: except.map((e) => cidr(e)) },
});

// ---------------------------------------------------------------------------------------------
// Running both paths
// ---------------------------------------------------------------------------------------------

export interface BothPaths {
  readonly reference: Decision;
  readonly model: ModelDecision;
  readonly dp: CiliumDataplane;
}

const compiled = new WeakMap<Cluster, CiliumDataplane>();

/** Judges a probe (`ns/pod` or `ip:a.b.c.d`) with the reference evaluator and the eBPF model. */
export function judge(
  c: Cluster,
  from: string,
  to: string,
  port: number,
  protocol: Protocol = 'TCP',
  http?: HttpRequest,
): BothPaths {
  const end = (s: string) => (s.startsWith('ip:') ? { ip: s.slice(3) } : { pod: s });
  const r = resolveProbe(c, {
    from: end(from),
    to: end(to),
    port,
    protocol,
    ...(http ? { http } : {}),
  });
  if (!r.ok) throw new Error(r.error);
  let dp = compiled.get(c);
  if (!dp) {
    dp = compileCilium(c);
    compiled.set(c, dp);
  }
  return {
    reference: ciliumReferenceDecision(c, r.probe),
    model: ciliumModelDecision(dp, r.probe),
    dp,
  };
}
