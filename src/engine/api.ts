/**
 * The engine's public API: what the worker exposes and what the main-thread fallback runs. Every
 * method takes and returns plain, structured-cloneable data, so it crosses the worker boundary as is.
 * The API holds one loaded scenario; a load with errors keeps the last good one running.
 */
import { calicoStats, iptablesSave } from './calico/iptables';
import { ciliumStats, dumpCiliumMaps } from './cilium/ebpf';
import { matchesLabelSelector, type LabelSelector, type Labels } from './labels';
import type { Cluster, Diagnostic, Probe, Protocol } from './model';
import {
  computeMatrixRows,
  planMatrix,
  type MatrixChunk,
  type MatrixLayout,
  type MatrixPlanOptions,
} from './matrix';
import { loadManifests, type ManifestFile } from './parse/load';
import {
  createEngine,
  defaultProbes,
  evaluateProbe,
  type Engine,
  type ProbeVerdict,
  type VerdictResult,
} from './verdict';

export const ENGINE_API_VERSION = 1;

export interface LoadSummary {
  /** True when the manifests loaded without errors and are now the engine's scenario. */
  readonly applied: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly counts: Readonly<
    Record<'namespaces' | 'nodes' | 'pods' | 'services' | 'policies', number>
  >;
  /** The cluster now in force (the new one, or the last good one); null before any good load. */
  readonly cluster: Cluster | null;
}

export interface MatrixOptions {
  /** Only probes to this port (and protocol); all declared ports when absent. */
  readonly port?: number;
  readonly protocol?: Protocol;
}

export interface MatrixResult {
  readonly verdicts: readonly ProbeVerdict[];
  readonly errors: readonly string[];
}

export type ProgressCallback = (done: number, total: number) => void;

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

const PROGRESS_EVERY = 250;

const now = (): number => globalThis.performance?.now() ?? Date.now();
/** A dedicated worker's global scope has `importScripts`; a window does not. */
const inWorker = (): boolean =>
  typeof (globalThis as { importScripts?: unknown }).importScripts === 'function';

/**
 * The engine's state and its API. `engine()` is for code in the same thread (the worker's own API
 * adds the datapath walk on top); only `api` crosses the worker boundary.
 */
export function createEngineSession() {
  let engine: Engine | null = null;

  const requireEngine = (): Engine => {
    if (!engine) throw new Error('No scenario is loaded yet.');
    return engine;
  };

  const counts = (c: Cluster | null): LoadSummary['counts'] => ({
    namespaces: c?.namespaces.length ?? 0,
    nodes: c?.nodes.length ?? 0,
    pods: c?.pods.length ?? 0,
    services: c?.services.length ?? 0,
    policies: c ? c.k8sPolicies.length + c.ciliumPolicies.length + c.calicoPolicies.length : 0,
  });

  const api = {
    /** Says where the engine runs; the UI shows it and an e2e test checks it. */
    hello(): { version: number; inWorker: boolean } {
      return { version: ENGINE_API_VERSION, inWorker: inWorker() };
    },

    load(files: readonly ManifestFile[]): LoadSummary {
      const { cluster, diagnostics } = loadManifests(files);
      const applied = !diagnostics.some((d) => d.severity === 'error');
      if (applied) engine = createEngine(cluster);
      const current = engine?.cluster ?? null;
      return { applied, diagnostics, counts: counts(current), cluster: current };
    },

    verdict(probe: Probe): VerdictResult {
      return evaluateProbe(requireEngine(), probe);
    },

    matrix(options: MatrixOptions = {}, onProgress?: ProgressCallback): MatrixResult {
      const e = requireEngine();
      const probes = defaultProbes(e.cluster).filter(
        (p) =>
          (options.port === undefined || p.port === options.port) &&
          (options.protocol === undefined || p.protocol === options.protocol),
      );
      const verdicts: ProbeVerdict[] = [];
      const errors: string[] = [];
      probes.forEach((probe, i) => {
        const r = evaluateProbe(e, probe);
        if (r.ok) verdicts.push(r.verdict);
        else errors.push(r.error);
        if (onProgress && (i + 1) % PROGRESS_EVERY === 0) void onProgress(i + 1, probes.length);
      });
      if (onProgress) void onProgress(probes.length, probes.length);
      return { verdicts, errors };
    },

    /**
     * The matrix as typed arrays of model verdicts (engine/matrix.ts), streamed band by band to
     * `onEvent`; it waits for each delivery, so a slow reader slows it and a false stops it.
     */
    async matrixStream(
      options: MatrixPlanOptions,
      onEvent: MatrixStreamCallback,
    ): Promise<MatrixStreamSummary> {
      const e = requireEngine();
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
    },

    iptablesSave(node?: string): string {
      return iptablesSave(requireEngine().calico(), node ? { node } : {});
    },

    ciliumMaps(endpoint?: string): string {
      return dumpCiliumMaps(requireEngine().cilium(), endpoint ? { endpoint } : {});
    },

    stats() {
      const e = requireEngine();
      return { calico: calicoStats(e.calico()), cilium: ciliumStats(e.cilium()) };
    },

    matchLabelSelector(labels: Labels, selector: LabelSelector): boolean {
      return matchesLabelSelector(labels, selector);
    },
  };
  return { engine: () => engine, api };
}

export const createEngineApi = () => createEngineSession().api;

export type EngineApi = ReturnType<typeof createEngineApi>;
