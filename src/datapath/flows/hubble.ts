/**
 * The events Hubble would record for one connection of a traffic run, read off the Cilium walks of
 * its request and reply: trace events where the packet passes one of the datapath's observation
 * points, policy verdicts where an endpoint's policy decided the connection, a drop with its code,
 * and the L7 flow Envoy logs for an HTTP request it judged.
 *
 * Endpoints as pkg/hubble/parser/common/endpoint.go resolves them: the endpoint ID only for an
 * endpoint on the observing node; identity, namespace and pod from the ipcache; the identity's
 * labels, sorted; cluster_name from its io.cilium.k8s.policy.cluster label.
 *
 * Where the datapath emits what (cilium 1.18, read at the mirror's HEAD):
 * - bpf/bpf_lxc.c: TRACE_FROM_LXC (from-endpoint) when cil_from_container starts, with
 *   TRACE_REASON_UNKNOWN; TRACE_TO_STACK when it passes the packet to the stack; TRACE_TO_NETWORK
 *   after a successful fib_redirect (BPF host routing); TRACE_TO_LXC (to-endpoint) and
 *   TRACE_TO_PROXY in the ingress policy program, with the conntrack reason.
 * - bpf/lib/encap.h: TRACE_TO_OVERLAY before the packet is handed to cilium_vxlan/cilium_geneve.
 * - bpf/bpf_overlay.c: TRACE_FROM_OVERLAY in cil_from_overlay (reason unknown).
 * - bpf/bpf_host.c: TRACE_FROM_NETWORK in cil_from_netdev, TRACE_TO_NETWORK in cil_to_netdev.
 * - bpf/bpf_wireguard.c: TRACE_FROM_CRYPTO in cil_from_wireguard, which pkg/option/config.go
 *   NeedIngressOnWireGuardDevice attaches only without tunnelling.
 * - bpf/lib/policy_log.h + pkg/endpoint/bpf.go GetPolicyVerdictLogFilter: a policy verdict per
 *   direction whose policy is enabled, for the first packet of a connection.
 * - bpf/lib/policy.h: the match type from the deciding entry (its identity and prefix length).
 * - pkg/hubble/parser/threefour/parser.go: verdicts (drop: DROPPED; trace: FORWARDED; policy
 *   verdict: DROPPED if negative, REDIRECTED if a proxy port, else FORWARDED), is_reply (from a
 *   known trace reason; false for a forwarded policy verdict; unknown for drops), traffic direction
 *   (decodeTrafficDirection), Summary (`TCP Flags: SYN`).
 * - pkg/envoy/accesslog.go + pkg/hubble/parser/seven: a denied request is one REQUEST record with
 *   verdict DROPPED (no code: decodeHTTP sets code on responses only); summary `HTTP/1.1 GET url`.
 */
import { podKey } from '../../engine/cluster';
import { CLUSTER_LABEL } from '../../engine/cilium/labels';
import { ipcacheLookup } from '../../engine/cilium/ebpf/lookup';
import type { CiliumDataplane } from '../../engine/cilium/ebpf';
import type { Cluster } from '../../engine/model';
import { isPolicyLookup } from '../../engine/trace';
import type { Engine } from '../../engine/verdict';
import { ciliumPolicy, type CiliumPolicyView, type CiliumSide } from '../ciliumPolicy';
import type { CiliumConfig } from '../config';
import type { Hop, PacketHeader } from '../hop';
import type { WalkResult } from '../walk';
import {
  DROP_REASONS,
  MESSAGE_TYPES,
  TRACE_POINTS,
  type HubbleEndpoint,
  type HubbleEvent,
  type HubbleFlow,
  type HubbleL4,
  type TraceObservationPoint,
  type TrafficDirection,
} from './hubbleTypes';
import type { WalkedConnection } from './types';

export * from './hubbleTypes';

/** protojson's Timestamp: UTC, fraction of 0, 3, 6 or 9 digits as the nanoseconds need. */
export function protoTime(ms: number, micros = 0): string {
  const iso = new Date(Math.floor(ms)).toISOString(); // 2026-12-03T09:00:00.123Z
  const base = iso.slice(0, 19);
  const milli = iso.slice(20, 23);
  if (micros > 0) return `${base}.${milli}${String(micros).padStart(3, '0')}Z`;
  return milli === '000' ? `${base}Z` : `${base}.${milli}Z`;
}

interface Ctx {
  readonly cluster: Cluster;
  readonly dp: CiliumDataplane;
  readonly config: CiliumConfig;
}

/** The endpoint Hubble resolves for an address seen on `node` (threefour parser ResolveEndpoint). */
function endpointAt(ctx: Ctx, node: string, ip: string): HubbleEndpoint {
  // pkg/hubble/parser/common/labels.go SortAndFilterLabels: sorted as strings.
  const labelsOf = (id: number) => [...(ctx.dp.index.identityById.get(id)?.labels ?? [])].sort();
  // endpoint.go: cluster_name is the value of the identity's io.cilium.k8s.policy.cluster label.
  const clusterOf = (labels: readonly string[]) => {
    const l = labels.find((x) => x.startsWith(`k8s:${CLUSTER_LABEL}=`));
    return l ? { cluster_name: l.slice(`k8s:${CLUSTER_LABEL}=`.length) } : {};
  };
  const pod = ctx.cluster.pods.find((p) => p.ip === ip);
  if (pod) {
    const ep = ctx.dp.index.endpointByPod.get(podKey(pod));
    const identity = ep?.identity ?? ipcacheLookup(ctx.dp, node, ip).identity;
    const labels = labelsOf(identity);
    return {
      ...(ep && ep.node === node ? { ID: ep.id } : {}),
      identity,
      ...clusterOf(labels),
      namespace: pod.namespace,
      labels,
      pod_name: pod.name,
    };
  }
  const identity = ipcacheLookup(ctx.dp, node, ip).identity;
  const labels = labelsOf(identity);
  return { identity, ...clusterOf(labels), labels };
}

/** The Service whose frontend is this address and port (Hubble's serviceGetter.GetServiceByAddr). */
function serviceAt(cluster: Cluster, ip: string, port: number | undefined, proto: string) {
  const svc = cluster.services.find(
    (s) => s.clusterIP === ip && s.ports.some((p) => p.port === port && p.protocol === proto),
  );
  return svc ? { name: svc.name, namespace: svc.namespace } : undefined;
}

/**
 * gopacket's ICMPv4TypeCode.String() (google/gopacket layers/icmp4.go, which Hubble's threefour
 * parser uses for the Summary): the type's name, and the code's name for the types that name
 * their codes; `Type(Code: n)` for a code it does not name; `t(c)` for an unknown type.
 */
const UNREACHABLE_CODES = [
  'Net',
  'Host',
  'Protocol',
  'Port',
  'FragmentationNeeded',
  'SourceRoutingFailed',
  'NetUnknown',
  'HostUnknown',
  'SourceIsolated',
  'NetAdminProhibited',
  'HostAdminProhibited',
  'NetTOS',
  'HostTOS',
  'CommAdminProhibited',
  'HostPrecedence',
  'PrecedenceCutoff',
];
const ICMP_TYPES: Readonly<Record<number, { name: string; codes?: readonly string[] }>> = {
  0: { name: 'EchoReply' },
  3: { name: 'DestinationUnreachable', codes: UNREACHABLE_CODES },
  4: { name: 'SourceQuench' },
  5: { name: 'Redirect', codes: ['Net', 'Host', 'TOS+Net', 'TOS+Host'] },
  8: { name: 'EchoRequest' },
  9: { name: 'RouterAdvertisement' },
  10: { name: 'RouterSolicitation' },
  11: { name: 'TimeExceeded', codes: ['TTLExceeded', 'FragmentReassemblyTimeExceeded'] },
  12: { name: 'ParameterProblem', codes: ['PointerIndicatesError', 'MissingOption', 'BadLength'] },
  13: { name: 'TimestampRequest' },
  14: { name: 'TimestampReply' },
  15: { name: 'InfoRequest' },
  16: { name: 'InfoReply' },
  17: { name: 'AddressMaskRequest' },
  18: { name: 'AddressMaskReply' },
};

export function icmpv4TypeCode(type: number, code: number): string {
  const t = ICMP_TYPES[type];
  if (!t) return `${type}(${code})`;
  if (!t.codes) return code === 0 ? t.name : `${t.name}(Code: ${code})`;
  const name = t.codes[code];
  return name ? `${t.name}(${name})` : `${t.name}(Code: ${code})`;
}

/** The transport part of a flow and its Summary, as threefour's decodeLayers gives them. */
function l4Of(
  h: PacketHeader,
  tcpFlags: 'SYN' | 'SYN, ACK' | null,
): { l4?: HubbleL4; summary: string } {
  const ports = { source_port: h.sport ?? 0, destination_port: h.dport ?? 0 };
  switch (h.proto) {
    case 'TCP':
      return {
        l4: {
          TCP: {
            ...ports,
            ...(tcpFlags
              ? { flags: tcpFlags === 'SYN' ? { SYN: true } : { SYN: true, ACK: true } }
              : {}),
          },
        },
        summary: tcpFlags ? `TCP Flags: ${tcpFlags}` : 'TCP',
      };
    case 'UDP':
    case 'VXLAN':
    case 'Geneve':
    case 'WireGuard':
      // Tunnels and WireGuard travel in UDP; gopacket stops at the UDP layer.
      return { l4: { UDP: ports }, summary: 'UDP' };
    case 'SCTP':
      return { l4: { SCTP: ports }, summary: 'SCTP' };
    case 'ICMP': {
      const { type, code } = h.icmp ?? { type: 8, code: 0 };
      return {
        l4: { ICMPv4: { ...(type ? { type } : {}), ...(code ? { code } : {}) } },
        summary: `ICMPv4 ${icmpv4TypeCode(type, code)}`,
      };
    }
    default:
      return { summary: 'IPv4' };
  }
}

interface Point {
  readonly point: TraceObservationPoint;
  /** Which header the event captures: the pod's packet, or the outermost on the wire. */
  readonly header: 'inner' | 'outer';
  /** Whether the datapath passes a conntrack reason (so Hubble knows is_reply and direction). */
  readonly side?: 'sender' | 'receiver';
}

/** The observation point a hop passes, from its stage and structured place (never its prose). */
function tracePoint(hops: readonly Hop[], i: number, ctx: Ctx, reply: boolean): Point | null {
  const h = hops[i]!;
  const layer = h.place.layer;
  const prev = hops[i - 1];
  const next = hops[i + 1];
  switch (h.stage) {
    case 'egress-hook':
      if (layer === 'lxc-ebpf') return { point: 'FROM_ENDPOINT', header: 'inner' };
      if (layer === 'eth0' && h.place.hook === 'tc')
        return { point: 'TO_NETWORK', header: 'outer' };
      return null;
    case 'encapsulation':
      return layer === 'tunnel' ? { point: 'TO_OVERLAY', header: 'inner', side: 'sender' } : null;
    case 'ingress-hook':
      if (layer === 'tunnel') return { point: 'FROM_OVERLAY', header: 'inner' };
      if (layer === 'eth0' && h.place.hook === 'tc')
        return { point: 'FROM_NETWORK', header: 'outer' };
      if (
        layer === 'wireguard' &&
        (ctx.config.routing === 'native' || ctx.config.routing === 'eni')
      )
        return { point: 'FROM_CRYPTO', header: 'outer' };
      return null;
    case 'routing':
      if (layer === 'cilium-host' && prev?.place.layer === 'lxc-ebpf')
        return { point: 'TO_STACK', header: 'inner', side: 'sender' };
      if (
        layer === 'lxc-ebpf' &&
        h.place.hook === 'route' &&
        next !== undefined &&
        (next.place.node === null || next.place.layer === 'eth0')
      )
        return { point: 'TO_NETWORK', header: 'inner', side: 'sender' };
      return null;
    case 'egress-policy':
    case 'ingress-policy':
      // The L4 entry redirected the connection: the SYN goes to Envoy even if Envoy then refuses
      // the HTTP request.
      if (layer === 'proxy')
        return {
          point: 'TO_PROXY',
          header: 'inner',
          side: h.stage === 'egress-policy' ? 'sender' : 'receiver',
        };
      return null;
    case 'delivered':
      if (layer === 'cilium-host') return { point: 'TO_STACK', header: 'inner', side: 'sender' };
      // Hairpin (a Service sending the client back to itself) never leaves the pod in the walk.
      if (h.place.hook === 'pod' && !(reply === false && h.place.id === hops[0]?.place.id))
        return { point: 'TO_ENDPOINT', header: 'inner', side: 'receiver' };
      return null;
    default:
      return null;
  }
}

const inner = (h: Hop): PacketHeader => h.headers[h.headers.length - 1]!;
const outer = (h: Hop): PacketHeader => h.headers[0]!;

const flip = (d: TrafficDirection): TrafficDirection => (d === 'EGRESS' ? 'INGRESS' : 'EGRESS');

/** bpf/lib/policy.h: the match type from the deciding entry's identity and prefix length. */
export function policyMatchType(side: CiliumSide): number {
  const d = side.deciding;
  if (!isPolicyLookup(d) || !d.value) return 0;
  const len = d.value.prefixLen;
  if (d.key.identity !== 0) return len > 8 ? 2 : len > 0 ? 5 : 1;
  return len === 0 ? 4 : len <= 8 ? 6 : 3;
}

type Emit = (hop: number, flow: HubbleFlow) => void;

/**
 * The fields every event of a hop shares: time, addresses, ports, endpoints, Services, node and
 * Summary. Key order does not matter: the JSON printer writes flow.proto's order.
 */
function baseFlow(
  ctx: Ctx,
  hop: Hop,
  header: PacketHeader,
  flags: 'SYN' | 'SYN, ACK' | null,
  time: string,
) {
  const { l4, summary } = l4Of(header, flags);
  const sourceService = serviceAt(ctx.cluster, header.src, header.sport, header.proto);
  const destinationService = serviceAt(ctx.cluster, header.dst, header.dport, header.proto);
  return {
    time,
    IP: { source: header.src, destination: header.dst, ipVersion: 'IPv4' as const },
    ...(l4 ? { l4 } : {}),
    source: endpointAt(ctx, hop.node, header.src),
    destination: endpointAt(ctx, hop.node, header.dst),
    node_name: hop.node,
    ...(sourceService ? { source_service: sourceService } : {}),
    ...(destinationService ? { destination_service: destinationService } : {}),
    Summary: summary,
  };
}

/** Events of one walk (the request's or the reply's). */
function walkEvents(
  ctx: Ctx,
  w: WalkResult,
  reply: boolean,
  policy: CiliumPolicyView | null,
  http: { method: string; path: string; host?: string } | undefined,
  clock: () => string,
  emit: Emit,
): void {
  const hops = w.hops;
  const flags = reply ? ('SYN, ACK' as const) : ('SYN' as const);
  let passedIngressPolicy = false;
  hops.forEach((hop, i) => {
    if (hop.node === '' || hop.place.node === null) return;
    const point = tracePoint(hops, i, ctx, reply);
    if (point) {
      const header = point.header === 'inner' ? inner(hop) : outer(hop);
      const b = baseFlow(ctx, hop, header, header.proto === 'TCP' ? flags : null, clock());
      const known = point.side !== undefined;
      const dir: TrafficDirection | undefined = known
        ? reply
          ? flip(point.side === 'sender' ? 'EGRESS' : 'INGRESS')
          : point.side === 'sender'
            ? 'EGRESS'
            : 'INGRESS'
        : undefined;
      emit(i, {
        ...b,
        verdict: 'FORWARDED',
        Type: 'L3_L4',
        ...(known && reply ? { reply: true as const } : {}),
        event_type: { type: MESSAGE_TYPES.trace, ...subType(TRACE_POINTS[point.point].subType) },
        ...(dir ? { traffic_direction: dir } : {}),
        trace_observation_point: point.point,
        ...(known ? { trace_reason: reply ? ('REPLY' as const) : ('NEW' as const) } : {}),
        ...(known ? { is_reply: reply } : {}),
        ...(point.point === 'TO_PROXY' && proxyPort(hop, policy)
          ? { proxy_port: proxyPort(hop, policy) }
          : {}),
      });
    }
    if (!reply && policy && (hop.stage === 'egress-policy' || hop.stage === 'ingress-policy')) {
      const direction = hop.stage === 'egress-policy' ? 'egress' : 'ingress';
      const side = policy[direction];
      const isLookupHop = (hop.rows ?? []).some((r) => r.event && isPolicyLookup(r.event));
      if (direction === 'ingress' && isLookupHop) passedIngressPolicy = true;
      if (side && isLookupHop && side.endpoint.enforced[direction]) {
        const header = inner(hop);
        const b = baseFlow(ctx, hop, header, header.proto === 'TCP' ? 'SYN' : null, clock());
        const drop = side.allowed ? undefined : policy.drop;
        const reason = drop ? DROP_REASONS.find((r) => r.code === drop.code) : undefined;
        const match = policyMatchType(side);
        emit(i, {
          ...b,
          verdict: !side.allowed ? 'DROPPED' : side.proxyPort ? 'REDIRECTED' : 'FORWARDED',
          ...(drop ? { drop_reason: drop.code } : {}),
          Type: 'L3_L4',
          event_type: { type: MESSAGE_TYPES['policy-verdict'] },
          traffic_direction: direction === 'egress' ? 'EGRESS' : 'INGRESS',
          ...(match ? { policy_match_type: match } : {}),
          ...(reason ? { drop_reason_desc: reason.name } : {}),
          ...(side.allowed ? { is_reply: false } : {}),
        });
      }
    }
    if (!reply && hop.place.layer === 'proxy' && http && hop.stage !== 'dropped') {
      const denied = hops[i + 1]?.stage === 'dropped';
      const header = inner(hop);
      const host = http.host ?? `${header.dst}:${header.dport}`;
      const url = `http://${host}${http.path}`;
      const b = baseFlow(ctx, hop, header, null, clock());
      const l7 = {
        type: 'REQUEST' as const,
        http: { method: http.method, url, protocol: 'HTTP/1.1' },
      };
      emit(i, {
        ...b,
        verdict: denied ? 'DROPPED' : 'FORWARDED',
        Type: 'L7',
        l7,
        event_type: { type: MESSAGE_TYPES.l7 },
        traffic_direction: hop.stage === 'egress-policy' ? 'EGRESS' : 'INGRESS',
        is_reply: false,
        Summary: `HTTP/1.1 ${http.method} ${url}`,
      });
    }
    if (hop.stage === 'dropped' && hop.place.layer === 'lxc-ebpf') {
      const code = dropCode(w, policy);
      const reason = DROP_REASONS.find((r) => r.code === code);
      if (!reason) return;
      const header = inner(hop);
      const b = baseFlow(ctx, hop, header, header.proto === 'TCP' ? flags : null, clock());
      emit(i, {
        ...b,
        verdict: 'DROPPED',
        drop_reason: reason.code,
        Type: 'L3_L4',
        event_type: { type: MESSAGE_TYPES.drop, sub_type: reason.code },
        // decodeTrafficDirection: the drop happened at the packet's source endpoint or not.
        traffic_direction: passedIngressPolicy ? 'INGRESS' : 'EGRESS',
        drop_reason_desc: reason.name,
      });
    }
  });
}

/** The proxy port of the side whose proxy hop this is (bpf_lxc.c passes it with TRACE_TO_PROXY). */
const proxyPort = (hop: Hop, policy: CiliumPolicyView | null): number | undefined =>
  policy?.[hop.stage === 'egress-policy' ? 'egress' : 'ingress']?.proxyPort;

const subType = (n: number) => (n === 0 ? {} : { sub_type: n });

/** The drop's code: the model's DropEvent for a policy drop, else the code the walk names. */
function dropCode(w: WalkResult, policy: CiliumPolicyView | null): number | undefined {
  if (policy?.drop && w.dropReason?.startsWith(policy.drop.reason)) return policy.drop.code;
  const m = /\((\d+)\)/.exec(w.dropReason ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * The events Hubble would emit for the Cilium walks of a connection, request first, then the
 * reply when there is one, each linked to the connection and the hop it came from. Empty when the
 * Cilium walk failed (the connection's `cilium.ok` is false).
 */
export function hubbleFlows(engine: Engine, wc: WalkedConnection): HubbleEvent[] {
  const outcome = wc.cilium;
  if (!outcome.ok) return [];
  const ctx: Ctx = {
    cluster: engine.cluster,
    dp: engine.cilium(),
    config: outcome.request.config as CiliumConfig,
  };
  const probe = outcome.request.probe;
  const policy = probe ? ciliumPolicy(engine.cluster, ctx.dp, probe) : null;
  const out: HubbleEvent[] = [];
  const run = (w: WalkResult, reply: boolean, start: number) => {
    let micros = 0;
    const clock = () => protoTime(start, ++micros);
    walkEvents(ctx, w, reply, policy, wc.connection.packet.http, clock, (hop, flow) =>
      out.push({ connection: wc.id, walk: reply ? 'reply' : 'request', hop, flow }),
    );
  };
  run(outcome.request, false, wc.time);
  if (outcome.reply) run(outcome.reply, true, wc.replyTime);
  return out;
}

/** The verdict a connection's events add up to: DROPPED if any event dropped it. */
export function hubbleConnectionVerdict(events: readonly HubbleEvent[]): 'FORWARDED' | 'DROPPED' {
  return events.some((e) => e.walk === 'request' && e.flow.verdict === 'DROPPED')
    ? 'DROPPED'
    : 'FORWARDED';
}
