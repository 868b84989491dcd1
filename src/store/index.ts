// The store's public face: components import from here, never from the modules behind it.
export {
  createAppStore,
  nextThemePreference,
  resolveTheme,
  showsVisualizer,
  THEME_PREFERENCES,
} from './appStore';
export * from './selectors';
export { useShallow } from 'zustand/react/shallow';
export type {
  AppActions,
  AppState,
  AppStore,
  AppViewState,
  EngineJob,
  EngineMode,
  LoadedScenario,
  Route,
  GenerationState,
  ScaleSweepState,
  DataplaneFocus,
  FlowsRunState,
  WalkOutcome,
  Theme,
  ThemePreference,
  LibraryActions,
  UndoOffer,
  UserScenario,
} from './appStore';
export { isUserScenarioId, USER_SCENARIO_PREFIX } from './slices/librarySlice';
export { StoreProvider, useAppActions, useAppStore, useAppStoreApi } from './context';
export { TimelineProvider, usePlaybackPace, useTimeline, useTimelineSelector } from './timeline';
export {
  DEFAULT_FLOWS_VIEW,
  DEFAULT_VIEW,
  FLOW_TABS,
  LAYOUTS,
  PANELS,
  decodeView,
  encodeView,
  LINK_TEXT_MAX,
  linkCarriesText,
} from './viewState';
export type {
  DecodedView,
  FlowTab,
  FlowsView,
  Layout,
  PacketChoice,
  PanelId,
  ViewState,
} from './viewState';
