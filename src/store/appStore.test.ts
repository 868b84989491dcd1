import { describe, expect, it } from 'vitest';
import { createAppStore, nextThemePreference, resolveTheme } from './appStore';

describe('app store', () => {
  it('gives every caller a fresh store', () => {
    const a = createAppStore();
    const b = createAppStore();
    a.getState().setThemePreference('dark');
    expect(b.getState().themePreference).toBe('system');
  });

  it('cycles the theme preference system -> light -> dark -> system', () => {
    const store = createAppStore();
    const seen = [store.getState().themePreference];
    for (let i = 0; i < 3; i++) {
      store.getState().cycleThemePreference();
      seen.push(store.getState().themePreference);
    }
    expect(seen).toEqual(['system', 'light', 'dark', 'system']);
    expect(nextThemePreference('dark')).toBe('system');
  });

  it('follows the system setting only when asked to', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });

  it('keeps its view state serialisable', () => {
    const store = createAppStore({ engineMode: 'worker', engineError: 'x' });
    const { themePreference, engineMode, engineError } = store.getState();
    const view = { themePreference, engineMode, engineError };
    expect(JSON.parse(JSON.stringify(view))).toEqual(view);
  });
});
