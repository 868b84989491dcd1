/*
 * The theme before the first paint: index.html loads this classic script synchronously in <head>, so
 * <html data-theme> is set before the page is drawn (the app's bundle is a module, run only after
 * the document is parsed, and would paint a dark or projector reload light first). A file of its own
 * because the Content-Security-Policy (vite.config.ts) allows no inline script: 'self' allows it.
 *
 * Keep in step with src/app/theme.ts, which takes over once the app runs: the same localStorage key
 * (THEME_STORAGE_KEY) and values (THEME_PREFERENCES in src/store/slices/uiSlice.ts), a missing or
 * unknown value read as "system", "system" resolved by prefers-color-scheme (resolveTheme), the
 * projector theme on a presenter link (`presenting`), and the same three things set on <html>
 * (syncTheme's apply). src/app/themeBoot.test.ts checks they agree. Nothing is written to storage.
 */
(function () {
  var preference = 'system';
  try {
    var stored = window.localStorage.getItem('packetwalk.theme');
    if (stored === 'system' || stored === 'light' || stored === 'dark' || stored === 'projector')
      preference = stored;
  } catch {
    // No storage (private mode, blocked): follow the system.
  }
  var systemDark = false;
  try {
    systemDark = window.matchMedia('(prefers-color-scheme: dark)').matches;
  } catch {
    // No matchMedia: light, as the stylesheet's default.
  }
  // A presenter link (`#/present/<id>[/<n>]`, theme.ts's `presenting`) is shown in the projector
  // theme; the preference stays as stored, for when the presenter is left.
  var theme = /^#\/present\/[^/]+(?:\/\d+)?$/.test(window.location.hash)
    ? 'projector'
    : preference === 'system'
      ? systemDark
        ? 'dark'
        : 'light'
      : preference;
  var root = document.documentElement;
  root.dataset.theme = theme;
  root.dataset.themePreference = preference;
  root.style.colorScheme = theme === 'light' ? 'light' : 'dark';
})();
