/**
 * The matrix of a large cluster, summed by groups of pods: by namespace first, then by workload,
 * then the pods of two workloads. Each group cell counts its probes per CNI (allowed, denied, not
 * computed yet), the probes on which the two CNIs answer differently, and the probes whose model
 * was checked against its reference and disagreed.
 */
import {
  FLAG_CALICO_DISAGREES,
  FLAG_CILIUM_DISAGREES,
  FLAG_REFERENCE_CHECKED,
  VERDICT_ALLOWED,
  VERDICT_PENDING,
  type MatrixData,
  type MatrixLayout,
} from './matrix';
import type { Cni } from './model';

export interface PodGroup {
  readonly key: string;
  readonly label: string;
  /** Indices into the layout's pods. */
  readonly pods: readonly number[];
}

export type GroupLevel = 'namespace' | 'workload' | 'pod';

/**
 * The groups of `within` (all pods when absent) at a level, in order of first appearance: a
 * namespace; a workload (keyed by namespace too, so two namespaces' `web` stay apart); one pod
 * (labelled by its name: the level above names the namespaces).
 */
export function groupPods(
  layout: MatrixLayout,
  level: GroupLevel,
  within?: readonly number[],
): PodGroup[] {
  const indices = within ?? layout.pods.map((_, i) => i);
  if (level === 'pod')
    return indices.map((i) => {
      const key = layout.pods[i]!;
      return { key, label: key.slice(key.indexOf('/') + 1), pods: [i] };
    });
  const groups = new Map<string, { key: string; label: string; pods: number[] }>();
  for (const i of indices) {
    const ns = layout.namespaces[i]!;
    const key = level === 'namespace' ? ns : `${ns}/${layout.workloads[i]!}`;
    let g = groups.get(key);
    if (!g) {
      g = { key, label: level === 'namespace' ? ns : layout.workloads[i]!, pods: [] };
      groups.set(key, g);
    }
    g.pods.push(i);
  }
  return [...groups.values()];
}

/** What one group cell holds. */
export interface GroupCounts {
  readonly probes: number;
  /** Probes not computed yet (the matrix is still filling, or was cancelled). */
  readonly pending: number;
  readonly calico: { readonly allowed: number; readonly denied: number };
  readonly cilium: { readonly allowed: number; readonly denied: number };
  /** Computed probes Calico and Cilium answer differently. */
  readonly cnisDiffer: number;
  /** Probes checked against the references, and those whose model disagreed (a PacketWalk bug). */
  readonly checked: number;
  readonly calicoDisagrees: number;
  readonly ciliumDisagrees: number;
}

/** The counters of one cell, in a flat Uint32Array. */
const [
  PROBES,
  PENDING,
  CA_ALLOWED,
  CA_DENIED,
  CI_ALLOWED,
  CI_DENIED,
  DIFFER,
  CHECKED,
  CA_BAD,
  CI_BAD,
] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] as const;
const STRIDE = 10;

export interface Aggregate {
  readonly rows: readonly PodGroup[];
  readonly cols: readonly PodGroup[];
  at(row: number, col: number): GroupCounts;
  /** The sum over every cell. */
  readonly total: GroupCounts;
}

/** Sums the matrix's cells into rows × cols group cells (a pod's own column is not a probe). */
export function aggregate(
  data: MatrixData,
  rows: readonly PodGroup[],
  cols: readonly PodGroup[],
): Aggregate {
  const { layout } = data;
  const { stride, offsets } = layout;
  const counts = new Uint32Array((rows.length * cols.length + 1) * STRIDE);
  const colPods: number[] = [];
  const colOf: number[] = [];
  cols.forEach((g, c) => g.pods.forEach((j) => (colPods.push(j), colOf.push(c))));
  rows.forEach((g, r) => {
    for (const i of g.pods) {
      const rowBase = i * stride;
      for (let x = 0; x < colPods.length; x++) {
        const j = colPods[x]!;
        if (i === j) continue;
        const cell = (r * cols.length + colOf[x]!) * STRIDE;
        for (let s = rowBase + offsets[j]!, end = rowBase + offsets[j + 1]!; s < end; s++) {
          counts[cell + PROBES]!++;
          if (!countComputed(counts, cell, data, s)) counts[cell + PENDING]!++;
        }
      }
    }
  });
  const totalAt = sumTotal(counts, rows.length * cols.length);
  return {
    rows,
    cols,
    at: (r, c) => readCounts(counts, (r * cols.length + c) * STRIDE),
    total: readCounts(counts, totalAt),
  };
}

/**
 * Adds probe `s`'s verdicts to the cell at `cell` (probes and pending aside) and says whether it
 * was computed: a probe either CNI has not answered yet is pending and adds nothing.
 */
function countComputed(counts: Uint32Array, cell: number, data: MatrixData, s: number): boolean {
  const ca = data.calico[s]!;
  const ci = data.cilium[s]!;
  if (ca === VERDICT_PENDING || ci === VERDICT_PENDING) return false;
  counts[cell + (ca === VERDICT_ALLOWED ? CA_ALLOWED : CA_DENIED)]!++;
  counts[cell + (ci === VERDICT_ALLOWED ? CI_ALLOWED : CI_DENIED)]!++;
  if (ca !== ci) counts[cell + DIFFER]!++;
  const f = data.flags[s]!;
  if (f & FLAG_REFERENCE_CHECKED) {
    counts[cell + CHECKED]!++;
    if (f & FLAG_CALICO_DISAGREES) counts[cell + CA_BAD]!++;
    if (f & FLAG_CILIUM_DISAGREES) counts[cell + CI_BAD]!++;
  }
  return true;
}

/** Writes the sum of the first `cells` cells into the cell after them; returns where it is. */
function sumTotal(counts: Uint32Array, cells: number): number {
  const totalAt = cells * STRIDE;
  counts.fill(0, totalAt, totalAt + STRIDE);
  for (let k = 0; k < totalAt; k++) counts[totalAt + (k % STRIDE)]! += counts[k]!;
  return totalAt;
}

function readCounts(counts: Uint32Array, cell: number): GroupCounts {
  return {
    probes: counts[cell + PROBES]!,
    pending: counts[cell + PENDING]!,
    calico: { allowed: counts[cell + CA_ALLOWED]!, denied: counts[cell + CA_DENIED]! },
    cilium: { allowed: counts[cell + CI_ALLOWED]!, denied: counts[cell + CI_DENIED]! },
    cnisDiffer: counts[cell + DIFFER]!,
    checked: counts[cell + CHECKED]!,
    calicoDisagrees: counts[cell + CA_BAD]!,
    ciliumDisagrees: counts[cell + CI_BAD]!,
  };
}

/**
 * Running totals of a matrix that streams in (issue 15): each band of source rows is summed once,
 * when it arrives, into its group cells (per CNI, in one Uint32Array keyed by group index), so a
 * band costs its own size and not the whole matrix's. Rows not arrived yet count as pending, so the
 * totals equal `aggregate` of the same data at every moment.
 */
export interface StreamTotals {
  /** The totals so far (`at` and `total` read them live). */
  readonly sum: Aggregate;
  /** Adds the source rows `[rowStart, rowEnd)`, which must have arrived (a row added before: once). */
  addRows(rowStart: number, rowEnd: number): void;
  /** Adds the rows that arrived since the last call (found by one probe each); returns how many. */
  catchUp(): number;
}

export function streamTotals(
  data: MatrixData,
  rows: readonly PodGroup[],
  cols: readonly PodGroup[],
): StreamTotals {
  const { layout } = data;
  const { stride, offsets } = layout;
  const n = layout.pods.length;
  const width = (j: number) => offsets[j + 1]! - offsets[j]!;
  const groupOf = (groups: readonly PodGroup[]) => {
    const of = new Int32Array(n).fill(-1);
    groups.forEach((g, x) => g.pods.forEach((i) => (of[i] = x)));
    return of;
  };
  const rowOf = groupOf(rows);
  const colOf = groupOf(cols);
  const cells = rows.length * cols.length;
  const counts = new Uint32Array((cells + 1) * STRIDE);
  // Every probe is pending until its row arrives: a cell holds its row pods × its columns' slots,
  // less a pod's own column.
  const colSlots = new Float64Array(cols.length);
  for (let j = 0; j < n; j++) if (colOf[j]! >= 0) colSlots[colOf[j]!]! += width(j);
  for (let i = 0; i < n; i++) {
    if (rowOf[i]! < 0) continue;
    const base = rowOf[i]! * cols.length;
    cols.forEach((_, c) => (counts[(base + c) * STRIDE + PROBES]! += colSlots[c]!));
    if (colOf[i]! >= 0) counts[(base + colOf[i]!) * STRIDE + PROBES]! -= width(i);
  }
  for (let k = 0; k < cells * STRIDE; k += STRIDE) counts[k + PENDING] = counts[k + PROBES]!;
  const totalAt = sumTotal(counts, cells);
  // A row arrives whole (applyMatrixChunk copies complete rows), so one probe of it tells: the
  // first slot outside its own column; a row without one holds no probe and needs no sum.
  const sentinel = Int32Array.from({ length: n }, (_, i) =>
    offsets[i]! > 0 ? 0 : offsets[i + 1]! < stride ? offsets[i + 1]! : -1,
  );
  const added = Uint8Array.from(sentinel, (s, i) => (s < 0 || rowOf[i]! < 0 ? 1 : 0));
  const addRow = (i: number) => {
    if (added[i]) return false;
    added[i] = 1;
    const rowCell = rowOf[i]! * cols.length;
    const rowBase = i * stride;
    for (let j = 0; j < n; j++) {
      if (j === i || colOf[j]! < 0) continue;
      const cell = (rowCell + colOf[j]!) * STRIDE;
      for (let s = rowBase + offsets[j]!, end = rowBase + offsets[j + 1]!; s < end; s++)
        if (countComputed(counts, cell, data, s)) counts[cell + PENDING]!--;
    }
    return true;
  };
  const sum: Aggregate = {
    rows,
    cols,
    at: (r, c) => readCounts(counts, (r * cols.length + c) * STRIDE),
    get total() {
      return readCounts(counts, totalAt);
    },
  };
  return {
    sum,
    addRows(rowStart, rowEnd) {
      if (rowStart < 0 || rowEnd > n || rowStart > rowEnd)
        throw new Error(`streamTotals.addRows: rows [${rowStart}, ${rowEnd}) outside 0..${n}.`);
      let any = false;
      for (let i = rowStart; i < rowEnd; i++) any = addRow(i) || any;
      if (any) sumTotal(counts, cells);
    },
    catchUp() {
      let found = 0;
      for (let i = 0; i < n; i++)
        if (!added[i] && data.calico[i * stride + sentinel[i]!] !== VERDICT_PENDING && addRow(i))
          found++;
      if (found > 0) sumTotal(counts, cells);
      return found;
    },
  };
}

/** The namespace totals of a streamed matrix, one per matrix object (a new stream starts at zero). */
const namespaceTotalsOf = new WeakMap<MatrixData, StreamTotals>();
export function namespaceTotals(data: MatrixData): StreamTotals {
  let totals = namespaceTotalsOf.get(data);
  if (!totals) {
    const ns = groupPods(data.layout, 'namespace');
    totals = streamTotals(data, ns, ns);
    namespaceTotalsOf.set(data, totals);
  }
  return totals;
}

/** One word for a group cell under one CNI: what a symbol, a pattern and a screen reader say. */
export type GroupKind = 'allowed' | 'denied' | 'mixed' | 'pending' | 'none';

export function groupKind(counts: GroupCounts, cni: Cni): GroupKind {
  if (counts.probes === 0) return 'none';
  const { allowed, denied } = counts[cni];
  if (allowed + denied === 0) return 'pending';
  if (denied === 0) return 'allowed';
  if (allowed === 0) return 'denied';
  return 'mixed';
}

/** Where a probe sits (for the cell a user opens): the pods and the port of one slot. */
export function probeAt(layout: MatrixLayout, i: number, j: number, k: number) {
  const slot = layout.offsets[j]! + k;
  return { from: layout.pods[i]!, to: layout.pods[j]!, slot, index: i * layout.stride + slot };
}
