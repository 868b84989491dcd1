/**
 * `hubble observe` output for PacketWalk's flows: the compact line (`-o compact`, the default when
 * following) and the JSON line (`-o json`, which is `-o jsonpb` unless the legacy-JSON compat
 * option is set: hubble/cmd/observe/flows.go).
 *
 * Sources: hubble/pkg/printer/printer.go (WriteProtoFlow's CompactOutput format string
 * `"%s%s: %s %s %s %s %s %s %s (%s)\n"`, GetHostNames/Hostname, fmtIdentity, GetFlowType,
 * getVerdict; the default time format is Go's time.StampMilli `Jan _2 15:04:05.000`, in UTC as
 * Timestamp.AsTime gives it), api/v1/observer/observer.proto (GetFlowsResponse: `flow`,
 * `node_name`, `time`), api/v1/flow/flow.pb.json.go (protojson with UseProtoNames).
 * Go's protojson adds random spaces to its output on purpose; PacketWalk prints it without.
 */
import {
  DROP_REASONS,
  POLICY_MATCH_TYPES,
  RESERVED_IDENTITY_NAMES,
  TRACE_POINTS,
  type HubbleFlow,
} from './hubbleTypes';

export interface CompactOptions {
  /** `--print-node-name`: ` [node]` after the time. */
  readonly nodeName?: boolean;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go's time.StampMilli, `Jan _2 15:04:05.000` (`_2`: the day padded with a space). */
export function stampMilli(rfc3339: string): string {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return 'N/A';
  const two = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, '0')}`;
}

/** printer.go GetPorts: TCP, UDP and SCTP ports; none for ICMP. */
function ports(f: HubbleFlow): [string, string] {
  const l4 = f.l4;
  if (!l4) return ['', ''];
  const p = 'TCP' in l4 ? l4.TCP : 'UDP' in l4 ? l4.UDP : 'SCTP' in l4 ? l4.SCTP : null;
  return p ? [String(p.source_port), String(p.destination_port)] : ['', ''];
}

/** printer.go Hostname: `ns/pod`, else `ns/service`, else the address; `:port` unless 0. */
function hostname(ip: string, port: string, ns: string, pod: string, svc: string): string {
  const join = (a: string, b: string) => (a === '' ? b : `${a}/${b}`);
  const host = pod !== '' ? join(ns, pod) : svc !== '' ? join(ns, svc) : ip;
  if (port === '' || port === '0') return host;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** printer.go fmtIdentity: `(world)` for a reserved identity, `(ID:1234)` otherwise. */
export const fmtIdentity = (id: number): string =>
  RESERVED_IDENTITY_NAMES[id] !== undefined ? `(${RESERVED_IDENTITY_NAMES[id]})` : `(ID:${id})`;

/** printer.go GetFlowType. */
export function flowType(f: HubbleFlow): string {
  if (f.l7) return `http-${f.l7.type.toLowerCase()}`;
  const sub = f.event_type.sub_type ?? 0;
  switch (f.event_type.type) {
    case 4: {
      const point = Object.values(TRACE_POINTS).find((p) => p.subType === sub);
      return point ? point.name : String(sub);
    }
    case 1:
      return DROP_REASONS.find((r) => r.code === sub)?.text ?? `${sub}, 0`;
    case 5:
      return `policy-verdict:${POLICY_MATCH_TYPES[f.policy_match_type ?? 0] ?? 'unknown'} ${f.traffic_direction ?? 'TRAFFIC_DIRECTION_UNKNOWN'}`;
    default:
      return 'UNKNOWN';
  }
}

/** printer.go getVerdict: a policy verdict prints ALLOWED / DENIED. */
export function verdictText(f: HubbleFlow): string {
  const pv = f.event_type.type === 5;
  if (pv && (f.verdict === 'FORWARDED' || f.verdict === 'REDIRECTED')) return 'ALLOWED';
  if (pv && (f.verdict === 'DROPPED' || f.verdict === 'ERROR')) return 'DENIED';
  if (pv && f.verdict === 'AUDIT') return 'AUDITED';
  return f.verdict;
}

/** One `hubble observe -o compact` line (without the newline). */
export function compactLine(f: HubbleFlow, opts: CompactOptions = {}): string {
  const [sport, dport] = ports(f);
  const side = (s: 'source' | 'destination') => {
    const svc = s === 'source' ? f.source_service : f.destination_service;
    const ep = f[s];
    const ip = s === 'source' ? f.IP.source : f.IP.destination;
    const port = s === 'source' ? sport : dport;
    return hostname(
      ip,
      port,
      svc?.namespace ?? ep.namespace ?? '',
      ep.pod_name ?? '',
      svc?.name ?? '',
    );
  };
  let src = side('source');
  let dst = side('destination');
  let srcId = fmtIdentity(f.source.identity);
  let dstId = fmtIdentity(f.destination.identity);
  let arrow = '->';
  if (f.is_reply === undefined) arrow = '<>';
  else if (f.is_reply) {
    [src, dst] = [dst, src];
    [srcId, dstId] = [dstId, srcId];
    arrow = '<-';
  }
  const node = opts.nodeName ? ` [${f.node_name}]` : '';
  return `${stampMilli(f.time)}${node}: ${src} ${srcId} ${arrow} ${dst} ${dstId} ${flowType(f)} ${verdictText(f)} (${f.Summary})`;
}

/** flow.proto's declaration order, which protojson follows (protobuf-go order.IndexOrder). */
export const FLOW_ORDER: readonly (keyof HubbleFlow)[] = [
  'time',
  'verdict',
  'drop_reason',
  'IP',
  'l4',
  'source',
  'destination',
  'Type',
  'node_name',
  'l7',
  'reply',
  'event_type',
  'source_service',
  'destination_service',
  'traffic_direction',
  'policy_match_type',
  'trace_observation_point',
  'trace_reason',
  'drop_reason_desc',
  'is_reply',
  'proxy_port',
  'Summary',
];

/** The flow with its keys in flow.proto's order. */
export function orderedFlow(f: HubbleFlow): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of FLOW_ORDER) if (f[k] !== undefined) out[k] = f[k];
  return out;
}

/** One `hubble observe -o json` line: a GetFlowsResponse as jsonpb prints it. */
export function jsonLine(f: HubbleFlow): string {
  return JSON.stringify({ flow: orderedFlow(f), node_name: f.node_name, time: f.time });
}
