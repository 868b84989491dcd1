// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAppStore } from '../store';
import { readStoredThemePreference, syncTheme, THEME_STORAGE_KEY } from './theme';

/** jsdom has no matchMedia: a controllable stand-in for the system's colour-scheme setting. */
function fakeSystem(dark: boolean) {
  const listeners = new Set<() => void>();
  const media = {
    matches: dark,
    addEventListener: (_: string, l: () => void) => listeners.add(l),
    removeEventListener: (_: string, l: () => void) => listeners.delete(l),
  };
  vi.stubGlobal('matchMedia', () => media);
  return {
    setDark(value: boolean) {
      media.matches = value;
      listeners.forEach((l) => l());
    },
    listenerCount: () => listeners.size,
  };
}

afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
});

describe('syncTheme', () => {
  it('follows the system setting while the preference is "system"', () => {
    const system = fakeSystem(true);
    const stop = syncTheme(createAppStore());
    expect(document.documentElement.dataset.theme).toBe('dark');
    system.setDark(false);
    expect(document.documentElement.dataset.theme).toBe('light');
    stop();
    expect(system.listenerCount()).toBe(0);
  });

  it('applies and remembers an explicit choice', () => {
    const system = fakeSystem(false);
    const store = createAppStore();
    const stop = syncTheme(store);
    store.getState().setThemePreference('dark');
    expect(document.documentElement.dataset.theme).toBe('dark');
    system.setDark(false);
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('dark');
    expect(readStoredThemePreference(localStorage)).toBe('dark');
    stop();
  });

  it('reads a missing or unknown stored value as "system"', () => {
    expect(readStoredThemePreference(undefined)).toBe('system');
    localStorage.setItem(THEME_STORAGE_KEY, 'purple');
    expect(readStoredThemePreference(localStorage)).toBe('system');
  });
});
