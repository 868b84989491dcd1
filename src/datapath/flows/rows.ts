/**
 * A traffic run in the small: per connection what both CNIs did, without the hops (a run of 500
 * connections walks 2,000 packets; their hops stay in the worker). What the flow tables, the
 * service map and a flow's "Walk this packet" need.
 */
import type { PacketSpec } from '../packet';
import type { WalkVerdict } from '../walk';
import type { CniOutcome, TrafficKind, TrafficRun } from './types';

export type CniRow =
  | { readonly verdict: WalkVerdict; readonly dropReason?: string; readonly why?: string }
  | { readonly error: string };

export interface ConnectionRow {
  readonly id: number;
  readonly time: number;
  readonly replyTime: number;
  readonly kind: TrafficKind;
  readonly packet: PacketSpec;
  readonly calico: CniRow;
  readonly cilium: CniRow;
}

function cniRow(o: CniOutcome): CniRow {
  if (!o.ok) return { error: o.error };
  const r = o.request;
  return {
    verdict: r.verdict,
    ...(r.dropReason !== undefined ? { dropReason: r.dropReason } : {}),
    ...(r.why !== undefined ? { why: r.why } : {}),
  };
}

export const connectionRows = (run: TrafficRun): ConnectionRow[] =>
  run.connections.map((wc) => ({
    id: wc.id,
    time: wc.time,
    replyTime: wc.replyTime,
    kind: wc.connection.kind,
    packet: wc.connection.packet,
    calico: cniRow(wc.calico),
    cilium: cniRow(wc.cilium),
  }));
