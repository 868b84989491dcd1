/**
 * Where a walk's verdict was decided: the one definition that lesson checkpoints (`deciding-table`,
 * `challenge`), the lessons' replay and the challenge mode share.
 */
import type { Hop } from '../datapath/hop';
import type { WalkResult } from '../datapath/walk';

const POLICY_STAGES = new Set(['egress-policy', 'ingress-policy']);

/** The hop where a walk's verdict was decided: the drop, or the last policy hop before delivery. */
export function decidingHop(result: WalkResult): Hop | undefined {
  return result.hops[decidingHopIndex(result)];
}

/** The index of decidingHop in the walk's hops, -1 when a delivered walk met no policy hop. */
export function decidingHopIndex(result: WalkResult): number {
  const hops = result.hops;
  if (result.verdict === 'dropped') {
    // The drop hop names the reason; the hop before it is the table that decided.
    const last = hops.length - 1;
    return POLICY_STAGES.has(hops[last - 1]?.stage ?? '') ? last - 1 : last;
  }
  for (let i = hops.length - 1; i >= 0; i--) if (POLICY_STAGES.has(hops[i]!.stage)) return i;
  return -1;
}

/** Whether a hop names a text in its `where`, `table` or `match`. */
export const hopMentions = (hop: Hop, text: string): boolean =>
  [hop.where, hop.table ?? '', hop.match ?? ''].some((s) => s.includes(text));
