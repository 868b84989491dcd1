/**
 * The connectivity matrix at scale: every source pod × destination pod × declared port, as typed
 * arrays of verdict codes, one per CNI model, filled a band of source rows at a time so a caller can
 * report progress, stream the rows and stop between bands.
 *
 * Why verdict codes and not ProbeVerdicts: a 1,000-pod cluster has a million probes; the explained
 * verdicts (reference + model + trace per CNI) cost ~1 KB and ~1 ms each. The matrix needs only
 * what each dataplane model answers; the explanation of the one cell the user opens comes from
 * `evaluateProbe` on demand.
 *
 * The reference evaluators (the oracles) are too slow to run on every cell of a large matrix, so
 * they check a spread sample of cells (every cell when the matrix is small): a checked cell whose
 * model disagrees with its reference is flagged, as the explained verdict's `agree` does.
 */
import { calicoReferenceDecision } from './calico/reference';
import { calicoModelVerdict } from './calico/verdict';
import { ciliumModelVerdict } from './cilium/ebpf';
import { ciliumReferenceDecision } from './cilium/reference';
import { podKey } from './cluster';
import { PROTOCOLS, type Pod, type Protocol, type ResolvedProbe } from './model';
import type { Engine } from './verdict';
import {
  FLAG_CALICO_DISAGREES,
  FLAG_CILIUM_DISAGREES,
  FLAG_REFERENCE_CHECKED,
  FLAG_SELF,
  protocolOf,
  VERDICT_ALLOWED,
  VERDICT_DENIED,
  type MatrixChunk,
  type MatrixLayout,
} from './matrixData';

export * from './matrixData';

export interface MatrixPlanOptions {
  readonly port?: number;
  readonly protocol?: Protocol;
  /** How many cells the references check at most (spread over the matrix); all when absent and small. */
  readonly referenceChecks?: number;
}

/** The references check every cell of a matrix this small, and a sample this large of bigger ones. */
export const DEFAULT_REFERENCE_CHECKS = 500;

/**
 * The workload a pod belongs to, as people name it: its `app.kubernetes.io/name` or `app` label,
 * else its name without the suffixes a controller adds (a ReplicaSet's pod-template hash and random
 * suffix, `web-7d4b9c8f6-x2kqz`; a StatefulSet's ordinal, `db-0`).
 */
export function workloadOf(pod: Pod): string {
  const label = pod.labels['app.kubernetes.io/name'] ?? pod.labels['app'];
  if (label) return label;
  return (
    pod.name
      .replace(/-[a-z0-9]{5}$/, '')
      .replace(/-[a-f0-9]{6,10}$/, '')
      .replace(/-\d+$/, '') || pod.name
  );
}

/** A multiplicative hash spreads the sample over rows and columns alike (no stride aliasing). */
export const sampled = (index: number, every: number): boolean =>
  every <= 1 || Math.imul(index + 1, 0x9e3779b1) >>> 0 < 0x100000000 / every;

export function planMatrix(pods: readonly Pod[], options: MatrixPlanOptions = {}): MatrixLayout {
  const n = pods.length;
  const offsets = new Int32Array(n + 1);
  const ports: number[] = [];
  const protocols: number[] = [];
  pods.forEach((dst, j) => {
    offsets[j] = ports.length;
    const seen = new Set<string>();
    for (const p of dst.ports) {
      if (options.port !== undefined && p.port !== options.port) continue;
      if (options.protocol !== undefined && p.protocol !== options.protocol) continue;
      const key = `${p.protocol}/${p.port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      ports.push(p.port);
      protocols.push(PROTOCOLS.indexOf(p.protocol));
    }
  });
  offsets[n] = ports.length;
  const stride = ports.length;
  const total = n > 0 ? (n - 1) * stride : 0;
  const checks = options.referenceChecks ?? DEFAULT_REFERENCE_CHECKS;
  return {
    pods: pods.map(podKey),
    namespaces: pods.map((p) => p.namespace),
    workloads: pods.map(workloadOf),
    offsets,
    ports: Uint16Array.from(ports),
    protocols: Uint8Array.from(protocols),
    stride,
    total,
    referenceEvery: checks <= 0 ? Infinity : Math.max(1, Math.ceil(total / checks)),
  };
}

/** The models' verdict-only paths: no explanation, no trace (agreement.test.ts holds them equal). */
const calicoVerdict = (e: Engine, p: ResolvedProbe): boolean => calicoModelVerdict(e.calico(), p);
const ciliumVerdict = (e: Engine, p: ResolvedProbe): boolean => ciliumModelVerdict(e.cilium(), p);

const code = (allowed: boolean): number => (allowed ? VERDICT_ALLOWED : VERDICT_DENIED);

/** Fills the source rows `[rowStart, rowEnd)` of the engine's pods (the layout's order). */
export function computeMatrixRows(
  engine: Engine,
  layout: MatrixLayout,
  rowStart: number,
  rowEnd: number,
): MatrixChunk {
  const { pods } = engine.cluster;
  if (pods.length !== layout.pods.length)
    throw new Error('computeMatrixRows: the layout was planned for another cluster.');
  const { stride, offsets } = layout;
  const size = (rowEnd - rowStart) * stride;
  const calico = new Uint8Array(size);
  const cilium = new Uint8Array(size);
  const flags = new Uint8Array(size);
  const peers = pods.map((pod) => ({ kind: 'pod' as const, pod }));
  for (let i = rowStart; i < rowEnd; i++) {
    const src = peers[i]!;
    const base = (i - rowStart) * stride;
    for (let j = 0; j < pods.length; j++) {
      const from = offsets[j]!;
      const to = offsets[j + 1]!;
      if (from === to) continue;
      if (i === j) {
        flags.fill(FLAG_SELF, base + from, base + to);
        continue;
      }
      const dst = peers[j]!;
      for (let slot = from; slot < to; slot++) {
        const probe: ResolvedProbe = {
          src,
          dst,
          srcIP: src.pod.ip,
          dstIP: dst.pod.ip,
          port: layout.ports[slot]!,
          protocol: protocolOf(layout, slot),
        };
        const calicoAllowed = calicoVerdict(engine, probe);
        const ciliumAllowed = ciliumVerdict(engine, probe);
        const at = base + slot;
        calico[at] = code(calicoAllowed);
        cilium[at] = code(ciliumAllowed);
        if (sampled(i * stride + slot, layout.referenceEvery)) {
          let f = FLAG_REFERENCE_CHECKED;
          if (calicoReferenceDecision(engine.cluster, probe).allowed !== calicoAllowed)
            f |= FLAG_CALICO_DISAGREES;
          if (ciliumReferenceDecision(engine.cluster, probe).allowed !== ciliumAllowed)
            f |= FLAG_CILIUM_DISAGREES;
          flags[at] = f;
        }
      }
    }
  }
  return { rowStart, rowEnd, calico, cilium, flags };
}

/** The whole matrix in one go (tests, the CLI, the bench); the worker streams it instead. */
export function computeMatrix(
  engine: Engine,
  options: MatrixPlanOptions = {},
): { layout: MatrixLayout; chunk: MatrixChunk } {
  const layout = planMatrix(engine.cluster.pods, options);
  return { layout, chunk: computeMatrixRows(engine, layout, 0, layout.pods.length) };
}

/** What the streamed matrix sends: its layout, each model compiled, then bands of finished rows. */
export type MatrixStreamEvent =
  | { readonly kind: 'layout'; readonly layout: MatrixLayout }
  | { readonly kind: 'compiled'; readonly model: 'calico' | 'cilium' }
  | { readonly kind: 'rows'; readonly chunk: MatrixChunk };

/**
 * Receives the streamed matrix: probes done, of all, and what arrived. Returning false (or a promise
 * of false) stops the computation before the next band: the cancel that keeps the worker and its
 * compiled models.
 */
export type MatrixStreamCallback = (
  done: number,
  total: number,
  event: MatrixStreamEvent,
) => unknown;

export interface MatrixStreamSummary {
  readonly status: 'done' | 'cancelled';
  readonly rowsDone: number;
  readonly probesDone: number;
  readonly elapsedMs: number;
}

/** A band of rows takes about this long, so progress and a cancel come several times a second. */
const MATRIX_BAND_MS = 60;

const now = (): number => globalThis.performance?.now() ?? Date.now();
/** A dedicated worker's global scope has `importScripts`; a window does not. */
export const inWorker = (): boolean =>
  typeof (globalThis as { importScripts?: unknown }).importScripts === 'function';

/**
 * The matrix streamed band by band to `onEvent`: the layout, each model compiled, then rows. It
 * waits for each delivery, so a slow reader slows it and a false stops it.
 */
export async function streamMatrix(
  e: Engine,
  options: MatrixPlanOptions,
  onEvent: MatrixStreamCallback,
): Promise<MatrixStreamSummary> {
  const started = now();
  const layout = planMatrix(e.cluster.pods, options);
  const n = layout.pods.length;
  let row = 0;
  let done = 0;
  const stop = (status: MatrixStreamSummary['status']): MatrixStreamSummary => ({
    status,
    rowsDone: row,
    probesDone: done,
    elapsedMs: now() - started,
  });
  const report = async (event: MatrixStreamEvent) =>
    (await onEvent(done, layout.total, event)) !== false;
  // Both models compile before the first band (a report after each), so a cancel can come in
  // between and the bands' pace measures verdicts only.
  if (!(await report({ kind: 'layout', layout }))) return stop('cancelled');
  e.calico();
  if (!(await report({ kind: 'compiled', model: 'calico' }))) return stop('cancelled');
  e.cilium();
  if (!(await report({ kind: 'compiled', model: 'cilium' }))) return stop('cancelled');
  let band = 1;
  while (row < n) {
    const end = Math.min(n, row + band);
    const t0 = now();
    const chunk = computeMatrixRows(e, layout, row, end);
    // Size the next band from this one's pace.
    band = Math.max(1, Math.round(((end - row) * MATRIX_BAND_MS) / Math.max(1, now() - t0)));
    // A pod's own column is no probe.
    for (; row < end; row++)
      done += layout.stride - (layout.offsets[row + 1]! - layout.offsets[row]!);
    const go = await report({ kind: 'rows', chunk });
    if (!go && row < n) return stop('cancelled');
    if (!inWorker()) await new Promise((r) => setTimeout(r, 0)); // let the page paint
  }
  return stop('done');
}
