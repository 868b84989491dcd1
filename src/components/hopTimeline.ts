/**
 * The hop timeline's columns: the walks of the CNIs on screen, aligned by lifecycle stage, so a
 * student reads down a column and sees where each CNI decides policy, encapsulates, delivers.
 *
 * Walks do not follow `STAGES` in order (Calico routes before its FORWARD policy, Cilium judges
 * egress policy first; a cross-node walk routes twice), so columns are not one per stage: the two
 * stage sequences are aligned as a longest common subsequence. Matching stages share a column; a
 * hop only one CNI makes gets a column with a gap in the other row.
 */
import type { Hop, Stage } from '../datapath/hop';

export interface TimelineColumn {
  readonly stage: Stage;
  /** The hop index of each row in this column, or null for a gap. */
  readonly hops: readonly (number | null)[];
}

/** Aligns one or two walks (rows) by stage. */
export function alignWalks(walks: readonly (readonly Hop[])[]): TimelineColumn[] {
  if (walks.length === 1) return walks[0]!.map((h, i) => ({ stage: h.stage, hops: [i] }));
  if (walks.length !== 2) return [];
  const a = walks[0]!.map((h) => h.stage);
  const b = walks[1]!.map((h) => h.stage);
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i]![j] =
        a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const columns: TimelineColumn[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      columns.push({ stage: a[i]!, hops: [i, j] });
      i++;
      j++;
    } else if (j >= b.length || (i < a.length && lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      columns.push({ stage: a[i]!, hops: [i, null] });
      i++;
    } else {
      columns.push({ stage: b[j]!, hops: [null, j] });
      j++;
    }
  }
  return columns;
}
