/**
 * The scale slice (issue 15): the O(N) vs O(1) sweep (engine/sweep.ts) as the worker streams it in,
 * sample by sample, and the user's stop and measure-again. Not in the URL: the engine query
 * (app/scaleQuery.ts) derives it from the loaded scenario and the view's packet while the Scale
 * panel is open.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { Cluster } from '../../engine/model';
import type { SweepPacket, SweepSample } from '../../engine/sweep';

export interface ScaleSweepState {
  /** The cluster the sweep measured: a sweep of an older scenario is not shown as this one's. */
  readonly cluster: Cluster;
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

export interface ScaleSliceState {
  readonly scaleSweep: ScaleSweepState | null;
  /** Counts the user's stops (the sweep ends before its next step, keeping the worker). */
  readonly scaleStopRequests: number;
  /** Counts the user's asks to measure again (after a stop). */
  readonly scaleRuns: number;
}

export interface ScaleSliceActions {
  setScaleSweep(state: ScaleSweepState | null): void;
  stopScaleSweep(): void;
  measureScaleAgain(): void;
}

export type ScaleSlice = ScaleSliceState & ScaleSliceActions;

export const DEFAULT_SCALE_SLICE: ScaleSliceState = {
  scaleSweep: null,
  scaleStopRequests: 0,
  scaleRuns: 0,
};

export const createScaleSlice: StateCreator<ScaleSlice> = (set) => ({
  ...DEFAULT_SCALE_SLICE,
  setScaleSweep: (scaleSweep) => set({ scaleSweep }),
  stopScaleSweep: () => set((s) => ({ scaleStopRequests: s.scaleStopRequests + 1 })),
  measureScaleAgain: () => set((s) => ({ scaleRuns: s.scaleRuns + 1 })),
});
