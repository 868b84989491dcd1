/**
 * The Flows panel's lists, as data (issue 17): Hubble's events grouped into flows (one request or
 * one reply of a connection, as Hubble UI lists them), filtered by `hubble observe` flags; Calico's
 * flow logs filtered by Whisker's fields. Pure, so it is tested without a DOM; FlowsPanel.tsx draws
 * it.
 */
import type { ConnectionRow } from '../datapath/flows/rows';
import type { HubbleEvent, HubbleFlow } from '../datapath/flows/hubbleTypes';
import type { PacketSpec } from '../datapath/packet';

/** One flow of the Hubble list: a connection's request or reply, with its events. */
export interface HubbleFlowRow {
  readonly key: string;
  readonly connection: number;
  readonly walk: 'request' | 'reply';
  /** The first event's time (RFC 3339). */
  readonly time: string;
  /** `ns/pod`, or the address with its reserved identity (`world 1.1.1.1`). */
  readonly source: string;
  readonly destination: string;
  /** The Service the client addressed, `ns/name`, when there was one. */
  readonly service?: string;
  /** `8080/TCP`, `ICMP 8/0`. */
  readonly port: string;
  /** `GET /api/v1/ → 200`, when the proxy saw the request. */
  readonly l7?: string;
  /** FORWARDED or DROPPED: how the flow ended. */
  readonly verdict: 'FORWARDED' | 'DROPPED';
  readonly dropReason?: string;
  readonly events: readonly HubbleEvent[];
  /** Which of `events` the filter matched (all of them without a filter). */
  readonly matched: readonly boolean[];
}

function endpointName(f: HubbleFlow, side: 'source' | 'destination'): string {
  const ep = f[side];
  const ip = side === 'source' ? f.IP.source : f.IP.destination;
  if (ep.pod_name) return `${ep.namespace}/${ep.pod_name}`;
  const reserved = ep.labels.find((l) => l.startsWith('reserved:'));
  return reserved ? `${reserved.slice('reserved:'.length)} ${ip}` : ip;
}

function portOf(f: HubbleFlow): string {
  const l4 = f.l4;
  if (!l4) return '';
  if ('TCP' in l4) return `${l4.TCP.destination_port}/TCP`;
  if ('UDP' in l4) return `${l4.UDP.destination_port}/UDP`;
  if ('SCTP' in l4) return `${l4.SCTP.destination_port}/SCTP`;
  return `ICMP ${l4.ICMPv4.type ?? 0}/${l4.ICMPv4.code ?? 0}`;
}

/**
 * The flows of a run, each with its events; a flow shows when one of its events matches. Each is
 * named as Hubble names its packets: a reply from the server to the client.
 */
export function hubbleFlowRows(
  events: readonly HubbleEvent[],
  matches: ((f: HubbleFlow) => boolean) | null,
): HubbleFlowRow[] {
  const groups = new Map<string, HubbleEvent[]>();
  for (const e of events) {
    const key = `${e.connection}:${e.walk}`;
    const list = groups.get(key);
    if (list) list.push(e);
    else groups.set(key, [e]);
  }
  const rows: HubbleFlowRow[] = [];
  for (const [key, list] of groups) {
    const matched = list.map((e) => (matches ? matches(e.flow) : true));
    if (!matched.some(Boolean)) continue;
    const first = list[0]!.flow;
    // Named as its last event sees it: after a Service's translation, at the pod or the drop.
    const last = list[list.length - 1]!.flow;
    const drop = list.find((e) => e.flow.verdict === 'DROPPED');
    const l7 = list.find((e) => e.flow.l7)?.flow.l7;
    const svc = list.find((e) => e.flow.destination_service)?.flow.destination_service;
    rows.push({
      key,
      connection: list[0]!.connection,
      walk: list[0]!.walk,
      time: first.time,
      source: endpointName(last, 'source'),
      destination: endpointName(last, 'destination'),
      ...(svc ? { service: `${svc.namespace}/${svc.name}` } : {}),
      port: portOf(last),
      ...(l7
        ? { l7: `${l7.http.method} ${l7.http.url}${l7.http.code ? ` → ${l7.http.code}` : ''}` }
        : {}),
      verdict: drop ? 'DROPPED' : 'FORWARDED',
      ...(drop?.flow.drop_reason_desc ? { dropReason: drop.flow.drop_reason_desc } : {}),
      events: list,
      matched,
    });
  }
  return rows;
}

/** Flows by verdict, for the count line. */
export function verdictCounts(rows: readonly { readonly verdict: string }[]): {
  forwarded: number;
  dropped: number;
} {
  let dropped = 0;
  for (const r of rows) if (r.verdict === 'DROPPED' || r.verdict === 'Deny') dropped++;
  return { forwarded: rows.length - dropped, dropped };
}

/** The packet "Walk this packet" sends for a flow: the connection's, as a reply for a reply. */
export function flowPacket(
  rows: readonly ConnectionRow[],
  connection: number,
  walk: 'request' | 'reply',
): PacketSpec | null {
  const row = rows[connection];
  if (!row || row.id !== connection) return null;
  return walk === 'reply' ? { ...row.packet, reply: true } : row.packet;
}

/** A time as the flow tables show it: `10:00:01.250` (UTC, as the run's clock keeps it). */
export function clockTime(rfc3339OrMs: string | number): string {
  const d = new Date(rfc3339OrMs);
  if (Number.isNaN(d.getTime())) return '';
  return d.toISOString().slice(11, 23);
}
