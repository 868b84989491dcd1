/**
 * The app's view state in one zustand store, created by a factory so each test and each app instance
 * gets a fresh one. State is plain serialisable data; actions are the only way to change it.
 */
import { createStore } from 'zustand/vanilla';
import type { CalicoConfig, CiliumConfig } from '../datapath/config';
import type { WalkResult } from '../datapath/walk';
import type { Cluster, Cni, Diagnostic } from '../engine/model';
import type { ProbeVerdict } from '../engine/verdict';
import type { Scene } from '../scene/scene';
import type { EngineMode } from '../worker/client';
import {
  DEFAULT_VIEW,
  type Layout,
  type PacketChoice,
  type PanelId,
  type ViewState,
} from './viewState';

/** Which page is open: the free visualizer, the lesson list, or a step of a lesson (0-based). */
export type Route =
  | { readonly page: 'walk' }
  | { readonly page: 'lessons' }
  | {
      readonly page: 'lesson';
      readonly lessonId: string;
      readonly step: number;
      /** Presenter mode (full screen, projector) or its speaker view (notes, next step, timer). */
      readonly mode?: 'present' | 'speaker';
    };

export type ThemePreference = 'system' | 'light' | 'dark' | 'projector';
export type Theme = 'light' | 'dark' | 'projector';
/** A job the engine is busy with, as the status line shows it. */
export interface EngineJob {
  readonly label: string;
  readonly done?: number;
  readonly total?: number;
}
/** Where the engine runs (the client's word), or 'starting' before it has said. */
export type { EngineMode };

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

export interface AppViewState {
  readonly themePreference: ThemePreference;
  readonly engineMode: EngineMode | 'starting';
  /** The last error the engine reported, shown to the user until the next one. */
  readonly engineError: string | null;
  /** The engine's longest-running job in flight, with its progress when it reports one. */
  readonly engineJob: EngineJob | null;
  /** Counts the user's requests to cancel the engine's job (the engine client watches it). */
  readonly engineCancelRequests: number;
  readonly loadedScenario: LoadedScenario | null;
  readonly route: Route;
  /** Words a lesson step asks the inspector to highlight (a chain, a map, a route). */
  readonly highlight: readonly string[];
  /** The URL-backed view: scenario, modes, packet, step, layout, panels. */
  readonly view: ViewState;
  /** A message for the user that stays until dismissed (e.g. a link that did not decode). */
  readonly notice: string | null;
  /** Data the engine computed for the view (not in the URL: it is derived). */
  readonly cluster: Cluster | null;
  readonly diagnostics: readonly Diagnostic[];
  readonly walks: Readonly<Partial<Record<Cni, WalkOutcome>>>;
  /** What each CNI panel draws under the view's modes, computed by the engine beside the walks. */
  readonly scenes: Readonly<Partial<Record<Cni, Scene>>>;
  readonly matrix: readonly ProbeVerdict[] | null;
}

/** A walk, or why there is none (the packet does not make sense for the scenario). */
export type WalkOutcome =
  | { readonly ok: true; readonly result: WalkResult }
  | { readonly ok: false; readonly error: string };

export interface AppActions {
  setThemePreference(preference: ThemePreference): void;
  /** The theme button: follow the system, then force light, then force dark. */
  cycleThemePreference(): void;
  setEngineMode(mode: EngineMode): void;
  setEngineError(message: string | null): void;
  setEngineJob(job: EngineJob | null): void;
  requestEngineCancel(): void;
  setLoadedScenario(scenario: LoadedScenario | null): void;
  setView(view: ViewState): void;
  setRoute(route: Route): void;
  setHighlight(words: readonly string[]): void;
  setScenario(id: string): void;
  /** Edited manifests for the current scenario; null returns to the built-in text. */
  setScenarioText(text: string | null): void;
  setCalico(config: CalicoConfig): void;
  setCilium(config: CiliumConfig): void;
  setPacket(packet: PacketChoice | null): void;
  setStep(step: number): void;
  setLayout(layout: Layout): void;
  togglePanel(panel: PanelId): void;
  setMatrixPort(port: number | null): void;
  setNotice(notice: string | null): void;
  setEngineData(
    data: Partial<Pick<AppViewState, 'cluster' | 'diagnostics' | 'walks' | 'scenes' | 'matrix'>>,
  ): void;
}

export type AppState = AppViewState & AppActions;

export const THEME_PREFERENCES: readonly ThemePreference[] = [
  'system',
  'light',
  'dark',
  'projector',
];

export function nextThemePreference(current: ThemePreference): ThemePreference {
  const i = THEME_PREFERENCES.indexOf(current);
  return THEME_PREFERENCES[(i + 1) % THEME_PREFERENCES.length]!;
}

export function resolveTheme(preference: ThemePreference, systemPrefersDark: boolean): Theme {
  if (preference === 'system') return systemPrefersDark ? 'dark' : 'light';
  return preference;
}

export const DEFAULT_VIEW_STATE: AppViewState = {
  themePreference: 'system',
  engineMode: 'starting',
  engineError: null,
  engineJob: null,
  engineCancelRequests: 0,
  loadedScenario: null,
  route: { page: 'walk' },
  highlight: [],
  view: DEFAULT_VIEW,
  notice: null,
  cluster: null,
  diagnostics: [],
  walks: {},
  scenes: {},
  matrix: null,
};

export function createAppStore(initial: Partial<AppViewState> = {}) {
  return createStore<AppState>()((set) => ({
    ...DEFAULT_VIEW_STATE,
    ...initial,
    setThemePreference: (themePreference) => set({ themePreference }),
    cycleThemePreference: () =>
      set((s) => ({ themePreference: nextThemePreference(s.themePreference) })),
    setEngineMode: (engineMode) => set({ engineMode }),
    setEngineError: (engineError) => set({ engineError }),
    setEngineJob: (engineJob) => set({ engineJob }),
    requestEngineCancel: () => set((s) => ({ engineCancelRequests: s.engineCancelRequests + 1 })),
    setLoadedScenario: (loadedScenario) => set({ loadedScenario }),
    setView: (view) => set({ view }),
    setRoute: (route) => set({ route }),
    setHighlight: (highlight) => set({ highlight }),
    setScenario: (scenarioId) =>
      set((s) => ({ view: { ...s.view, scenarioId, scenarioText: null, packet: null, step: 0 } })),
    setScenarioText: (scenarioText) => set((s) => ({ view: { ...s.view, scenarioText } })),
    setCalico: (calico) => set((s) => ({ view: { ...s.view, calico } })),
    setCilium: (cilium) => set((s) => ({ view: { ...s.view, cilium } })),
    setPacket: (packet) => set((s) => ({ view: { ...s.view, packet, step: 0 } })),
    setStep: (step) => set((s) => ({ view: { ...s.view, step: Math.max(0, Math.trunc(step)) } })),
    setLayout: (layout) => set((s) => ({ view: { ...s.view, layout } })),
    togglePanel: (panel) =>
      set((s) => ({
        view: {
          ...s.view,
          panels: s.view.panels.includes(panel)
            ? s.view.panels.filter((p) => p !== panel)
            : [...s.view.panels, panel],
        },
      })),
    setMatrixPort: (matrixPort) => set((s) => ({ view: { ...s.view, matrixPort } })),
    setNotice: (notice) => set({ notice }),
    setEngineData: (data) => set(data),
  }));
}

export type AppStore = ReturnType<typeof createAppStore>;

// Selectors at module scope, returning primitives, so components re-render only on real change.
export const selectThemePreference = (s: AppState): ThemePreference => s.themePreference;
export const selectEngineMode = (s: AppState): EngineMode | 'starting' => s.engineMode;
export const selectEngineError = (s: AppState): string | null => s.engineError;
export const selectLoadedScenario = (s: AppState): LoadedScenario | null => s.loadedScenario;
