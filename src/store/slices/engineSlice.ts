/**
 * The engine slice: what the engine holds and computed for the view (loaded scenario, cluster,
 * diagnostics, walks, scenes, matrix) and how it is doing (mode, error, job, cancel requests).
 * None of it is in the URL: it is derived from the view by the engine queries (app/queries.ts).
 */
import type { StateCreator } from 'zustand/vanilla';
import type { WalkResult } from '../../datapath/walk';
import type { MatrixData } from '../../engine/matrixData';
import type { Cni, Diagnostic, Probe } from '../../engine/model';
import type { ProbeVerdict, VerdictResult } from '../../engine/verdict';
import type { Scene } from '../../scene/scene';
import type { EngineMode } from '../../worker/client';
import type { ClusterView } from '../../engine/clusterView';

/** Where the engine runs (the client's word), or 'starting' before it has said. */
export type { EngineMode };

/** A job the engine is busy with, as the status line shows it. */
export interface EngineJob {
  readonly label: string;
  readonly done?: number;
  readonly total?: number;
}

/** What the engine holds now, as the footer reports it. */
export interface LoadedScenario {
  readonly id: string;
  readonly pods: number;
  readonly policies: number;
  readonly warnings: number;
  /** The engine's own word on where it ran the load (true inside a Web Worker). */
  readonly inWorker: boolean;
  /** The nodes to draw: name, InternalIP, pod CIDR. */
  readonly nodes: readonly {
    readonly name: string;
    readonly address: string;
    readonly podCIDR: string;
  }[];
}

/**
 * The matrix of a large scenario as it streams in from the worker. `data`'s arrays fill in place
 * (a million cells are not copied per band); `done` changes with every band, so a memo keyed on it
 * sees each one.
 */
export interface ScaleMatrix {
  readonly data: MatrixData | null;
  /** Probes computed, of all. */
  readonly done: number;
  readonly total: number;
  readonly status: 'computing' | 'done' | 'cancelled';
  /** How long the worker took, once it finished or stopped. */
  readonly elapsedMs?: number;
}

/** A walk, or why there is none (the packet does not make sense for the scenario). */
export type WalkOutcome =
  | { readonly ok: true; readonly result: WalkResult }
  | { readonly ok: false; readonly error: string };

export interface EngineSliceState {
  readonly engineMode: EngineMode | 'starting';
  /** The last error the engine reported, shown to the user until the next one. */
  readonly engineError: string | null;
  /** The engine's longest-running job in flight, with its progress when it reports one. */
  readonly engineJob: EngineJob | null;
  /** Counts the user's requests to cancel the engine's job (the engine client watches it). */
  readonly engineCancelRequests: number;
  readonly loadedScenario: LoadedScenario | null;
  /** The loaded cluster, its policies cut to where they are written (worker/clusterView.ts). */
  readonly cluster: ClusterView | null;
  readonly diagnostics: readonly Diagnostic[];
  readonly walks: Readonly<Partial<Record<Cni, WalkOutcome>>>;
  /** What each CNI panel draws under the view's modes, computed by the engine beside the walks. */
  readonly scenes: Readonly<Partial<Record<Cni, Scene>>>;
  /** The explained matrix of a small scenario (every verdict with its reasons). */
  readonly matrix: readonly ProbeVerdict[] | null;
  /** The streamed matrix of a large scenario (engine/matrix.ts), null for a small one. */
  readonly matrixScale: ScaleMatrix | null;
  /** Counts the user's Cancels of the streamed matrix (it stops before its next band). */
  readonly matrixCancelRequests: number;
  /** Counts the user's asks to compute the matrix again (after a cancel). */
  readonly matrixRuns: number;
  /** The one matrix cell the user opened, and its explained verdict once the engine answered. */
  readonly matrixCellProbe: Probe | null;
  readonly matrixCellVerdict: VerdictResult | null;
}

/** The fields the engine queries write in one go. */
export type EngineData = Pick<
  EngineSliceState,
  'cluster' | 'diagnostics' | 'walks' | 'scenes' | 'matrix' | 'matrixScale' | 'matrixCellVerdict'
>;

export interface EngineSliceActions {
  setEngineMode(mode: EngineMode): void;
  setEngineError(message: string | null): void;
  setEngineJob(job: EngineJob | null): void;
  requestEngineCancel(): void;
  setLoadedScenario(scenario: LoadedScenario | null): void;
  setEngineData(data: Partial<EngineData>): void;
  cancelMatrix(): void;
  recomputeMatrix(): void;
  /** Asks the engine for the explained verdict of one matrix cell (null closes it). */
  openMatrixCell(probe: Probe | null): void;
}

export type EngineSlice = EngineSliceState & EngineSliceActions;

export const DEFAULT_ENGINE_SLICE: EngineSliceState = {
  engineMode: 'starting',
  engineError: null,
  engineJob: null,
  engineCancelRequests: 0,
  loadedScenario: null,
  cluster: null,
  diagnostics: [],
  walks: {},
  scenes: {},
  matrix: null,
  matrixScale: null,
  matrixCancelRequests: 0,
  matrixRuns: 0,
  matrixCellProbe: null,
  matrixCellVerdict: null,
};

export const createEngineSlice: StateCreator<EngineSlice> = (set) => ({
  ...DEFAULT_ENGINE_SLICE,
  setEngineMode: (engineMode) => set({ engineMode }),
  setEngineError: (engineError) => set({ engineError }),
  setEngineJob: (engineJob) => set({ engineJob }),
  requestEngineCancel: () => set((s) => ({ engineCancelRequests: s.engineCancelRequests + 1 })),
  setLoadedScenario: (loadedScenario) => set({ loadedScenario }),
  setEngineData: (data) => set(data),
  cancelMatrix: () => set((s) => ({ matrixCancelRequests: s.matrixCancelRequests + 1 })),
  recomputeMatrix: () => set((s) => ({ matrixRuns: s.matrixRuns + 1 })),
  openMatrixCell: (matrixCellProbe) => set({ matrixCellProbe, matrixCellVerdict: null }),
});
