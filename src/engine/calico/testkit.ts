/**
 * Builders for Calico test clusters, written as objects (not YAML) so the Calico tests do not
 * depend on the loader. Positions are fake. Defaults follow Calico's: policy `types` inferred from
 * the rules present (libcalico-go/lib/clientv3 defaultPolicyTypesField), tier `default`, and the
 * built-in tiers present as the loader adds them.
 */
import { cidr } from '../cidr';
import type { LabelSelector, Labels } from '../labels';
import type {
  CalicoAction,
  CalicoEntityRule,
  CalicoNetworkSet,
  CalicoPolicy,
  CalicoPort,
  CalicoRule,
  CalicoSelectorSource,
  CalicoTier,
  Cluster,
  ClusterNode,
  ContainerPort,
  Direction,
  K8sNetworkPolicy,
  K8sPeer,
  Namespace,
  Pod,
  PortSpec,
  Probe,
  Protocol,
  ResolvedProbe,
  ServiceAccount,
  SourcePos,
} from '../model';
import { resolveProbe } from '../probe';
import { parseCalicoSelector } from './selector';

export const POS: SourcePos = { file: 'calico-test.yaml', line: 1, column: 1 };

export function sel(text: string): CalicoSelectorSource {
  const r = parseCalicoSelector(text);
  if (!r.ok) throw new Error(`bad selector in test: ${text}: ${r.error}`);
  return { text, canonical: r.selector.canonical, pos: POS };
}

export function namespace(name: string, labels: Labels = {}): Namespace {
  return {
    ref: { kind: 'Namespace', name, pos: POS },
    name,
    labels: { 'kubernetes.io/metadata.name': name, ...labels },
    implied: false,
  };
}

export function node(name: string, internalIP: string, podCIDR: string): ClusterNode {
  return {
    ref: { kind: 'Node', name, pos: POS },
    name,
    labels: { 'kubernetes.io/hostname': name },
    internalIP,
    podCIDR: cidr(podCIDR),
    assigned: [],
  };
}

export interface PodSpec {
  ip: string;
  node?: string;
  labels?: Labels;
  ports?: ContainerPort[];
  serviceAccount?: string;
}

export function pod(key: string, spec: PodSpec): Pod {
  const [ns, name] = key.split('/') as [string, string];
  return {
    ref: { kind: 'Pod', namespace: ns, name, pos: POS },
    namespace: ns,
    name,
    labels: spec.labels ?? {},
    nodeName: spec.node ?? 'node-1',
    ip: spec.ip,
    ports: spec.ports ?? [],
    serviceAccount: spec.serviceAccount ?? 'default',
    assigned: [],
  };
}

export function serviceAccount(key: string, labels: Labels = {}): ServiceAccount {
  const [ns, name] = key.split('/') as [string, string];
  return {
    ref: { kind: 'ServiceAccount', namespace: ns, name, pos: POS },
    namespace: ns,
    name,
    labels,
    implied: false,
  };
}

export interface EntitySpec {
  selector?: string;
  notSelector?: string;
  namespaceSelector?: string;
  nets?: string[];
  notNets?: string[];
  /** Numbers, `"a:b"` ranges or names. */
  ports?: (number | string)[];
  notPorts?: (number | string)[];
  serviceAccounts?: { names?: string[]; selector?: string };
}

function ports(list: (number | string)[] | undefined): CalicoPort[] | undefined {
  return list?.map((p) => {
    if (typeof p === 'number') return { port: p };
    const m = /^(\d+):(\d+)$/.exec(p);
    return m ? { port: Number(m[1]), endPort: Number(m[2]) } : { port: p };
  });
}

function entity(e: EntitySpec = {}): CalicoEntityRule {
  return {
    ...(e.selector !== undefined ? { selector: sel(e.selector) } : {}),
    ...(e.notSelector !== undefined ? { notSelector: sel(e.notSelector) } : {}),
    ...(e.namespaceSelector !== undefined ? { namespaceSelector: sel(e.namespaceSelector) } : {}),
    ...(e.nets ? { nets: e.nets.map((n) => cidr(n)) } : {}),
    ...(e.notNets ? { notNets: e.notNets.map((n) => cidr(n)) } : {}),
    ...(e.ports ? { ports: ports(e.ports)! } : {}),
    ...(e.notPorts ? { notPorts: ports(e.notPorts)! } : {}),
    ...(e.serviceAccounts
      ? {
          serviceAccounts: {
            names: e.serviceAccounts.names ?? [],
            ...(e.serviceAccounts.selector !== undefined
              ? { selector: sel(e.serviceAccounts.selector) }
              : {}),
          },
        }
      : {}),
  };
}

export interface RuleSpec {
  action: CalicoAction;
  protocol?: string;
  notProtocol?: string;
  source?: EntitySpec;
  destination?: EntitySpec;
}

const toRules = (list: RuleSpec[] = []): CalicoRule[] =>
  list.map((r, index) => ({
    action: r.action,
    ...(r.protocol !== undefined ? { protocol: r.protocol } : {}),
    ...(r.notProtocol !== undefined ? { notProtocol: r.notProtocol } : {}),
    source: entity(r.source),
    destination: entity(r.destination),
    index,
    pos: POS,
  }));

export interface CalicoPolicySpec {
  tier?: string;
  order?: number;
  selector?: string;
  namespaceSelector?: string;
  /** Absent: Calico's defaulting (ingress unless only egress rules; both when both). */
  types?: Direction[];
  ingress?: RuleSpec[];
  egress?: RuleSpec[];
  staged?: boolean;
}

/** `ns/name` makes a NetworkPolicy, a bare name a GlobalNetworkPolicy. */
export function calicoPolicy(key: string, spec: CalicoPolicySpec = {}): CalicoPolicy {
  const global = !key.includes('/');
  const [ns, name] = global ? [undefined, key] : (key.split('/') as [string, string]);
  const nIn = spec.ingress?.length ?? 0;
  const nEg = spec.egress?.length ?? 0;
  const inferred: Direction[] =
    nEg === 0 ? ['ingress'] : nIn === 0 ? ['egress'] : ['ingress', 'egress'];
  const kind = `${spec.staged ? 'Staged' : ''}${global ? 'GlobalNetworkPolicy' : 'NetworkPolicy'}`;
  return {
    dialect: 'calico',
    ref: { kind, ...(ns ? { namespace: ns } : {}), name, pos: POS },
    global,
    ...(ns ? { namespace: ns } : {}),
    name,
    tier: spec.tier ?? 'default',
    ...(spec.order !== undefined ? { order: spec.order } : {}),
    selector: sel(spec.selector ?? ''),
    ...(spec.namespaceSelector !== undefined
      ? { namespaceSelector: sel(spec.namespaceSelector) }
      : {}),
    types: spec.types ?? inferred,
    typesInferred: spec.types === undefined,
    ingress: toRules(spec.ingress),
    egress: toRules(spec.egress),
    staged: spec.staged ?? false,
  };
}

export function tier(
  name: string,
  order?: number,
  defaultAction: 'Deny' | 'Pass' = 'Deny',
): CalicoTier {
  return {
    ref: { kind: 'Tier', name, pos: POS },
    name,
    ...(order !== undefined ? { order } : {}),
    defaultAction,
    builtIn: false,
  };
}

const BUILT_IN: CalicoTier[] = [
  { ...tier('kube-admin', 1000, 'Pass'), builtIn: true },
  { ...tier('default', 1_000_000, 'Deny'), builtIn: true },
  { ...tier('kube-baseline', 10_000_000, 'Pass'), builtIn: true },
];

/** `ns/name` makes a NetworkSet, a bare name a GlobalNetworkSet. */
export function networkSet(key: string, labels: Labels, nets: string[]): CalicoNetworkSet {
  const global = !key.includes('/');
  const [ns, name] = global ? [undefined, key] : (key.split('/') as [string, string]);
  return {
    ref: {
      kind: global ? 'GlobalNetworkSet' : 'NetworkSet',
      ...(ns ? { namespace: ns } : {}),
      name,
      pos: POS,
    },
    global,
    ...(ns ? { namespace: ns } : {}),
    name,
    labels,
    nets: nets.map((n) => cidr(n)),
  };
}

export interface K8sRuleSpec {
  peers?: K8sPeer[] | null;
  ports?: PortSpec[] | null;
}

export function k8sPolicy(
  key: string,
  spec: {
    podSelector?: LabelSelector;
    policyTypes?: Direction[];
    ingress?: K8sRuleSpec[];
    egress?: K8sRuleSpec[];
    staged?: boolean;
  } = {},
): K8sNetworkPolicy {
  const [ns, name] = key.split('/') as [string, string];
  const rules = (list: K8sRuleSpec[] = []) =>
    list.map((r, index) => ({ peers: r.peers ?? null, ports: r.ports ?? null, index, pos: POS }));
  return {
    dialect: 'k8s',
    ref: {
      kind: spec.staged ? 'StagedKubernetesNetworkPolicy' : 'NetworkPolicy',
      namespace: ns,
      name,
      pos: POS,
    },
    namespace: ns,
    name,
    podSelector: spec.podSelector ?? {},
    policyTypes: spec.policyTypes ?? [
      'ingress',
      ...((spec.egress ?? []).length > 0 ? (['egress'] as const) : []),
    ],
    policyTypesInferred: spec.policyTypes === undefined,
    ingress: rules(spec.ingress),
    egress: rules(spec.egress),
    staged: spec.staged ?? false,
  };
}

export interface ClusterSpec {
  pods: Pod[];
  namespaces?: Namespace[];
  nodes?: ClusterNode[];
  serviceAccounts?: ServiceAccount[];
  calicoPolicies?: CalicoPolicy[];
  k8sPolicies?: K8sNetworkPolicy[];
  tiers?: CalicoTier[];
  networkSets?: CalicoNetworkSet[];
}

export const NODES = [
  node('node-1', '192.168.1.10', '10.244.1.0/24'),
  node('node-2', '192.168.1.11', '10.244.2.0/24'),
];

export function cluster(spec: ClusterSpec): Cluster {
  const namespaces = new Map((spec.namespaces ?? []).map((n) => [n.name, n]));
  for (const p of spec.pods)
    if (!namespaces.has(p.namespace)) namespaces.set(p.namespace, namespace(p.namespace));
  const tiers = [
    ...BUILT_IN.filter((b) => !(spec.tiers ?? []).some((t) => t.name === b.name)),
    ...(spec.tiers ?? []),
  ];
  tiers.sort((a, b) => (a.order ?? Infinity) - (b.order ?? Infinity) || (a.name < b.name ? -1 : 1));
  return {
    namespaces: [...namespaces.values()],
    nodes: spec.nodes ?? NODES,
    pods: spec.pods,
    services: [],
    serviceAccounts: spec.serviceAccounts ?? [],
    k8sPolicies: spec.k8sPolicies ?? [],
    ciliumPolicies: [],
    calicoPolicies: spec.calicoPolicies ?? [],
    calicoTiers: tiers,
    calicoNetworkSets: spec.networkSets ?? [],
  };
}

/** `ns/pod` or `ip:a.b.c.d`. */
export function probe(
  c: Cluster,
  from: string,
  to: string,
  port: number,
  protocol: Protocol = 'TCP',
): ResolvedProbe {
  const ep = (s: string) => (s.startsWith('ip:') ? { ip: s.slice(3) } : { pod: s });
  const p: Probe = { from: ep(from), to: ep(to), port, protocol };
  const r = resolveProbe(c, p);
  if (!r.ok) throw new Error(r.error);
  return r.probe;
}
