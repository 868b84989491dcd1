/** The Cilium model's public shapes: identities, ipcache entries, endpoints, policy maps, proxy
 * rules, the compiled dataplane and its lookup index, and the reserved identity numbers. */
import type { Cidr } from '../../cidr';
import type { CiliumHttpRule, Direction, Protocol } from '../../model';

export type IdentityScope = 'reserved' | 'cluster' | 'local';

export interface CiliumIdentity {
  readonly id: number;
  /** Printed as `cilium identity list` prints them: `k8s:app=web`, `reserved:host`. */
  readonly labels: readonly string[];
  readonly scope: IdentityScope;
}

export interface IpcacheEntry {
  /** `10.244.1.5/32`. */
  readonly prefix: string;
  readonly identity: number;
  /** For a pod: its node, whose address is the tunnel endpoint in the other nodes' ipcaches. */
  readonly hostNode?: string;
  readonly hostNodeIP?: string;
  /** Set for entries only that node's ipcache holds this way (node addresses differ per node). */
  readonly node?: string;
}

/** IP protocol numbers as the policy key holds them; 0 = ANY. */
export const PROTO_NUMBER: Readonly<Record<Protocol | 'ANY', number>> = {
  ANY: 0,
  TCP: 6,
  UDP: 17,
  SCTP: 132,
};

export interface PolicyMapEntry {
  /** Remote identity; 0 = ANY (the L4-only wildcard). */
  readonly identity: number;
  readonly direction: Direction;
  /** 0 (ANY), 6, 17 or 132. */
  readonly proto: number;
  /** The first port of the prefix; 0 when the port is wildcarded. */
  readonly port: number;
  /** Bits of protocol+port that must match: 0 (ANY), 8 (protocol, any port), 9..24 (port prefix). */
  readonly prefixLen: number;
  readonly deny: boolean;
  /** The proxy listener's port when the entry redirects to the proxy, else 0. */
  readonly proxyPort: number;
  readonly proxyPortPriority: number;
  /** The rules the entry comes from (`CiliumNetworkPolicy shop/x spec.ingress[0]`). */
  readonly derivedFrom: readonly string[];
}

export interface CiliumEndpoint {
  /** Node-local endpoint ID (PacketWalk keeps them unique cluster-wide). */
  readonly id: number;
  /** `ns/pod`. */
  readonly pod: string;
  readonly node: string;
  readonly ip: string;
  readonly identity: number;
  /** `cilium_policy_v2_01234`. */
  readonly mapName: string;
  readonly enforced: Readonly<Record<Direction, boolean>>;
  /** The policies that put the endpoint's directions under enforcement. */
  readonly enforcedBy: Readonly<Record<Direction, readonly string[]>>;
}

/** What Cilium tells Envoy for one port of one endpoint (a PortNetworkPolicyRule). */
export interface ProxyPolicyRule {
  readonly direction: Direction;
  readonly proto: number;
  /** Port range; 0-65535 for the port-0 (L3-only) rules Envoy checks after the port's own. */
  readonly fromPort: number;
  readonly toPort: number;
  /** Remote identities; empty with `anyRemote` for a wildcard selector. */
  readonly remotes: readonly number[];
  readonly anyRemote: boolean;
  /** null: every request allowed. */
  readonly http: readonly CiliumHttpRule[] | null;
  readonly origin: string;
}

export interface CiliumDataplane {
  readonly identities: readonly CiliumIdentity[];
  /** Entries every node's ipcache holds alike, then the node-address entries of each node. */
  readonly ipcache: readonly IpcacheEntry[];
  readonly endpoints: readonly CiliumEndpoint[];
  /** Endpoint ID -> its policy map, sorted as `cilium bpf policy get` sorts. */
  readonly policyMaps: ReadonlyMap<number, readonly PolicyMapEntry[]>;
  /** Endpoint ID -> the L7 policy Envoy holds for it. */
  readonly proxyPolicies: ReadonlyMap<number, readonly ProxyPolicyRule[]>;
  /** Listener name -> proxy port (`cilium-http-ingress`, `cilium-http-egress`). */
  readonly proxyPorts: Readonly<Record<string, number>>;
  readonly nodes: readonly string[];
  /** Lookup structures (not for display). */
  readonly index: DataplaneIndex;
}

export interface DataplaneIndex {
  readonly endpointByPod: ReadonlyMap<string, CiliumEndpoint>;
  readonly identityById: ReadonlyMap<number, CiliumIdentity>;
  /** node name -> address -> identity, for node addresses. */
  readonly nodeAddresses: ReadonlyMap<string, ReadonlyMap<string, number>>;
  readonly podAddresses: ReadonlyMap<string, IpcacheEntry>;
  /** CIDR prefixes, longest first. */
  readonly prefixes: readonly { readonly cidr: Cidr; readonly entry: IpcacheEntry }[];
  readonly nodeIPs: ReadonlyMap<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Reserved identities (pkg/identity/numericidentity.go)
// ---------------------------------------------------------------------------------------------

export const ID_ANY = 0;
export const ID_HOST = 1;
export const ID_WORLD = 2;
export const ID_REMOTE_NODE = 6;
/** Proxy listeners (pkg/proxy/proxyports `defaultProxyPortMap`). Cilium picks a free port at random
 * in proxy-portrange 10000-20000 (pkg/proxy/cell.go); PacketWalk derives a stable one. */
export const LISTENERS = { ingress: 'cilium-http-ingress', egress: 'cilium-http-egress' } as const;
