/**
 * The flows slice (issue 17): the traffic run the Flows panel shows, as the worker streams it in
 * (app/flowsQuery.ts), and the user's Stop and Run again. The panel's tab and filters are in the
 * view (the URL), so a link opens the same filtered flows.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { FlowsData } from '../../datapath/flows/flowsData';

export interface FlowsRunState {
  /** The cluster the run walked: a run of an older scenario is not shown as this one's. */
  readonly cluster: object;
  readonly status: 'running' | 'done' | 'stopped' | 'failed';
  /** Connections walked, of all. */
  readonly done: number;
  readonly total: number;
  readonly data?: FlowsData;
  /** Why it failed, in a sentence. */
  readonly error?: string;
}

export interface FlowsSliceState {
  readonly flowsRun: FlowsRunState | null;
  /** Counts the user's Stops (the run ends before its next batch, keeping the worker). */
  readonly flowsStopRequests: number;
  /** Counts the user's asks to run the traffic again. */
  readonly flowsRuns: number;
}

export interface FlowsSliceActions {
  setFlowsRun(state: FlowsRunState | null): void;
  stopFlows(): void;
  runFlowsAgain(): void;
}

export type FlowsSlice = FlowsSliceState & FlowsSliceActions;

export const DEFAULT_FLOWS_SLICE: FlowsSliceState = {
  flowsRun: null,
  flowsStopRequests: 0,
  flowsRuns: 0,
};

export const createFlowsSlice: StateCreator<FlowsSlice> = (set) => ({
  ...DEFAULT_FLOWS_SLICE,
  setFlowsRun: (flowsRun) => set({ flowsRun }),
  stopFlows: () => set((s) => ({ flowsStopRequests: s.flowsStopRequests + 1 })),
  runFlowsAgain: () => set((s) => ({ flowsRuns: s.flowsRuns + 1 })),
});
