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
  window.location.hash = '';
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

  // Presenter links are in the projector theme from the boot script on, whatever is stored; the
  // speaker view, a lesson and a presenter link as parseLessonHash would not read it are not.
  const hashes: [string, boolean][] = [
    ['#/present/03-across-nodes/2', true],
    ['#/present/03-across-nodes', true],
    ['#/present/not-a-lesson/1', true],
    ['#/present/03-across-nodes/2/', false],
    ['#/present/', false],
    ['#/speaker/03-across-nodes/2', false],
    ['#/lessons/03-across-nodes/2', false],
    ['#/walk?cni=calico', false],
  ];
  for (const [hash, projector] of hashes)
    for (const value of [null, 'light', 'dark'])
      it(`${hash}, stored ${JSON.stringify(value)}`, () => {
        system(false);
        window.location.hash = hash;
        if (value !== null) localStorage.setItem(THEME_STORAGE_KEY, value);
        const before = boot();
        expect(before.theme === 'projector').toBe(projector);
        expect(before.preference).toBe(value ?? 'system');
        expect(before).toEqual(app());
        expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe(value);
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

describe('syncTheme in presenter mode', () => {
  it('keeps projector while presenting and gives the preference back after, storing nothing', () => {
    system(true);
    localStorage.setItem(THEME_STORAGE_KEY, 'light');
    window.location.hash = '#/present/03-across-nodes/1';
    // The app's first route for a lesson's link (App.tsx, lessonView.ts routeBeforeStart).
    const store = createAppStore({
      themePreference: readStoredThemePreference(localStorage),
      route: { page: 'opening' },
    });
    const stop = syncTheme(store);
    const root = document.documentElement;
    try {
      // The link not opened yet (its Loading line, or the walk): already projector.
      expect(root.dataset.theme).toBe('projector');
      store.getState().setRoute({ page: 'walk' });
      expect(root.dataset.theme).toBe('projector');
      store.getState().setRoute({
        page: 'lesson',
        lessonId: '03-across-nodes',
        step: 0,
        mode: 'present',
      });
      expect(root.dataset.theme).toBe('projector');
      expect(root.style.colorScheme).toBe('dark');
      expect(root.dataset.themePreference).toBe('light');
      // A preference chosen while presenting is stored, and waits for the presenter to be left.
      store.getState().setThemePreference('dark');
      expect(root.dataset.theme).toBe('projector');
      expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('dark');
      window.location.hash = '#/lessons/03-across-nodes/1';
      store.getState().setRoute({ page: 'lesson', lessonId: '03-across-nodes', step: 0 });
      expect(root.dataset.theme).toBe('dark');
      store.getState().setThemePreference('light');
      expect(root.dataset.theme).toBe('light');
      // A presenter link whose lesson is unknown opens the lesson list, in the user's theme.
      window.location.hash = '#/present/not-a-lesson/1';
      store.getState().setRoute({ page: 'lessons' });
      expect(root.dataset.theme).toBe('light');
      expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('light');
    } finally {
      stop();
    }
  });
});
