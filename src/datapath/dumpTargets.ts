/**
 * Where a hop's row is in a node's dump (datapath/dataplaneDump.ts), found by the model's trace
 * event behind the row (engine/trace.ts: the rule tested, the map entry found or the map missed),
 * or, for kube-proxy's nat rows, which carry no event, by their exact text. Light on purpose (ids
 * and types only): the inspector imports it on the main thread.
 */
import {
  filterChainId,
  filterRuleId,
  ipcacheRowId,
  policyEntryId,
  policyMapId,
  type DumpLine,
} from '../engine/dumpLines';
import type { TraceEvent } from '../engine/trace';
import type { Hop, HopRow } from './hop';

/** A row of a node's dump: by id when the trace event names it, else by its exact text. */
export type DumpTarget =
  { readonly node: string; readonly id: string } | { readonly node: string; readonly text: string };

/** The dump line a trace event names: the rule tested, the map entry found (or the map missed). */
export function eventTarget(e: TraceEvent, node: string): DumpTarget | null {
  switch (e.kind) {
    case 'rule':
      return { node: e.node, id: filterRuleId(e.chain, e.index) };
    case 'chain-policy':
      return { node: e.node, id: filterChainId(e.chain) };
    case 'lookup':
      if (e.table === 'ipcache') return { node: e.node, id: ipcacheRowId(e.node, e.value.prefix) };
      return {
        node,
        id: e.value
          ? policyEntryId(e.endpoint, {
              identity: e.key.identity,
              direction: e.key.direction,
              proto: e.value.proto,
              port: e.value.port,
              prefixLen: e.value.prefixLen,
            })
          : policyMapId(e.endpoint),
      };
    case 'frag-needed':
      return { node, id: policyMapId(e.endpoint) };
    default:
      return null;
  }
}

/** Where one row of a hop's table is in the dump of the hop's node, if it is there. */
export function rowTarget(row: HopRow, hop: Hop): DumpTarget | null {
  if (row.event) return eventTarget(row.event, hop.node);
  // kube-proxy's nat rows print as the dump prints them.
  if (row.text.startsWith('-A ')) return { node: hop.node, text: row.text };
  return null;
}

/** The row that decided a hop (its last matched row with a place in the dump). */
export function hopTarget(hop: Hop | undefined): DumpTarget | null {
  const rows = hop?.rows ?? [];
  for (let i = rows.length - 1; i >= 0; i--) {
    const row = rows[i]!;
    if (row.state !== 'matched') continue;
    const target = rowTarget(row, hop!);
    if (target) return target;
  }
  return null;
}

/** The index of the line a target names in a dump, or -1. */
export function findTarget(
  dump: { readonly node: string; readonly lines: readonly DumpLine[] },
  target: DumpTarget | null,
): number {
  if (!target || target.node !== dump.node) return -1;
  return 'id' in target
    ? dump.lines.findIndex((l) => l.id === target.id)
    : dump.lines.findIndex((l) => l.kind === 'row' && l.text === target.text);
}
