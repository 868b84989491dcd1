import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { createUiSlice, type UiSlice } from './uiSlice';

const fresh = () => createStore<UiSlice>()(createUiSlice);

describe('ui slice', () => {
  it('starts on the visualizer, following the system theme, with no notice', () => {
    expect(fresh().getState()).toMatchObject({
      themePreference: 'system',
      route: { page: 'walk' },
      highlight: [],
      notice: null,
    });
  });

  it('sets and cycles the theme preference', () => {
    const store = fresh();
    store.getState().setThemePreference('dark');
    store.getState().cycleThemePreference();
    expect(store.getState().themePreference).toBe('projector');
    store.getState().cycleThemePreference();
    expect(store.getState().themePreference).toBe('system');
  });

  it('sets the route, the highlight words and the notice', () => {
    const store = fresh();
    const s = () => store.getState();
    s().setRoute({ page: 'lesson', lessonId: '01-first-packet', step: 2, mode: 'present' });
    s().setHighlight(['cali-tw-']);
    s().setNotice('This link could not be opened');
    expect(s()).toMatchObject({
      route: { page: 'lesson', lessonId: '01-first-packet', step: 2, mode: 'present' },
      highlight: ['cali-tw-'],
      notice: 'This link could not be opened',
    });
    s().setNotice(null);
    expect(s().notice).toBeNull();
  });
});
