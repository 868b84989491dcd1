/**
 * What the worker exposes: the engine's API plus the datapath walk and the scene (what each CNI
 * panel draws) over the engine's loaded scenario. Lives here, not in engine/, because engine/ may
 * not import datapath/ or scene/.
 */
import type { WalkConfig } from '../datapath/config';
import { dataplaneDump, type DataplaneDump } from '../datapath/dataplaneDump';
import { WalkInputError, type PacketSpec } from '../datapath/packet';
import { walk, type WalkResult } from '../datapath/walk';
import { createEngineSession, type LoadSummary } from '../engine/api';
import type { Diagnostic } from '../engine/model';
import type { ManifestFile } from '../engine/parse/load';
import {
  GenerateCancelled,
  generateClusterStream,
  GenerateOptionsError,
  type GenerateOptions,
  type GenerateProblem,
  type GenerateProgress,
} from '../engine/generate';
import {
  sweepScale,
  type ScaleSweep,
  type SweepOptions,
  type SweepProgress,
} from '../engine/sweep';
import { buildScene, type Scene } from '../scene/scene';
import {
  clusterView,
  packClusterView,
  type ClusterView,
  type PackedClusterView,
} from '../engine/clusterView';
import {
  runFlows,
  type FlowsData,
  type FlowsRequest,
  type FlowsProgress,
} from '../datapath/flows/flowsData';

export type WalkAnswer = { ok: true; result: WalkResult } | { ok: false; error: string };

/** A generated cluster's manifests, or why there are none (bad options, or the reader stopped it). */
export type GenerateAnswer =
  | { readonly ok: true; readonly text: string; readonly elapsedMs: number }
  | { readonly ok: false; readonly problems: readonly GenerateProblem[] }
  | { readonly ok: false; readonly cancelled: true };

/** A load's answer as it crosses to the main thread: the cluster without its policies' contents. */
export type LoadAnswer = Omit<LoadSummary, 'cluster'> & { readonly cluster: ClusterView | null };

/**
 * The app's load answer (`loadApart`): its diagnostics follow apart, asked by `diagnosticsId`; the
 * policies' refs come as columns (`unpackClusterView` builds the view again).
 */
export type LoadApartAnswer = Omit<LoadAnswer, 'diagnostics' | 'cluster'> & {
  readonly diagnosticsId: number;
  readonly cluster: PackedClusterView | null;
};

export function createWorkerApi() {
  const session = createEngineSession();
  /** The engine's load (engine/api.ts), answering with the cluster's view (clusterView.ts). */
  const load = (files: readonly ManifestFile[]): LoadAnswer => {
    const summary = session.api.load(files);
    return { ...summary, cluster: summary.cluster && clusterView(summary.cluster) };
  };
  let loads = 0;
  let kept: { readonly id: number; readonly diagnostics: readonly Diagnostic[] } | null = null;
  return {
    ...session.api,
    load,
    /**
     * The load the app asks for: its diagnostics (thousands of warnings for a large scenario) stay
     * here until `loadDiagnostics` asks for them, so the answer crosses to the main thread as two
     * messages, each deserialised in a task of its own, instead of one long one; the cluster's
     * policy refs as columns (engine/clusterView.ts, `PackedRefs`).
     */
    loadApart(files: readonly ManifestFile[]): LoadApartAnswer {
      const { diagnostics, cluster, ...answer } = load(files);
      kept = { id: ++loads, diagnostics };
      return { ...answer, cluster: cluster && packClusterView(cluster), diagnosticsId: kept.id };
    },
    /** The diagnostics of the load `loadApart` answered with `id`. */
    loadDiagnostics(id: number): readonly Diagnostic[] {
      if (kept?.id !== id)
        throw new Error(`The diagnostics of load ${id} are gone: a newer load replaced them.`);
      return kept.diagnostics;
    },
    /** The hops of one packet under each configuration asked for (e.g. Calico and Cilium). */
    walk(configs: readonly WalkConfig[], packet: PacketSpec): WalkAnswer[] {
      const engine = session.engine();
      if (!engine) throw new Error('No scenario is loaded yet.');
      return configs.map((config) => {
        try {
          return { ok: true, result: walk(engine, config, packet) };
        } catch (error) {
          if (error instanceof WalkInputError) return { ok: false, error: error.message };
          throw error;
        }
      });
    },
    /**
     * One node's dataplane as the tools print it, in structured lines (datapath/dataplaneDump.ts):
     * computed here, since a dump of thousands of policies is large.
     */
    dataplane(config: WalkConfig, node: string | null, packet?: PacketSpec | null): DataplaneDump {
      const engine = session.engine();
      if (!engine) throw new Error('No scenario is loaded yet.');
      return dataplaneDump(engine, config, node, packet ?? null);
    },
    /**
     * What each configuration's panel draws (nodes, layers, network, names), in the order asked:
     * computed here beside the walk, so the main thread only draws.
     */
    scenes(configs: readonly WalkConfig[]): Scene[] {
      const engine = session.engine();
      if (!engine) throw new Error('No scenario is loaded yet.');
      return configs.map((config) => buildScene(engine.cluster, config));
    },
    /**
     * The O(N) vs O(1) sweep over the loaded scenario (engine/sweep.ts): both models at each policy
     * count, with progress per step (parse batches, then samples); a false from `onProgress` stops it.
     */
    scaleSweep(options: SweepOptions, onProgress?: SweepProgress): Promise<ScaleSweep> {
      const engine = session.engine();
      if (!engine) throw new Error('No scenario is loaded yet.');
      return sweepScale(engine.cluster, options, onProgress);
    },
    /**
     * "Run traffic" (issue 17): the scenario's traffic walked through both CNIs, as the flow views
     * read it (datapath/flows/flowsData.ts), with progress every batch of connections; a false from
     * `onProgress` stops it.
     */
    runTraffic(request: FlowsRequest, onProgress?: FlowsProgress): Promise<FlowsData | null> {
      const engine = session.engine();
      if (!engine) throw new Error('No scenario is loaded yet.');
      return runFlows(engine, request, onProgress);
    },
    /**
     * "Generate a large cluster" (engine/generate.ts): the manifests as YAML text, with progress
     * (documents written of all) every 500 documents; a false from `onProgress` stops it. The text
     * goes back to the app, which loads it like any scenario (and keeps the user's edits of it).
     */
    async generateCluster(
      options: GenerateOptions,
      onProgress: GenerateProgress,
    ): Promise<GenerateAnswer> {
      const started = performance.now();
      try {
        const text = await generateClusterStream(options, onProgress);
        return { ok: true, text, elapsedMs: Math.round(performance.now() - started) };
      } catch (error) {
        if (error instanceof GenerateOptionsError) return { ok: false, problems: error.problems };
        if (error instanceof GenerateCancelled) return { ok: false, cancelled: true };
        throw error;
      }
    },
  };
}

export type WorkerApi = ReturnType<typeof createWorkerApi>;
