/**
 * Hubble's flow record as `hubble observe -o jsonpb` prints it: the shape of `flow.Flow` in
 * cilium api/v1/flow/flow.proto, with protojson's spelling (hubble's generated flow.pb.json.go
 * marshals with `UseProtoNames: true`, so fields keep the .proto names: `IP`, `l4`, `Type`,
 * `drop_reason_desc`, `Summary`…; enums print as their names, zero values are left out, a set
 * `google.protobuf.BoolValue` prints even when false, uint64 prints as a string).
 *
 * The numbers behind the names come from cilium pkg/monitor/api/types.go (message types, trace
 * observation points, policy match types), pkg/monitor/api/drop.go (drop reasons) and
 * pkg/identity/numericidentity.go (reserved identities).
 */

/** flow.proto `enum Verdict` (without VERDICT_UNKNOWN). */
export const VERDICTS = [
  'FORWARDED',
  'DROPPED',
  'ERROR',
  'AUDIT',
  'REDIRECTED',
  'TRACED',
  'TRANSLATED',
] as const;
export type HubbleVerdict = (typeof VERDICTS)[number];

/**
 * flow.proto `enum TraceObservationPoint` and the datapath's `enum trace_point` (bpf/lib/trace.h),
 * which is what `event_type.sub_type` carries; the name `hubble observe --type trace:<name>` takes
 * (pkg/monitor/api/types.go TraceObservationPoints).
 */
export const TRACE_POINTS = {
  TO_ENDPOINT: { subType: 0, name: 'to-endpoint' },
  TO_PROXY: { subType: 1, name: 'to-proxy' },
  TO_HOST: { subType: 2, name: 'to-host' },
  TO_STACK: { subType: 3, name: 'to-stack' },
  TO_OVERLAY: { subType: 4, name: 'to-overlay' },
  FROM_ENDPOINT: { subType: 5, name: 'from-endpoint' },
  FROM_PROXY: { subType: 6, name: 'from-proxy' },
  FROM_HOST: { subType: 7, name: 'from-host' },
  FROM_STACK: { subType: 8, name: 'from-stack' },
  FROM_OVERLAY: { subType: 9, name: 'from-overlay' },
  FROM_NETWORK: { subType: 10, name: 'from-network' },
  TO_NETWORK: { subType: 11, name: 'to-network' },
  FROM_CRYPTO: { subType: 12, name: 'from-crypto' },
  TO_CRYPTO: { subType: 13, name: 'to-crypto' },
} as const;
export type TraceObservationPoint = keyof typeof TRACE_POINTS;

/** pkg/monitor/api/types.go: MessageType* numbers and the names `--type` takes. */
export const MESSAGE_TYPES = {
  drop: 1,
  debug: 2,
  capture: 3,
  trace: 4,
  'policy-verdict': 5,
  recorder: 6,
  'trace-sock': 7,
  l7: 129,
  agent: 130,
} as const;

/**
 * The drop reasons PacketWalk's Cilium walk ends in: code (the datapath's DROP_* value, which is
 * `event_type.sub_type` and `drop_reason`), flow.proto `enum DropReason` name (`drop_reason_desc`,
 * what `--drop-reason-desc` takes) and pkg/monitor/api/drop.go's text (the compact TYPE column).
 */
export const DROP_REASONS: readonly { code: number; name: string; text: string }[] = [
  { code: 133, name: 'POLICY_DENIED', text: 'Policy denied' },
  { code: 158, name: 'SERVICE_BACKEND_NOT_FOUND', text: 'Service backend not found' },
  { code: 181, name: 'POLICY_DENY', text: 'Policy denied by denylist' },
];

/** pkg/monitor/api/types.go PolicyMatchType String(). */
export const POLICY_MATCH_TYPES: Readonly<Record<number, string>> = {
  0: 'none',
  1: 'L3-Only',
  2: 'L3-L4',
  3: 'L4-Only',
  4: 'all',
  5: 'L3-Proto',
  6: 'Proto-Only',
};

/** pkg/identity/numericidentity.go reservedIdentityNames (what the printer shows in parentheses). */
export const RESERVED_IDENTITY_NAMES: Readonly<Record<number, string>> = {
  1: 'host',
  2: 'world',
  3: 'unmanaged',
  4: 'health',
  5: 'init',
  6: 'remote-node',
  7: 'kube-apiserver',
  8: 'ingress',
  9: 'world-ipv4',
  10: 'world-ipv6',
};

export type TrafficDirection = 'INGRESS' | 'EGRESS';

/** flow.proto `message Endpoint`. */
export interface HubbleEndpoint {
  /** The endpoint ID; only for an endpoint local to the node that observed the event. */
  readonly ID?: number;
  readonly identity: number;
  /** The identity's `io.cilium.k8s.policy.cluster` label (pkg/hubble/parser/common/endpoint.go). */
  readonly cluster_name?: string;
  readonly namespace?: string;
  /** The identity's labels as Cilium prints them: `k8s:app=api`, `reserved:world`. */
  readonly labels: readonly string[];
  readonly pod_name?: string;
}

export interface TcpFlags {
  readonly SYN?: true;
  readonly ACK?: true;
}

/** flow.proto `message Layer4` (a oneof: exactly one key). */
export type HubbleL4 =
  | {
      readonly TCP: {
        readonly source_port: number;
        readonly destination_port: number;
        readonly flags?: TcpFlags;
      };
    }
  | { readonly UDP: { readonly source_port: number; readonly destination_port: number } }
  | { readonly SCTP: { readonly source_port: number; readonly destination_port: number } }
  | { readonly ICMPv4: { readonly type?: number; readonly code?: number } };

/** flow.proto `message Layer7` with its `http` record. */
export interface HubbleL7 {
  readonly type: 'REQUEST' | 'RESPONSE';
  /** uint64: protojson prints it as a string. */
  readonly latency_ns?: string;
  readonly http: {
    readonly code?: number;
    readonly method: string;
    readonly url: string;
    readonly protocol: string;
  };
}

/** flow.proto `message Flow`, the fields PacketWalk fills, in the .proto's order. */
export interface HubbleFlow {
  /** RFC 3339 in UTC, as protojson prints a Timestamp. */
  readonly time: string;
  readonly verdict: HubbleVerdict;
  /** Deprecated in flow.proto but still set by the parser (the drop code). */
  readonly drop_reason?: number;
  readonly IP: {
    readonly source: string;
    readonly destination: string;
    readonly ipVersion: 'IPv4';
  };
  readonly l4?: HubbleL4;
  readonly source: HubbleEndpoint;
  readonly destination: HubbleEndpoint;
  readonly Type: 'L3_L4' | 'L7';
  readonly node_name: string;
  readonly l7?: HubbleL7;
  /** Deprecated mirror of is_reply (threefour/parser.go sets it from is_reply). */
  readonly reply?: true;
  readonly event_type: { readonly type: number; readonly sub_type?: number };
  readonly source_service?: { readonly name: string; readonly namespace: string };
  readonly destination_service?: { readonly name: string; readonly namespace: string };
  readonly traffic_direction?: TrafficDirection;
  readonly policy_match_type?: number;
  readonly trace_observation_point?: TraceObservationPoint;
  readonly trace_reason?: 'NEW' | 'REPLY';
  readonly drop_reason_desc?: string;
  /** A BoolValue: absent when the datapath does not know (drops, traces before conntrack). */
  readonly is_reply?: boolean;
  /** The proxy's port, on to-proxy traces (threefour/parser.go decodeProxyPort). */
  readonly proxy_port?: number;
  /** Deprecated in flow.proto, still printed: the compact line's last column. */
  readonly Summary: string;
}

/**
 * One Hubble event and where it came from (outside flow.proto's shape): the connection of the
 * traffic run, which walk (the request or its reply) and the index of the hop in that walk.
 */
export interface HubbleEvent {
  readonly connection: number;
  readonly walk: 'request' | 'reply';
  readonly hop: number;
  readonly flow: HubbleFlow;
}
