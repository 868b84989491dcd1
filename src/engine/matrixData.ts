/**
 * The connectivity matrix's data as the page holds it (engine/matrix.ts computes it): verdict codes
 * and flags, where each probe sits, and how streamed bands fill it. No model here, so the main
 * thread can hold a streamed matrix without loading the models (issue 15, lazy loading).
 */
import { PROTOCOLS, type Protocol } from './model';

/** A cell's verdict code in `calico` / `cilium`. */
export const VERDICT_PENDING = 0;
export const VERDICT_ALLOWED = 1;
export const VERDICT_DENIED = 2;

/** Bits of a cell's `flags`. */
export const FLAG_SELF = 1;
export const FLAG_REFERENCE_CHECKED = 2;
export const FLAG_CALICO_DISAGREES = 4;
export const FLAG_CILIUM_DISAGREES = 8;

/**
 * Where each probe sits. A row is one source pod; in a row, destination `j` owns the slots
 * `offsets[j]` to `offsets[j + 1] - 1`, one per port it declares (deduplicated, in manifest order,
 * as `defaultProbes`), so cell (i, j, k) is at `i * stride + offsets[j] + k`. The slots of a pod's
 * own column are not probes (FLAG_SELF).
 */
export interface MatrixLayout {
  /** `namespace/name`, in manifest order. */
  readonly pods: readonly string[];
  readonly namespaces: readonly string[];
  /** The workload each pod belongs to (see `workloadOf`). */
  readonly workloads: readonly string[];
  readonly offsets: Int32Array;
  readonly ports: Uint16Array;
  /** Index into TCP, UDP, SCTP (`protocolOf`). */
  readonly protocols: Uint8Array;
  readonly stride: number;
  /** Probes in the whole matrix (self slots excluded). */
  readonly total: number;
  /** A cell is checked against the references when `sampled(index, referenceEvery)`. */
  readonly referenceEvery: number;
}

/** A band of finished source rows `[rowStart, rowEnd)`, `stride` slots each. */
export interface MatrixChunk {
  readonly rowStart: number;
  readonly rowEnd: number;
  readonly calico: Uint8Array;
  readonly cilium: Uint8Array;
  readonly flags: Uint8Array;
}

export const protocolOf = (layout: MatrixLayout, slot: number): Protocol =>
  PROTOCOLS[layout.protocols[slot]!]!;

/** A matrix as it fills: the layout, the cells so far, and how many source rows are done. */
export interface MatrixData {
  readonly layout: MatrixLayout;
  readonly calico: Uint8Array;
  readonly cilium: Uint8Array;
  readonly flags: Uint8Array;
}

export function emptyMatrixData(layout: MatrixLayout): MatrixData {
  const size = layout.pods.length * layout.stride;
  return {
    layout,
    calico: new Uint8Array(size),
    cilium: new Uint8Array(size),
    flags: new Uint8Array(size),
  };
}

/** Copies a streamed band of rows into place (the arrays are filled in place, not copied whole). */
export function applyMatrixChunk(data: MatrixData, chunk: MatrixChunk): void {
  const at = chunk.rowStart * data.layout.stride;
  data.calico.set(chunk.calico, at);
  data.cilium.set(chunk.cilium, at);
  data.flags.set(chunk.flags, at);
}

/** Above this many pods the matrix is shown by groups of pods (and streamed as model verdicts). */
export const MATRIX_AGGREGATE_ABOVE = 50;
