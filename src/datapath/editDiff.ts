/**
 * Live diff (issue 16): what an edit of the scenario changed, as data. The rows of a node's dump
 * added and removed (compared by their text within their section), and the matrix cells whose
 * verdict changed. Pure, so it is tested without a DOM; DataplanePanel.tsx and MatrixPanel.tsx draw
 * it. The state before the edit is kept in the dataplane slice (`EditBase`, `nextEditBase`).
 */
import type { DumpLine } from '../engine/dumpLines';
import type { Cni } from '../engine/model';
import type { ProbeVerdict } from '../engine/verdict';

/** One row added or removed: its section's title (or '' outside every section) and its text. */
export interface DumpChange {
  readonly change: 'added' | 'removed';
  readonly section: string;
  readonly text: string;
  /** The line's index in the dump it is in: the new dump when added, the old one when removed. */
  readonly line: number;
}

export interface DumpDiff {
  readonly added: number;
  readonly removed: number;
  /** Removed rows first, then added, each in dump order. */
  readonly changes: readonly DumpChange[];
}

/**
 * The section a line is in, named by its section id (`filter/cali-tw-x`) and not the title, which
 * counts rows (`cali-tw-x (3 rules)`) and so changes with any added row.
 */
const rowKey = (l: DumpLine): string => `${l.section}\u0000${l.text}`;

/** Rows and notes compared; section titles and lines outside every section are not entries. */
const compared = (l: DumpLine): boolean => l.kind !== 'section' && l.section !== '';

/**
 * The rows of `after` not in `before` and the rows of `before` not in `after`, by text within a
 * section (a multiset: a row printed twice and now once is one removed). A changed rule is one
 * removed and one added; a new chain is its rows added; a removed IP set member is one removed.
 */
export function diffDump(before: readonly DumpLine[], after: readonly DumpLine[]): DumpDiff {
  const count = (lines: readonly DumpLine[]) => {
    const m = new Map<string, number>();
    for (const l of lines) if (compared(l)) m.set(rowKey(l), (m.get(rowKey(l)) ?? 0) + 1);
    return m;
  };
  const titles = (lines: readonly DumpLine[]) =>
    new Map(lines.filter((l) => l.kind === 'section').map((l) => [l.id, l.text]));
  const one = (
    lines: readonly DumpLine[],
    other: Map<string, number>,
    change: DumpChange['change'],
  ): DumpChange[] => {
    const left = new Map(other);
    const names = titles(lines);
    const out: DumpChange[] = [];
    lines.forEach((l, line) => {
      if (!compared(l)) return;
      const n = left.get(rowKey(l)) ?? 0;
      if (n > 0) left.set(rowKey(l), n - 1);
      else out.push({ change, section: names.get(l.section) ?? l.section, text: l.text, line });
    });
    return out;
  };
  const removed = one(before, count(after), 'removed');
  const added = one(after, count(before), 'added');
  return { added: added.length, removed: removed.length, changes: [...removed, ...added] };
}

/** A cell's verdict: allowed, denied, or allowed into the L7 proxy. */
export type CellVerdict = 'allowed' | 'denied' | 'l7';

/** The key of a probe's cell: from, to, port and protocol. */
export function cellKey(v: { from: string; to: string; port: number; protocol: string }): string {
  return `${v.from}\u0000${v.to}\u0000${v.port}/${v.protocol}`;
}

const endpoint = (e: ProbeVerdict['probe']['from']): string => ('pod' in e ? e.pod : e.ip);

/** The verdict of one CNI for a probe, as the matrix shows it. */
export function cellVerdict(v: ProbeVerdict, cni: Cni): CellVerdict {
  const c = v[cni];
  return !c.allowed ? 'denied' : c.reference.l7?.redirected ? 'l7' : 'allowed';
}

/** The key of a verdict's cell (cellKey). */
export const verdictKey = (v: ProbeVerdict): string =>
  cellKey({
    from: endpoint(v.probe.from),
    to: endpoint(v.probe.to),
    port: v.probe.port,
    protocol: v.probe.protocol,
  });

/**
 * The cells of `after` whose verdict under `cni` differs from `before`'s, with the verdict before
 * (by cellKey). A cell only one matrix has (a pod added or removed, a port declared) is not a
 * change of verdict and is left out.
 */
export function changedCells(
  before: readonly ProbeVerdict[],
  after: readonly ProbeVerdict[],
  cni: Cni,
): Map<string, CellVerdict> {
  const was = new Map(before.map((v) => [verdictKey(v), cellVerdict(v, cni)]));
  const out = new Map<string, CellVerdict>();
  for (const v of after) {
    const key = verdictKey(v);
    const then = was.get(key);
    if (then !== undefined && then !== cellVerdict(v, cni)) out.set(key, then);
  }
  return out;
}

/**
 * What a view showed before the user's edit: recorded for a scenario (`key`: its id, plus whatever
 * else must match, such as the matrix port) and the cluster it was computed from.
 */
export interface EditBase<T> {
  readonly key: string;
  readonly cluster: object;
  readonly value: T;
}

/**
 * The base after a new answer for `cluster`: kept while the answers are for edits of the same
 * scenario (another cluster, the same key), so the diff covers every edit since; replaced by the
 * answer when none was kept, the scenario changed, or the answer is for the base's own cluster
 * (asked again for another reason, no edit).
 */
export function nextEditBase<T>(
  base: EditBase<T> | null | undefined,
  key: string,
  cluster: object,
  value: T,
): EditBase<T> {
  if (base && base.key === key && base.cluster !== cluster) return base;
  return { key, cluster, value };
}

/** Whether a base differs from the answer shown, i.e. there was an edit since: the diff to show. */
export const editedSince = <T>(
  base: EditBase<T> | null | undefined,
  key: string,
  cluster: object | null,
): base is EditBase<T> =>
  !!base && base.key === key && cluster !== null && base.cluster !== cluster;
