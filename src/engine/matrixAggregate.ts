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
          const ca = data.calico[s]!;
          const ci = data.cilium[s]!;
          if (ca === VERDICT_PENDING || ci === VERDICT_PENDING) {
            counts[cell + PENDING]!++;
            continue;
          }
          counts[cell + (ca === VERDICT_ALLOWED ? CA_ALLOWED : CA_DENIED)]!++;
          counts[cell + (ci === VERDICT_ALLOWED ? CI_ALLOWED : CI_DENIED)]!++;
          if (ca !== ci) counts[cell + DIFFER]!++;
          const f = data.flags[s]!;
          if (f & FLAG_REFERENCE_CHECKED) {
            counts[cell + CHECKED]!++;
            if (f & FLAG_CALICO_DISAGREES) counts[cell + CA_BAD]!++;
            if (f & FLAG_CILIUM_DISAGREES) counts[cell + CI_BAD]!++;
          }
        }
      }
    }
  });
  const totalAt = rows.length * cols.length * STRIDE;
  for (let k = 0; k < totalAt; k++) counts[totalAt + (k % STRIDE)]! += counts[k]!;
  const read = (cell: number): GroupCounts => ({
    probes: counts[cell + PROBES]!,
    pending: counts[cell + PENDING]!,
    calico: { allowed: counts[cell + CA_ALLOWED]!, denied: counts[cell + CA_DENIED]! },
    cilium: { allowed: counts[cell + CI_ALLOWED]!, denied: counts[cell + CI_DENIED]! },
    cnisDiffer: counts[cell + DIFFER]!,
    checked: counts[cell + CHECKED]!,
    calicoDisagrees: counts[cell + CA_BAD]!,
    ciliumDisagrees: counts[cell + CI_BAD]!,
  });
  return {
    rows,
    cols,
    at: (r, c) => read((r * cols.length + c) * STRIDE),
    total: read(totalAt),
  };
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
