/**
 * The engine's public API: what the worker exposes and what the main-thread fallback runs. Every
 * method takes and returns plain, structured-cloneable data, so it crosses the worker boundary as is.
 * The API holds one loaded scenario; a load with errors keeps the last good one running.
 */
import { calicoStats, iptablesSave } from './calico/iptables';
import { ciliumStats, dumpCiliumMaps } from './cilium/ebpf';
import { matchesLabelSelector, type LabelSelector, type Labels } from './labels';
import { suggestFix, type FixRequest, type FixResult } from './fix';
import { carryOver } from './carryOver';
import { lintManifests } from './lint';
import type { Cluster, Diagnostic, Probe, Protocol } from './model';
import {
  inWorker,
  streamMatrix,
  type MatrixPlanOptions,
  type MatrixStreamCallback,
  type MatrixStreamSummary,
} from './matrix';
import { loadManifests, type ManifestFile } from './parse/load';
import { splitScenarioText } from './parse/multiFile';
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

const PROGRESS_EVERY = 250;

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

    load(given: readonly ManifestFile[]): LoadSummary {
      // Imported files joined in one text load as the files they were (parse/multiFile.ts).
      const files = given.flatMap((f) => splitScenarioText(f.text, f.name));
      const loaded = loadManifests(files);
      const applied = !loaded.diagnostics.some((d) => d.severity === 'error');
      // An edit recompiles what it touched: unchanged objects keep their identity (carryOver.ts).
      if (applied)
        engine = createEngine(carryOver(engine?.cluster, loaded.cluster), engine ?? undefined);
      const current = engine?.cluster ?? null;
      // The classic mistakes (engine/lint.ts) as warnings at their line, once the manifests load.
      const diagnostics = applied
        ? [...loaded.diagnostics, ...lintManifests(files, loaded.cluster)]
        : loaded.diagnostics;
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
    matrixStream(
      options: MatrixPlanOptions,
      onEvent: MatrixStreamCallback,
    ): Promise<MatrixStreamSummary> {
      return streamMatrix(requireEngine(), options, onEvent);
    },

    /**
     * The smallest verified fix for a connection one CNI drops (engine/fix.ts), over the manifests
     * given (the editor's text, which the fix edits), not the loaded scenario.
     */
    suggestFix(file: ManifestFile, request: FixRequest): FixResult {
      return suggestFix(file, request);
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
