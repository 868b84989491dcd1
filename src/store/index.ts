// The store's public face: components import from here, never from the modules behind it.
export {
  createAppStore,
  nextThemePreference,
  resolveTheme,
  selectEngineError,
  selectEngineMode,
  selectLoadedScenario,
  selectThemePreference,
  THEME_PREFERENCES,
} from './appStore';
export type {
  AppState,
  AppStore,
  AppViewState,
  EngineJob,
  EngineMode,
  LoadedScenario,
  Route,
  WalkOutcome,
  Theme,
  ThemePreference,
} from './appStore';
export { StoreProvider, useAppStore, useAppStoreApi } from './context';
export { TimelineProvider, usePlaybackPace, useTimeline, useTimelineSelector } from './timeline';
export { DEFAULT_VIEW, LAYOUTS, PANELS, decodeView, encodeView } from './viewState';
export type { DecodedView, Layout, PacketChoice, PanelId, ViewState } from './viewState';
