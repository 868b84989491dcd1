// @vitest-environment jsdom
/**
 * public/theme-boot.js (run by index.html before the first paint) and syncTheme (run by the app)
 * must put the same theme on <html> for every stored value and system setting: otherwise a reload
 * would paint one theme and switch to another when the bundle runs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAppStore, THEME_PREFERENCES } from '../store';
import { readStoredThemePreference, syncTheme, THEME_STORAGE_KEY } from './theme';

const BOOT = readFileSync(join(process.cwd(), 'public', 'theme-boot.js'), 'utf8');

function system(dark: boolean) {
  vi.stubGlobal('matchMedia', (query: string) => ({
    matches: query === '(prefers-color-scheme: dark)' && dark,
    addEventListener: () => {},
    removeEventListener: () => {},
  }));
}

/** What is on <html> after `run`, from a bare element. */
function htmlAfter(run: () => void) {
  const root = document.documentElement;
  delete root.dataset.theme;
  delete root.dataset.themePreference;
  root.style.colorScheme = '';
  run();
  return {
    theme: root.dataset.theme,
    preference: root.dataset.themePreference,
    colorScheme: root.style.colorScheme,
  };
}

const boot = () => htmlAfter(() => new Function(BOOT)());
const app = () =>
  htmlAfter(() =>
    syncTheme(createAppStore({ themePreference: readStoredThemePreference(localStorage) }))(),
  );

afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
});

describe('theme-boot.js agrees with syncTheme', () => {
  const stored = [null, ...THEME_PREFERENCES, 'purple', ''];
  for (const value of stored)
    for (const dark of [false, true])
      it(`stored ${JSON.stringify(value)}, system ${dark ? 'dark' : 'light'}`, () => {
        system(dark);
        if (value !== null) localStorage.setItem(THEME_STORAGE_KEY, value);
        const before = boot();
        expect(before.theme).toMatch(/^(light|dark|projector)$/);
        expect(before).toEqual(app());
      });

  it('follows the system when storage throws', () => {
    system(true);
    vi.spyOn(Storage.prototype, 'getItem').mockImplementation(() => {
      throw new Error('blocked');
    });
    try {
      expect(boot()).toEqual({ theme: 'dark', preference: 'system', colorScheme: 'dark' });
    } finally {
      vi.restoreAllMocks();
    }
  });
});
