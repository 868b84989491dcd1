/**
 * Builders for clusters in tests: short to write, complete enough for every evaluator. Positions are
 * fake (`test.yaml:1:1`); the YAML loader's own tests cover real positions.
 */
import { cidr } from '../engine/cidr';
import type {
  Cluster,
  ClusterNode,
  ContainerPort,
  Direction,
  K8sNetworkPolicy,
  K8sPeer,
  K8sRule,
  Namespace,
  Pod,
  PortSpec,
  Probe,
  Protocol,
  SourcePos,
} from '../engine/model';
import type { LabelSelector, Labels } from '../engine/labels';

export const POS: SourcePos = { file: 'test.yaml', line: 1, column: 1 };

export function node(name: string, index: number): ClusterNode {
  return {
    ref: { kind: 'Node', name, pos: POS },
    name,
    labels: { 'kubernetes.io/hostname': name },
    internalIP: `192.168.0.${10 + index}`,
    podCIDR: cidr(`10.244.${index}.0/24`),
    assigned: [],
  };
}

export function namespace(name: string, labels: Labels = {}): Namespace {
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
  ports?: ContainerPort[];
  serviceAccount?: string;
}

let podCounter = 0;

export function pod(key: string, opts: PodOptions = {}): Pod {
  const [ns, name] = key.split('/') as [string, string];
  const nodeIndex = opts.node ?? 0;
  podCounter++;
  return {
    ref: { kind: 'Pod', namespace: ns, name, pos: POS },
    namespace: ns,
    name,
    labels: opts.labels ?? {},
    nodeName: `node-${nodeIndex}`,
    ip: `10.244.${nodeIndex}.${(podCounter % 250) + 2}`,
    ports: opts.ports ?? [],
    serviceAccount: opts.serviceAccount ?? 'default',
    assigned: [],
  };
}

export interface ClusterParts {
  pods: Pod[];
  namespaces?: Namespace[];
  nodes?: number;
  k8sPolicies?: K8sNetworkPolicy[];
}

/** A cluster from pods; nodes node-0…, and namespaces implied from the pods unless given. */
export function cluster(parts: ClusterParts): Cluster {
  const given = new Map((parts.namespaces ?? []).map((n) => [n.name, n]));
  for (const p of parts.pods)
    if (!given.has(p.namespace)) given.set(p.namespace, namespace(p.namespace));
  const nodeCount = Math.max(
    parts.nodes ?? 1,
    ...parts.pods.map((p) => Number(p.nodeName.slice(5)) + 1),
  );
  return {
    namespaces: [...given.values()],
    nodes: Array.from({ length: nodeCount }, (_, i) => node(`node-${i}`, i)),
    pods: parts.pods,
    services: [],
    serviceAccounts: [],
    k8sPolicies: parts.k8sPolicies ?? [],
    ciliumPolicies: [],
    calicoPolicies: [],
    calicoTiers: [],
    calicoNetworkSets: [],
  };
}

export function rule(
  index: number,
  peers: K8sPeer[] | null,
  ports: PortSpec[] | null = null,
): K8sRule {
  return { peers, ports, index, pos: POS };
}

/** One rule: `peers` is from/to (null = absent or empty), `ports` likewise. */
export interface RuleSpec {
  peers?: K8sPeer[] | null;
  ports?: PortSpec[] | null;
}

export interface K8sPolicyOptions {
  podSelector?: LabelSelector;
  policyTypes?: Direction[];
  ingress?: RuleSpec[];
  egress?: RuleSpec[];
  staged?: boolean;
}

const toRules = (list: RuleSpec[] = []): K8sRule[] =>
  list.map((r, i) => rule(i, r.peers ?? null, r.ports ?? null));

/** A NetworkPolicy; policyTypes default as the API server infers them. */
export function k8sPolicy(key: string, opts: K8sPolicyOptions = {}): K8sNetworkPolicy {
  const [ns, name] = key.split('/') as [string, string];
  const inferred: Direction[] = [
    'ingress',
    ...((opts.egress ?? []).length > 0 ? (['egress'] as const) : []),
  ];
  return {
    dialect: 'k8s',
    ref: { kind: 'NetworkPolicy', namespace: ns, name, pos: POS },
    namespace: ns,
    name,
    podSelector: opts.podSelector ?? {},
    policyTypes: opts.policyTypes ?? inferred,
    policyTypesInferred: opts.policyTypes === undefined,
    ingress: toRules(opts.ingress),
    egress: toRules(opts.egress),
    staged: opts.staged ?? false,
  };
}

export const tcp = (port?: number | string, endPort?: number): PortSpec => ({
  protocol: 'TCP',
  ...(port !== undefined ? { port } : {}),
  ...(endPort !== undefined ? { endPort } : {}),
});
export const port = (protocol: Protocol, p?: number | string): PortSpec => ({
  protocol,
  ...(p !== undefined ? { port: p } : {}),
});

export const probe = (from: string, to: string, p: number, protocol: Protocol = 'TCP'): Probe => ({
  from: from.startsWith('ip:') ? { ip: from.slice(3) } : { pod: from },
  to: to.startsWith('ip:') ? { ip: to.slice(3) } : { pod: to },
  port: p,
  protocol,
});
