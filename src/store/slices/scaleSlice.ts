/**
 * The scale slice (issue 15): the O(N) vs O(1) sweep (engine/sweep.ts) as the worker streams it in,
 * sample by sample, and the user's stop and measure-again. Not in the URL: the engine query
 * (app/scaleQuery.ts) derives it from the loaded scenario and the view's packet while the Scale
 * panel is open. Also "Generate a large cluster": the generated scenario's text as the worker writes
 * it (app/generateQuery.ts), its progress, and the user's stops.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { ClusterView } from '../../engine/clusterView';
import type { SweepPacket, SweepSample } from '../../engine/sweep';

export interface ScaleSweepState {
  /** The cluster the sweep measured: a sweep of an older scenario is not shown as this one's. */
  readonly cluster: ClusterView;
  /** The packet measured, and the scenario's own policies (every dialect). */
  readonly packet: SweepPacket;
  readonly basePolicies: number;
  /** The samples so far, by policies added (all of them once `status` is done). */
  readonly samples: readonly SweepSample[];
  /** Steps done of all (parse batches, then samples). */
  readonly done: number;
  readonly total: number;
  readonly status: 'computing' | 'done' | 'stopped' | 'failed';
  /** Why it failed, in a sentence. */
  readonly error?: string;
}

/** A generated scenario (`gen:…` id) as the worker writes it, then its text. */
export interface GenerationState {
  /** The scenario id (`gen:` and its token) this is the text of. */
  readonly id: string;
  readonly status: 'generating' | 'done' | 'cancelled' | 'failed';
  /** Documents written, of all. */
  readonly done: number;
  readonly total: number;
  /** The manifests, once done. */
  readonly text?: string;
  readonly elapsedMs?: number;
  /** Why it failed, in a sentence. */
  readonly error?: string;
}

export interface ScaleSliceState {
  readonly scaleSweep: ScaleSweepState | null;
  /** Counts the user's stops (the sweep ends before its next step, keeping the worker). */
  readonly scaleStopRequests: number;
  /** Counts the user's asks to measure again (after a stop). */
  readonly scaleRuns: number;
  readonly generation: GenerationState | null;
  /** Counts the user's Cancels of a generation (it stops before its next batch of documents). */
  readonly generateStopRequests: number;
  /** Counts the user's asks to generate again (after a cancel or a failure). */
  readonly generateRuns: number;
}

export interface ScaleSliceActions {
  setScaleSweep(state: ScaleSweepState | null): void;
  stopScaleSweep(): void;
  measureScaleAgain(): void;
  setGeneration(state: GenerationState | null): void;
  stopGenerating(): void;
  generateAgain(): void;
}

export type ScaleSlice = ScaleSliceState & ScaleSliceActions;

export const DEFAULT_SCALE_SLICE: ScaleSliceState = {
  scaleSweep: null,
  scaleStopRequests: 0,
  scaleRuns: 0,
  generation: null,
  generateStopRequests: 0,
  generateRuns: 0,
};

export const createScaleSlice: StateCreator<ScaleSlice> = (set) => ({
  ...DEFAULT_SCALE_SLICE,
  setScaleSweep: (scaleSweep) => set({ scaleSweep }),
  stopScaleSweep: () => set((s) => ({ scaleStopRequests: s.scaleStopRequests + 1 })),
  measureScaleAgain: () => set((s) => ({ scaleRuns: s.scaleRuns + 1 })),
  setGeneration: (generation) => set({ generation }),
  stopGenerating: () => set((s) => ({ generateStopRequests: s.generateStopRequests + 1 })),
  generateAgain: () => set((s) => ({ generateRuns: s.generateRuns + 1 })),
});
