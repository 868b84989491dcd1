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
  EngineMode,
  LoadedScenario,
  Theme,
  ThemePreference,
} from './appStore';
export { StoreProvider, useAppStore, useAppStoreApi } from './context';
