// The store's public face: components import from here, never from the modules behind it.
export {
  createAppStore,
  nextThemePreference,
  resolveTheme,
  selectEngineError,
  selectEngineMode,
  selectThemePreference,
  THEME_PREFERENCES,
} from './appStore';
export type {
  AppState,
  AppStore,
  AppViewState,
  EngineMode,
  Theme,
  ThemePreference,
} from './appStore';
export { StoreProvider, useAppStore, useAppStoreApi } from './context';
