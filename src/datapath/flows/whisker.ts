/**
 * Calico's flow logs for a traffic run, as Goldmane aggregates them and Whisker shows them: each
 * node's Felix reports the connection for its local endpoints (reporter Src for the client's
 * egress, Dst for the server's ingress), with the action its policy took and the policy trace,
 * enforced (what the dataplane did) and pending (what it would do with staged policies enforced).
 *
 * Sources (projectcalico/calico v3.32.1):
 * - whisker-backend/pkg/apis/v1/flows.go `FlowResponse`, `PolicyTrace {enforced, pending}`: the
 *   record's field names; whisker-backend/pkg/handlers/v1/protoconvert.go `protoToFlow` (labels
 *   joined with " | ", `pub`/`pvt` shown as PUBLIC NETWORK / PRIVATE NETWORK).
 * - goldmane/proto/api.proto `FlowKey` (source_type, dest_type, dest_service_*), `Flow`
 *   (end_time at least one aggregation interval, 15 s for Whisker's stream, after start_time).
 * - felix/collector/goldmane/client.go `ConvertFlowlogToGoldmane`: aggregated names, the L4
 *   protocol by felix/collector/utils `ProtoToString` (lower case), labels `key=value` sorted.
 * - felix/collector/types/endpoint/endpoint.go `GetMetadata`: a pod's aggregated name is its
 *   GenerateName + `*` (its own name when it has none); an address no endpoint or network set
 *   owns is type Network named `pvt` (RFC 1918) or `pub`, namespace `-`.
 * - felix/collector/collector.go: a side reports only when its rule trace found a verdict
 *   (`EgressRuleTrace.FoundVerdict()` / `IngressRuleTrace.FoundVerdict()`), so two pods on one
 *   node give both reports from one Felix, and a packet its sender's egress policy denies gives
 *   the Src report only. stats.go `MetricUpdate{Egress,Ingress}Conn`: packets_out of the Src
 *   report are the request's, packets_in the reply's; the other way round for Dst.
 */
import { cidr, cidrContains } from '../../engine/cidr';
import { calicoCompileMemo } from '../../engine/calico/compile';
import type { FelixPolicy } from '../../engine/calico/conversion';
import { calicoEndpointLabels, calicoNetworkSetLabels } from '../../engine/calico/labels';
import { podKey } from '../../engine/cluster';
import type { Labels } from '../../engine/labels';
import type { CalicoNetworkSet, Cluster, Pod, Probe } from '../../engine/model';
import type { TraceEvent } from '../../engine/trace';
import { calicoModelDecision } from '../../engine/calico/iptables';
import { resolveProbe } from '../../engine/probe';
import { createEngine, type Engine } from '../../engine/verdict';
import type { CalicoConfig } from '../config';
import { resolvePacket, type ResolvedPacket } from '../packet';
import type { WalkResult } from '../walk';
import type { WalkedConnection } from './types';
import { endpointTraces, type EndpointTrace, type PolicyHit } from './whiskerTrace';

export type { GoldmaneAction, PolicyHit, PolicyKind } from './whiskerTrace';
export { formatPolicyHit } from './whiskerTrace';

/** api.proto `Reporter`: where the flow was measured. */
export type Reporter = 'Src' | 'Dst';

/** api.proto `EndpointType`. */
export type EndpointType = 'WorkloadEndpoint' | 'HostEndpoint' | 'NetworkSet' | 'Network';

export interface CalicoFlowLog {
  /** RFC 3339, whole seconds (Goldmane keeps seconds since the epoch). */
  readonly start_time: string;
  readonly end_time: string;
  /** The action this reporter's policy took (api.proto `FlowKey.action`: Allow or Deny). */
  readonly action: 'Allow' | 'Deny';
  readonly source_name: string;
  readonly source_namespace: string;
  /** `key=value` sorted, joined with ` | ` as whisker-backend joins them. */
  readonly source_labels: string;
  readonly dest_name: string;
  readonly dest_namespace: string;
  readonly dest_labels: string;
  /** `tcp`, `udp`, `icmp`, `sctp`. */
  readonly protocol: string;
  /** After DNAT: a Service's target port on the backend. */
  readonly dest_port: number;
  readonly reporter: Reporter;
  readonly policies: {
    readonly enforced: readonly PolicyHit[];
    readonly pending: readonly PolicyHit[];
  };
  readonly packets_in: number;
  readonly packets_out: number;
  readonly bytes_in: number;
  readonly bytes_out: number;
  // api.proto FlowKey fields the Whisker table does not show.
  readonly source_type: EndpointType;
  readonly dest_type: EndpointType;
  readonly dest_service_name: string;
  readonly dest_service_namespace: string;
  readonly dest_service_port_name: string;
  /** The Service port the client addressed (0 without a Service). */
  readonly dest_service_port: number;
  // PacketWalk's own: the connection the row links back to, and its time in ms.
  readonly connection: number;
  readonly time: number;
}

/** Whisker's flow table columns, in its order (whisker/src/features/flowLogs/components/FlowLogsList/flowLogsTable.tsx). */
export const WHISKER_COLUMNS = [
  'start_time',
  'end_time',
  'action',
  'source_namespace',
  'source_name',
  'dest_namespace',
  'dest_name',
  'protocol',
  'dest_port',
  'reporter',
] as const satisfies readonly (keyof CalicoFlowLog)[];

/** How Whisker's table words the reporter (whisker/src/types/render.ts `ReporterLabels`). */
export const REPORTER_LABELS: Readonly<Record<Reporter, string>> = {
  Src: 'Source',
  Dst: 'Destination',
};

/** Goldmane's aggregation interval for Whisker's stream (api.proto `FlowStreamRequest`). */
export const AGGREGATION_INTERVAL_S = 15;

/**
 * Header bytes of one packet, IPv4 + L4 (TCP 20, UDP 8, ICMP 8, SCTP common header 12): the walks
 * carry no payload, so the byte counters count one bare packet each way.
 */
const PACKET_BYTES: Record<string, number> = { TCP: 40, UDP: 28, ICMP: 28, SCTP: 32 };

const rfc3339 = (seconds: number): string =>
  new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

const labelText = (labels: Labels): string =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join(' | ');

/** endpoint.go `getSubnetType` (RFC 1918 blocks), shown as protoconvert.go `protoToName` shows it. */
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map(cidr);
const networkName = (ip: string): string =>
  PRIVATE.some((c) => cidrContains(c, ip)) ? 'PRIVATE NETWORK' : 'PUBLIC NETWORK';

interface Side {
  readonly name: string;
  readonly namespace: string;
  readonly labels: string;
  readonly type: EndpointType;
}

/** The network set Felix would name an address by: the longest prefix that contains it. */
function networkSetAt(cluster: Cluster, ip: string): CalicoNetworkSet | undefined {
  let best: CalicoNetworkSet | undefined;
  let bestPrefix = -1;
  for (const s of cluster.calicoNetworkSets)
    for (const n of s.nets)
      if (n.prefix > bestPrefix && cidrContains(n, ip)) {
        best = s;
        bestPrefix = n.prefix;
      }
  return best;
}

const podSide = (cluster: Cluster, pod: Pod): Side => ({
  // The model's pods carry no generateName: each is its own aggregate.
  name: pod.name,
  namespace: pod.namespace,
  labels: labelText(calicoEndpointLabels(cluster, pod)),
  type: 'WorkloadEndpoint',
});

function addressSide(cluster: Cluster, ip: string): Side {
  const set = networkSetAt(cluster, ip);
  if (set)
    return {
      name: set.name,
      namespace: set.global || set.namespace === undefined ? '-' : set.namespace,
      labels: labelText(calicoNetworkSetLabels(cluster, set)),
      type: 'NetworkSet',
    };
  return { name: networkName(ip), namespace: '-', labels: '', type: 'Network' };
}

function destSide(cluster: Cluster, p: ResolvedPacket): Side {
  const t = p.target;
  if (t?.kind === 'pod') return podSide(cluster, t.pod);
  return addressSide(cluster, p.dstIP);
}

/** The rule events of the walk's iptables hops; in eBPF mode, the engine's run of the chains. */
function enforcedEvents(engine: Engine, request: WalkResult): readonly TraceEvent[] {
  // The eBPF dataplane's policy program rows carry no events (its hops' events are the few
  // iptables rules Felix keeps in BPF mode): the program is built from the same compiled chains
  // (datapath/calicoFilter.ts), so the model's run of them says what it decided.
  if ((request.config as CalicoConfig).dataplane === 'ebpf')
    return request.probe ? modelTrace(engine, request.probe) : [];
  return request.hops.flatMap((h) => (h.rows ?? []).flatMap((r) => (r.event ? [r.event] : [])));
}

/** The Calico model's run of the compiled chains for the connection (no Cilium work). */
function modelTrace(engine: Engine, probe: Probe): readonly TraceEvent[] {
  const r = resolveProbe(engine.cluster, probe);
  return r.ok ? calicoModelDecision(engine.calico(), r.probe).trace : [];
}

interface PendingWorld {
  readonly engine: Engine;
  /** The Felix policies compiled from staged ones. */
  readonly staged: ReadonlySet<FelixPolicy>;
}

const pendingWorlds = new WeakMap<Cluster, PendingWorld | null>();

/**
 * The cluster with its staged policies enforced, for the pending trace ("Policies that would be
 * enforced if a new connection was initiated now, and staged policies were enforced", whisker
 * PoliciesLogDetails). Null when there is no staged policy: pending is then the enforced policy.
 */
function pendingWorld(cluster: Cluster): PendingWorld | null {
  if (pendingWorlds.has(cluster)) return pendingWorlds.get(cluster)!;
  const wasStaged = new Set<object>();
  const unstage = <T extends { staged: boolean }>(p: T): T => {
    if (!p.staged) return p;
    const copy = { ...p, staged: false };
    wasStaged.add(copy);
    return copy;
  };
  let world: PendingWorld | null = null;
  const calicoPolicies = cluster.calicoPolicies.map(unstage);
  const k8sPolicies = cluster.k8sPolicies.map(unstage);
  if (wasStaged.size > 0) {
    const engine = createEngine({ ...cluster, calicoPolicies, k8sPolicies });
    const memo = calicoCompileMemo(engine.calico());
    const staged = new Set<FelixPolicy>();
    for (const p of wasStaged) {
      const f = memo?.felix.get(p);
      if (f) staged.add(f);
    }
    world = { engine, staged };
  }
  pendingWorlds.set(cluster, world);
  return world;
}

const traceOf = (traces: readonly EndpointTrace[], pod: Pod, direction: 'ingress' | 'egress') =>
  traces.find((t) => t.pod === podKey(pod) && t.direction === direction);

/**
 * The flow logs of one connection's Calico walk: the Src report when the client's egress policy
 * reached a verdict, the Dst report when the server is a pod whose ingress policy did. None when
 * the Calico walk failed or no policy hook saw the packet (a pod talking to itself).
 */
export function calicoFlowLogs(engine: Engine, wc: WalkedConnection): CalicoFlowLog[] {
  const outcome = wc.calico;
  if (!outcome.ok) return [];
  const cluster = engine.cluster;
  const p = resolvePacket(cluster, wc.connection.packet);
  const server = p.target?.kind === 'pod' ? p.target.pod : undefined;

  const dp = engine.calico();
  const enforced = endpointTraces(dp, enforcedEvents(engine, outcome.request), { trigger: 'last' });
  const world = pendingWorld(cluster);
  const probe = outcome.request.probe;
  const pending =
    world && probe
      ? endpointTraces(world.engine.calico(), modelTrace(world.engine, probe), {
          trigger: 'first',
          staged: world.staged,
        })
      : endpointTraces(dp, enforcedEvents(engine, outcome.request), { trigger: 'first' });

  const src = podSide(cluster, p.client);
  const dst = destSide(cluster, p);
  const svc = p.service;
  const bytes = PACKET_BYTES[p.protocol] ?? 40;
  const replied = outcome.reply !== undefined;
  const replyDelivered = outcome.reply?.verdict === 'delivered';
  const startS = Math.floor(wc.time / 1000);
  const base = {
    start_time: rfc3339(startS),
    end_time: rfc3339(startS + AGGREGATION_INTERVAL_S),
    source_name: src.name,
    source_namespace: src.namespace,
    source_labels: src.labels,
    source_type: src.type,
    dest_name: dst.name,
    dest_namespace: dst.namespace,
    dest_labels: dst.labels,
    dest_type: dst.type,
    protocol: p.protocol.toLowerCase(),
    dest_port: p.dport,
    dest_service_name: svc?.service.name ?? '',
    dest_service_namespace: svc?.service.namespace ?? '',
    dest_service_port_name: svc?.port.name ?? '',
    dest_service_port: svc?.port.port ?? 0,
    connection: wc.id,
  };

  const logs: CalicoFlowLog[] = [];
  const report = (
    reporter: Reporter,
    e: EndpointTrace | undefined,
    pend: EndpointTrace | undefined,
    counts: { packets_in: number; packets_out: number },
    time: number,
  ) => {
    if (!e?.action) return;
    logs.push({
      ...base,
      action: e.action,
      reporter,
      policies: { enforced: e.hits, pending: pend?.hits ?? [] },
      ...counts,
      bytes_in: counts.packets_in * bytes,
      bytes_out: counts.packets_out * bytes,
      time,
    });
  };
  report(
    'Src',
    traceOf(enforced, p.client, 'egress'),
    traceOf(pending, p.client, 'egress'),
    { packets_out: 1, packets_in: replyDelivered ? 1 : 0 },
    wc.time,
  );
  if (server)
    report(
      'Dst',
      traceOf(enforced, server, 'ingress'),
      traceOf(pending, server, 'ingress'),
      { packets_in: 1, packets_out: replied ? 1 : 0 },
      wc.time,
    );
  return logs;
}

/** Every connection's flow logs, in connection order (Src before Dst). */
export const calicoRunFlowLogs = (
  engine: Engine,
  connections: readonly WalkedConnection[],
): CalicoFlowLog[] => connections.flatMap((wc) => calicoFlowLogs(engine, wc));

/** Flow logs Goldmane merged: one FlowKey in one aggregation interval. */
export interface AggregatedFlowLog extends Omit<CalicoFlowLog, 'connection' | 'time'> {
  /** The connections merged into the row, ascending: what a click on it opens. */
  readonly connections: readonly number[];
  /** api.proto `Flow.num_connections_started`. */
  readonly num_connections_started: number;
}

type NotKey =
  | 'connection'
  | 'time'
  | 'start_time'
  | 'end_time'
  | 'packets_in'
  | 'packets_out'
  | 'bytes_in'
  | 'bytes_out';
const NOT_KEY = new Set<string>([
  'connection',
  'time',
  'start_time',
  'end_time',
  'packets_in',
  'packets_out',
  'bytes_in',
  'bytes_out',
] satisfies NotKey[]);

/**
 * Goldmane's aggregation (goldmane/pkg/storage: a bucket per interval, one flow per FlowKey in it,
 * counters summed): logs with the same key, reporter, action and policy trace in the same
 * interval become one row, its times the interval's. Intervals are counted from the earliest log
 * (Goldmane counts from its own start). Rows by interval, then by first appearance.
 */
export function aggregateFlowLogs(
  logs: readonly CalicoFlowLog[],
  intervalS: number = AGGREGATION_INTERVAL_S,
): AggregatedFlowLog[] {
  if (!Number.isInteger(intervalS) || intervalS <= 0)
    throw new RangeError(
      `aggregateFlowLogs: the interval must be a whole number of seconds > 0, not ${intervalS}`,
    );
  const origin = Math.min(...logs.map((l) => Math.floor(l.time / 1000)));
  const rows = new Map<
    string,
    { bucket: number; row: AggregatedFlowLog & { connections: number[] } }
  >();
  for (const l of logs) {
    const { connection, time, packets_in, packets_out, bytes_in, bytes_out } = l;
    const key = Object.fromEntries(Object.entries(l).filter(([k]) => !NOT_KEY.has(k))) as Omit<
      CalicoFlowLog,
      NotKey
    >;
    const bucket = Math.floor((Math.floor(time / 1000) - origin) / intervalS);
    const id = `${bucket}|${JSON.stringify(key)}`;
    const found = rows.get(id);
    if (found) {
      const r = found.row;
      if (!r.connections.includes(connection)) r.connections.push(connection);
      found.row = {
        ...r,
        packets_in: r.packets_in + packets_in,
        packets_out: r.packets_out + packets_out,
        bytes_in: r.bytes_in + bytes_in,
        bytes_out: r.bytes_out + bytes_out,
        num_connections_started: r.connections.length,
      };
      continue;
    }
    const start = origin + bucket * intervalS;
    rows.set(id, {
      bucket,
      row: {
        ...key,
        start_time: rfc3339(start),
        end_time: rfc3339(start + intervalS),
        packets_in,
        packets_out,
        bytes_in,
        bytes_out,
        connections: [connection],
        num_connections_started: 1,
      },
    });
  }
  return [...rows.values()]
    .sort((a, b) => a.bucket - b.bucket)
    .map(({ row }) => ({ ...row, connections: [...row.connections].sort((a, b) => a - b) }));
}

/** A row of Whisker's policy table: indices left blank (null) where Whisker blanks them. */
export interface WhiskerPolicyRow extends Omit<PolicyHit, 'policy_index' | 'rule_index'> {
  readonly policy_index: number | null;
  readonly rule_index: number | null;
}

/**
 * The trace as Whisker's flow details list it (whisker/src/features/flowLogs/components/
 * PoliciesLogDetails `transformPolicyLog`): a Profile hit is shown as an EndOfTier of tier
 * `default` without name or indices, an EndOfTier without indices.
 */
export function whiskerPolicyRows(hits: readonly PolicyHit[]): WhiskerPolicyRow[] {
  return hits.map((h) =>
    h.kind === 'Profile'
      ? { ...h, kind: 'EndOfTier', tier: 'default', name: '', policy_index: null, rule_index: null }
      : h.kind === 'EndOfTier'
        ? { ...h, policy_index: null, rule_index: null }
        : h,
  );
}

/**
 * `tier|namespace|name|action` of a hit, the short form (the trigger names an EndOfTier; a
 * profile's tier is `__PROFILE__`).
 */
export function policyHitSummary(h: PolicyHit): string {
  const named = h.kind === 'EndOfTier' && h.trigger ? h.trigger : h;
  // A profile has no tier: Felix labels its hits in tier `__PROFILE__` (formatPolicyHit).
  const tier = h.kind === 'Profile' ? '__PROFILE__' : h.tier;
  return `${tier}|${named.namespace}|${named.name}|${h.action}`;
}
