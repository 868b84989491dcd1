/**
 * What the worker exposes: the engine's API plus the datapath walk and the scene (what each CNI
 * panel draws) over the engine's loaded scenario. Lives here, not in engine/, because engine/ may
 * not import datapath/ or scene/.
 */
import type { WalkConfig } from '../datapath/config';
import { WalkInputError, type PacketSpec } from '../datapath/packet';
import { walk, type WalkResult } from '../datapath/walk';
import { createEngineSession } from '../engine/api';
import {
  sweepScale,
  type ScaleSweep,
  type SweepOptions,
  type SweepProgress,
} from '../engine/sweep';
import { buildScene, type Scene } from '../scene/scene';

export type WalkAnswer = { ok: true; result: WalkResult } | { ok: false; error: string };

export function createWorkerApi() {
  const session = createEngineSession();
  return {
    ...session.api,
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
  };
}

export type WorkerApi = ReturnType<typeof createWorkerApi>;
