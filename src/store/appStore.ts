/**
 * The app's state in one zustand store, composed of slices, each its own module with its actions
 * (slices/): view (the URL-backed ViewState), engine (what the engine holds and computed), scale
 * (the O(N) vs O(1) sweep), and ui (theme, route, highlight, notice). Created by a factory so each
 * test and each app instance gets a fresh one. Components read it through the named selectors in
 * selectors.ts.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  createEngineSlice,
  DEFAULT_ENGINE_SLICE,
  type EngineSlice,
  type EngineSliceState,
} from './slices/engineSlice';
import {
  createScaleSlice,
  DEFAULT_SCALE_SLICE,
  type ScaleSlice,
  type ScaleSliceState,
} from './slices/scaleSlice';
import {
  createDataplaneSlice,
  DEFAULT_DATAPLANE_SLICE,
  type DataplaneSlice,
  type DataplaneSliceState,
} from './slices/dataplaneSlice';
import {
  createFlowsSlice,
  DEFAULT_FLOWS_SLICE,
  type FlowsSlice,
  type FlowsSliceState,
} from './slices/flowsSlice';
import {
  createLibrarySlice,
  DEFAULT_LIBRARY_SLICE,
  type LibrarySlice,
  type LibrarySliceState,
} from './slices/librarySlice';
import { createUiSlice, DEFAULT_UI_SLICE, type UiSlice, type UiSliceState } from './slices/uiSlice';
import {
  createViewSlice,
  DEFAULT_VIEW_SLICE,
  type ViewSlice,
  type ViewSliceState,
} from './slices/viewSlice';

export type {
  EngineData,
  EngineJob,
  EngineMode,
  LoadedScenario,
  WalkOutcome,
} from './slices/engineSlice';
export type { GenerationState, ScaleSweepState } from './slices/scaleSlice';
export type { DataplaneFocus } from './slices/dataplaneSlice';
export type { FlowsRunState } from './slices/flowsSlice';
export type { Route, Theme, ThemePreference } from './slices/uiSlice';
export type { LibraryActions, UndoOffer, UserScenario } from './slices/librarySlice';
export {
  nextThemePreference,
  resolveTheme,
  showsVisualizer,
  THEME_PREFERENCES,
} from './slices/uiSlice';

/** The store's data, without its actions: what a test or the app's edge may start it with. */
export type AppViewState = ViewSliceState &
  EngineSliceState &
  ScaleSliceState &
  DataplaneSliceState &
  FlowsSliceState &
  LibrarySliceState &
  UiSliceState;
export type AppState = ViewSlice &
  EngineSlice &
  ScaleSlice &
  DataplaneSlice &
  FlowsSlice &
  LibrarySlice &
  UiSlice;
export type AppActions = Omit<AppState, keyof AppViewState>;

export const DEFAULT_VIEW_STATE: AppViewState = {
  ...DEFAULT_VIEW_SLICE,
  ...DEFAULT_ENGINE_SLICE,
  ...DEFAULT_SCALE_SLICE,
  ...DEFAULT_DATAPLANE_SLICE,
  ...DEFAULT_FLOWS_SLICE,
  ...DEFAULT_LIBRARY_SLICE,
  ...DEFAULT_UI_SLICE,
};

export function createAppStore(initial: Partial<AppViewState> = {}) {
  return createStore<AppState>()((set, get, api) => {
    // Each slice sees the store through its own part of the state; the parts do not overlap.
    const as = <S>() =>
      [set, get, api] as unknown as [StoreApi<S>['setState'], StoreApi<S>['getState'], StoreApi<S>];
    return {
      ...createViewSlice(...as<ViewSlice>()),
      ...createEngineSlice(...as<EngineSlice>()),
      ...createScaleSlice(...as<ScaleSlice>()),
      ...createDataplaneSlice(...as<DataplaneSlice>()),
      ...createFlowsSlice(...as<FlowsSlice>()),
      ...createLibrarySlice(...as<LibrarySlice>()),
      ...createUiSlice(...as<UiSlice>()),
      ...initial,
    };
  });
}

export type AppStore = ReturnType<typeof createAppStore>;
