/**
 * The engine's data model: a cluster and its policies in the three dialects, normalised from the
 * manifests by engine/parse/. Every object keeps where it came from (file, line, column) so any
 * verdict or error can point back at the YAML the user wrote.
 *
 * Conventions:
 * - `null` means "absent in the manifest" where the spec gives absent and empty different meanings;
 *   `[]` means "present but empty". The comment on each field says what each means.
 * - IPs are IPv4 dotted quads (IPv6 is out of scope for now); CIDRs are parsed `Cidr` values.
 * - All data is plain and structured-cloneable (no classes, no functions), so a `Cluster` crosses the
 *   worker boundary as is.
 */
import type { Cidr } from './cidr';
import type { LabelSelector, Labels } from './labels';
import type { TraceEvent } from './trace';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];
/**
 * What a probe can carry: a port protocol, or ICMP (IPv4), which has no ports but a type and a code.
 * Manifests' port clauses stay `Protocol`: no port clause of any dialect names ICMP.
 */
export type ProbeProtocol = Protocol | 'ICMP';
export const PROBE_PROTOCOLS: readonly ProbeProtocol[] = ['TCP', 'UDP', 'SCTP', 'ICMP'];
/** An ICMP header's type and code (RFC 792: 8/0 echo request, 0/0 echo reply, 3/x unreachable). */
export interface IcmpTypeCode {
  readonly type: number;
  readonly code: number;
}

/** ICMP echo request (type 8, code 0): what `ping` sends, and the default ICMP probe. */
export const ECHO_REQUEST: IcmpTypeCode = { type: 8, code: 0 };

export type Direction = 'ingress' | 'egress';
export type Cni = 'calico' | 'cilium';

/** A place in a manifest file; line and column are 1-based. */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Identifies a Kubernetes object in messages: `NetworkPolicy shop/allow-frontend`. */
export interface ObjectRef {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly pos: SourcePos;
}

export const formatRef = (ref: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>): string =>
  `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;

// ---------------------------------------------------------------------------------------------
// Cluster objects
// ---------------------------------------------------------------------------------------------

export interface Namespace {
  readonly ref: ObjectRef;
  readonly name: string;
  /** Includes `kubernetes.io/metadata.name: <name>`, which the API server sets on every namespace. */
  readonly labels: Labels;
  /** True when no Namespace object was given and the engine created it from a pod's namespace. */
  readonly implied: boolean;
}

export interface ClusterNode {
  readonly ref: ObjectRef;
  readonly name: string;
  readonly labels: Labels;
  /** The InternalIP address. */
  readonly internalIP: string;
  /** `spec.podCIDR`: the range this node's pods get addresses from. */
  readonly podCIDR: Cidr;
  /** Fields the engine filled in because the manifest lacked them (each also gave a warning). */
  readonly assigned: readonly ('node' | 'internalIP' | 'podCIDR')[];
}

export interface ContainerPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
}

export interface Pod {
  readonly ref: ObjectRef;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly nodeName: string;
  readonly ip: string;
  readonly ports: readonly ContainerPort[];
  /** `spec.serviceAccountName`, `default` when absent. */
  readonly serviceAccount: string;
  readonly assigned: readonly ('nodeName' | 'ip')[];
}

export interface ServicePort {
  readonly name?: string;
  readonly port: number;
  /** A number, or the name of a container port. Defaults to `port`. */
  readonly targetPort: number | string;
  readonly protocol: Protocol;
}

export interface Service {
  readonly ref: ObjectRef;
  readonly namespace: string;
  readonly name: string;
  readonly clusterIP: string;
  /** `null` when the Service has no selector (its endpoints are managed by hand). */
  readonly selector: Labels | null;
  readonly ports: readonly ServicePort[];
  readonly assigned: readonly 'clusterIP'[];
}

export interface ServiceAccount {
  readonly ref: ObjectRef;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  /** True when no ServiceAccount object was given and a pod refers to it (e.g. `default`). */
  readonly implied: boolean;
}

// ---------------------------------------------------------------------------------------------
// Kubernetes NetworkPolicy (networking.k8s.io/v1)
// ---------------------------------------------------------------------------------------------

/** A port clause of any dialect: a number or a name, an optional range end, a protocol. */
export interface PortSpec {
  readonly protocol: Protocol;
  /** Absent = every port of the protocol. A string is a named port. */
  readonly port?: number | string;
  readonly endPort?: number;
}

export interface IPBlock {
  readonly cidr: Cidr;
  readonly except: readonly Cidr[];
}

/** One entry of `from` / `to`. Exactly one of the shapes the spec allows. */
export interface K8sPeer {
  /** Present alone: pods in the policy's namespace. With namespaceSelector: AND. */
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: IPBlock;
}

export interface K8sRule {
  /** `from`/`to`: `null` when absent or empty (both mean every peer), else the peers, ORed. */
  readonly peers: readonly K8sPeer[] | null;
  /** `ports`: `null` when absent or empty (both mean every port), else the ports, ORed. */
  readonly ports: readonly PortSpec[] | null;
  /** Where the rule is in the manifest, and its index in the list, for explanations. */
  readonly index: number;
  readonly pos: SourcePos;
}

export interface K8sNetworkPolicy {
  readonly dialect: 'k8s';
  readonly ref: ObjectRef;
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: LabelSelector;
  /** After defaulting: the API server sets `[Ingress]`, plus `Egress` when `egress` is non-empty. */
  readonly policyTypes: readonly Direction[];
  readonly policyTypesInferred: boolean;
  readonly ingress: readonly K8sRule[];
  readonly egress: readonly K8sRule[];
  /** Set for `StagedKubernetesNetworkPolicy` (Calico): shown, never enforced. */
  readonly staged: boolean;
}

// ---------------------------------------------------------------------------------------------
// Cilium (cilium.io/v2 CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy)
// ---------------------------------------------------------------------------------------------

export const CILIUM_ENTITIES = [
  'all',
  'world',
  'world-ipv4',
  'world-ipv6',
  'cluster',
  'host',
  'remote-node',
  'kube-apiserver',
  'health',
  'init',
  'unmanaged',
  'ingress',
] as const;
export type CiliumEntity = (typeof CILIUM_ENTITIES)[number];

export interface CiliumPort {
  /** 0 = every port. A string is a named port. */
  readonly port: number | string;
  readonly endPort?: number;
  /** `ANY` (the default) covers TCP, UDP and SCTP. */
  readonly protocol: Protocol | 'ANY';
}

export interface CiliumHttpRule {
  /** Extended POSIX regular expressions matched against the whole value. Absent = any. */
  readonly method?: string;
  readonly path?: string;
  readonly host?: string;
  /** `Name: value` or just `Name` (must be present). */
  readonly headers?: readonly string[];
  readonly headerMatches?: readonly { readonly name: string; readonly value?: string }[];
}

export interface CiliumPortRule {
  readonly ports: readonly CiliumPort[];
  /** `rules.http`: `null` when absent (L3/L4 only). An empty list allows every request. */
  readonly http: readonly CiliumHttpRule[] | null;
}

export interface CiliumCidrRule {
  readonly cidr: Cidr;
  readonly except: readonly Cidr[];
}

/**
 * One ingress/egress (or deny) rule. L3 fields are ORed with each other and ANDed with `toPorts`.
 * Each is `null` when absent. A rule with no L3 field but `toPorts` applies to every peer; a rule
 * with neither (`{}`) selects nothing.
 */
export interface CiliumRule {
  /** fromEndpoints / toEndpoints. */
  readonly endpoints: readonly LabelSelector[] | null;
  /** fromCIDR + fromCIDRSet (toCIDR + toCIDRSet), merged. */
  readonly cidrs: readonly CiliumCidrRule[] | null;
  readonly entities: readonly CiliumEntity[] | null;
  readonly toPorts: readonly CiliumPortRule[] | null;
  /**
   * `icmps`: `null` when absent, else the ICMP types the rule allows (IPv4 fields only; IPv6 fields
   * are dropped with a warning). Like `toPorts` it is ANDed with the L3 fields; a rule may not have
   * both (pkg/policy/api/rule_validation.go).
   */
  readonly icmps?: readonly number[] | null;
  readonly index: number;
  readonly pos: SourcePos;
}

export interface CiliumPolicy {
  readonly dialect: 'cilium';
  readonly ref: ObjectRef;
  readonly clusterwide: boolean;
  /** The policy's namespace; undefined for clusterwide policies. */
  readonly namespace?: string;
  readonly name: string;
  /** Index of this spec within `specs` (a CNP may hold several), 0 for `spec`. */
  readonly specIndex: number;
  readonly endpointSelector?: LabelSelector;
  /** Clusterwide only: selects nodes (host firewall) instead of endpoints. */
  readonly nodeSelector?: LabelSelector;
  /** Each list is `null` when the field is absent, `[]` when present but empty. */
  readonly ingress: readonly CiliumRule[] | null;
  readonly egress: readonly CiliumRule[] | null;
  readonly ingressDeny: readonly CiliumRule[] | null;
  readonly egressDeny: readonly CiliumRule[] | null;
  /** `spec.enableDefaultDeny` (Cilium ≥1.15); undefined fields follow the default. */
  readonly enableDefaultDeny?: { readonly ingress?: boolean; readonly egress?: boolean };
}

// ---------------------------------------------------------------------------------------------
// Calico (projectcalico.org/v3)
// ---------------------------------------------------------------------------------------------

export type CalicoAction = 'Allow' | 'Deny' | 'Pass' | 'Log';

/** A parsed Calico selector: its source text, its canonical form, and the AST (selector.ts). */
export interface CalicoSelectorSource {
  readonly text: string;
  readonly canonical: string;
  readonly pos: SourcePos;
}

export interface CalicoServiceAccountMatch {
  readonly names: readonly string[];
  /** A selector over the service account's labels. */
  readonly selector?: CalicoSelectorSource;
}

/** A rule's `source` or `destination`. Absent fields match everything. */
export interface CalicoEntityRule {
  readonly selector?: CalicoSelectorSource;
  readonly notSelector?: CalicoSelectorSource;
  readonly namespaceSelector?: CalicoSelectorSource;
  readonly nets?: readonly Cidr[];
  readonly notNets?: readonly Cidr[];
  /** Numbers, `"a:b"` ranges (as PortSpec with endPort) and named ports. */
  readonly ports?: readonly CalicoPort[];
  readonly notPorts?: readonly CalicoPort[];
  readonly serviceAccounts?: CalicoServiceAccountMatch;
}

export interface CalicoPort {
  readonly port: number | string;
  readonly endPort?: number;
}

/** `icmp: {type, code}`; `{}` (neither set) matches every ICMP packet, as Felix writes no match. */
export interface CalicoIcmpMatch {
  readonly type?: number;
  readonly code?: number;
}

export interface CalicoRule {
  readonly action: CalicoAction;
  /** `protocol`: a name (TCP/UDP/SCTP/ICMP…) or number; absent = any. */
  readonly protocol?: string;
  readonly notProtocol?: string;
  /** `icmp` / `notICMP`: a type, and optionally a code (a code needs a type). */
  readonly icmp?: CalicoIcmpMatch;
  readonly notICMP?: CalicoIcmpMatch;
  readonly source: CalicoEntityRule;
  readonly destination: CalicoEntityRule;
  readonly index: number;
  readonly pos: SourcePos;
}

export interface CalicoPolicy {
  readonly dialect: 'calico';
  readonly ref: ObjectRef;
  /** NetworkPolicy is namespaced; GlobalNetworkPolicy is not. */
  readonly global: boolean;
  readonly namespace?: string;
  /** The name as written, and the tier it belongs to (`default` unless prefixed/`spec.tier`). */
  readonly name: string;
  readonly tier: string;
  /** `undefined` = unset: sorts after every set order. */
  readonly order?: number;
  readonly selector: CalicoSelectorSource;
  /** GlobalNetworkPolicy only: selects endpoints by their namespace's labels. */
  readonly namespaceSelector?: CalicoSelectorSource;
  /** `spec.serviceAccountSelector`: ANDed with `selector`, over the pod's service account labels. */
  readonly serviceAccountSelector?: CalicoSelectorSource;
  /** After Calico's defaulting (see the parser for the rule). */
  readonly types: readonly Direction[];
  readonly typesInferred: boolean;
  readonly ingress: readonly CalicoRule[];
  readonly egress: readonly CalicoRule[];
  /** Staged(Global)NetworkPolicy: shown, never enforced. */
  readonly staged: boolean;
}

export interface CalicoTier {
  readonly ref: ObjectRef;
  readonly name: string;
  /** `undefined` = unset: after every set order. */
  readonly order?: number;
  readonly defaultAction: 'Deny' | 'Pass';
  /** True for the built-in tiers the engine adds when the manifests do not define them. */
  readonly builtIn: boolean;
}

export interface CalicoNetworkSet {
  readonly ref: ObjectRef;
  readonly global: boolean;
  readonly namespace?: string;
  readonly name: string;
  readonly labels: Labels;
  readonly nets: readonly Cidr[];
}

export type Policy = K8sNetworkPolicy | CiliumPolicy | CalicoPolicy;

// ---------------------------------------------------------------------------------------------
// The cluster and diagnostics
// ---------------------------------------------------------------------------------------------

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  readonly severity: Severity;
  readonly message: string;
  readonly pos: SourcePos;
  /** The object the problem is in (`NetworkPolicy shop/allow-frontend`), when known. */
  readonly object?: string;
  /** The field path, e.g. `spec.ingress[0].from[1].ipBlock.cidr`. */
  readonly field?: string;
  /** Set when the diagnostic says a CNI ignores the object. */
  readonly ignoredBy?: Cni;
  /** Set on lint warnings (engine/lint.ts): the check that found it. */
  readonly lint?: string;
  /** The lesson step that teaches the point (`#/lessons/<id>/<n>`), for lint warnings. */
  readonly lesson?: { readonly href: string; readonly title: string };
}

export const formatDiagnostic = (d: Diagnostic): string =>
  `${d.pos.file}:${d.pos.line}:${d.pos.column}: ${d.severity}: ${d.object ? `${d.object}: ` : ''}${
    d.field ? `${d.field}: ` : ''
  }${d.message}`;

export interface Cluster {
  readonly namespaces: readonly Namespace[];
  readonly nodes: readonly ClusterNode[];
  readonly pods: readonly Pod[];
  readonly services: readonly Service[];
  readonly serviceAccounts: readonly ServiceAccount[];
  readonly k8sPolicies: readonly K8sNetworkPolicy[];
  readonly ciliumPolicies: readonly CiliumPolicy[];
  readonly calicoPolicies: readonly CalicoPolicy[];
  /** Every tier in evaluation order, built-in ones included. */
  readonly calicoTiers: readonly CalicoTier[];
  readonly calicoNetworkSets: readonly CalicoNetworkSet[];
}

export interface LoadResult {
  readonly cluster: Cluster;
  /** Errors make the load unusable as a whole; warnings (assignments, ignored objects) do not. */
  readonly diagnostics: readonly Diagnostic[];
}

// ---------------------------------------------------------------------------------------------
// Probes and verdicts
// ---------------------------------------------------------------------------------------------

export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  readonly host?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What a probe's `from`/`to` names: a pod, or an address (`ip:a.b.c.d`). */
export type ProbeEndpoint = { readonly pod: string } | { readonly ip: string };

export interface Probe {
  readonly from: ProbeEndpoint;
  readonly to: ProbeEndpoint;
  /** The destination port; ignored (and 0 once resolved) for ICMP. */
  readonly port: number;
  readonly protocol: ProbeProtocol;
  /** ICMP only: the type and code (default 8/0, an echo request). */
  readonly icmp?: IcmpTypeCode;
  readonly http?: HttpRequest;
}

/** A probe endpoint after resolution against the cluster. */
export type Peer =
  | { readonly kind: 'pod'; readonly pod: Pod }
  /** A node's InternalIP. */
  | { readonly kind: 'node'; readonly node: ClusterNode }
  /** Any other address: outside the cluster. */
  | { readonly kind: 'external'; readonly ip: string };

export interface ResolvedProbe {
  readonly src: Peer;
  readonly dst: Peer;
  readonly srcIP: string;
  readonly dstIP: string;
  /** 0 for ICMP. */
  readonly port: number;
  readonly protocol: ProbeProtocol;
  /** Set exactly when `protocol` is ICMP. */
  readonly icmp?: IcmpTypeCode;
  readonly http?: HttpRequest;
}

/** The verdict of one direction at one endpoint. */
export interface DirectionVerdict {
  readonly direction: Direction;
  /** `ns/pod` the direction was judged at. */
  readonly endpoint: string;
  readonly allowed: boolean;
  /** One plain sentence: what decided, and why. */
  readonly reason: string;
  /** The deciding policy (`formatRef`) and rule (`spec.ingress[0]`), when a policy decided. */
  readonly policy?: string;
  readonly rule?: string;
}

export interface L7Verdict {
  /** The request was redirected to the proxy (Envoy) because an L7 rule covers the port. */
  readonly redirected: boolean;
  /** Judged only when the probe carries an HTTP request. */
  readonly allowed?: boolean;
  /** 403 when the proxy refuses the request. */
  readonly status?: number;
  readonly reason: string;
}

export interface Decision {
  readonly allowed: boolean;
  /** The whole verdict in one or two plain sentences. */
  readonly reason: string;
  readonly egress?: DirectionVerdict;
  readonly ingress?: DirectionVerdict;
  readonly l7?: L7Verdict;
  /** Surprises worth a sentence (an empty-looking rule that denies, a tier end that denies…). */
  readonly notes: readonly string[];
}

/** A compiled model's decision: the same, plus where in the dataplane it was decided and the cost. */
export interface ModelDecision extends Decision {
  /** iptables: `cali-tw-cali1a2b3c4d5e6 rule 7: -j DROP "End of tier default…"`; eBPF: map/key. */
  readonly decidedAt: string;
  /** Rules tested (iptables) or map lookups (eBPF). */
  readonly cost: number;
  /** Every chain rule tested or map lookup made, in order, as data (engine/trace.ts prints it). */
  readonly trace: readonly TraceEvent[];
}
