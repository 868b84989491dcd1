/**
 * The app's view state in one zustand store, created by a factory so each test and each app instance
 * gets a fresh one. State is plain serialisable data; actions are the only way to change it.
 */
import { createStore } from 'zustand/vanilla';

export type ThemePreference = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';
export type EngineMode = 'starting' | 'worker' | 'main-thread';

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
  readonly engineMode: EngineMode;
  /** The last error the engine reported, shown to the user until the next one. */
  readonly engineError: string | null;
  readonly loadedScenario: LoadedScenario | null;
}

export interface AppActions {
  setThemePreference(preference: ThemePreference): void;
  /** The theme button: follow the system, then force light, then force dark. */
  cycleThemePreference(): void;
  setEngineMode(mode: EngineMode): void;
  setEngineError(message: string | null): void;
  setLoadedScenario(scenario: LoadedScenario | null): void;
}

export type AppState = AppViewState & AppActions;

export const THEME_PREFERENCES: readonly ThemePreference[] = ['system', 'light', 'dark'];

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
  loadedScenario: null,
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
    setLoadedScenario: (loadedScenario) => set({ loadedScenario }),
  }));
}

export type AppStore = ReturnType<typeof createAppStore>;

// Selectors at module scope, returning primitives, so components re-render only on real change.
export const selectThemePreference = (s: AppState): ThemePreference => s.themePreference;
export const selectEngineMode = (s: AppState): EngineMode => s.engineMode;
export const selectEngineError = (s: AppState): string | null => s.engineError;
export const selectLoadedScenario = (s: AppState): LoadedScenario | null => s.loadedScenario;
