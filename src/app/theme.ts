/**
 * Applies the theme to <html data-theme> and keeps it in step with the store and the system setting.
 * The preference is remembered in localStorage; a missing or broken entry means "follow the system".
 *
 * public/theme-boot.js does the same before the first paint (index.html runs it as the head is
 * parsed, long before this module): keep the key, the values, the "system" fallback, the presenter
 * link (`presenting`) and what `apply` sets on <html> in step with it (src/app/themeBoot.test.ts
 * compares the two).
 */
import {
  resolveTheme,
  THEME_PREFERENCES,
  type AppStore,
  type Route,
  type Theme,
  type ThemePreference,
} from '../store';

export const THEME_STORAGE_KEY = 'packetwalk.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

/** A presenter link, as parseLessonHash (lessonView.ts) reads one: `#/present/<id>[/<n>]`. */
const PRESENTER_HASH = /^#\/present\/[^/]+(?:\/\d+)?$/;

/**
 * Presenter mode is shown in the projector theme, whatever the preference (which stays as it was, in
 * the store and in storage, and comes back when the presenter is left): while the route presents a
 * lesson, and while a presenter link is not opened yet (its `opening` Loading line, or the walk,
 * until the controller has the lessons and reads the hash). public/theme-boot.js decides the same
 * from the hash.
 */
export function presenting(route: Route, hash: string): boolean {
  if (route.page === 'lesson') return route.mode === 'present';
  return (route.page === 'walk' || route.page === 'opening') && PRESENTER_HASH.test(hash);
}

export function readStoredThemePreference(
  storage: Pick<Storage, 'getItem'> | undefined,
): ThemePreference {
  try {
    const value = storage?.getItem(THEME_STORAGE_KEY);
    return THEME_PREFERENCES.includes(value as ThemePreference)
      ? (value as ThemePreference)
      : 'system';
  } catch {
    return 'system';
  }
}

/** Starts syncing; returns the function that stops it. */
export function syncTheme(store: AppStore, win: Window = window): () => void {
  const media = win.matchMedia(DARK_QUERY);
  const apply = () => {
    const { themePreference, route } = store.getState();
    const theme: Theme = presenting(route, win.location.hash)
      ? 'projector'
      : resolveTheme(themePreference, media.matches);
    const root = win.document.documentElement;
    root.dataset.theme = theme;
    root.dataset.themePreference = themePreference;
    root.style.colorScheme = theme === 'light' ? 'light' : 'dark';
  };
  apply();
  const unsubscribe = store.subscribe((state, previous) => {
    if (state.themePreference !== previous.themePreference) {
      try {
        win.localStorage.setItem(THEME_STORAGE_KEY, state.themePreference);
      } catch {
        // Private mode or a full quota: the choice still holds for this session.
      }
    } else if (state.route === previous.route) return;
    apply();
  });
  media.addEventListener('change', apply);
  return () => {
    unsubscribe();
    media.removeEventListener('change', apply);
  };
}
