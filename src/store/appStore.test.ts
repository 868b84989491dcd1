import { describe, expect, it } from 'vitest';
import { createAppStore, nextThemePreference, resolveTheme } from './appStore';

describe('app store', () => {
  it('gives every caller a fresh store', () => {
    const a = createAppStore();
    const b = createAppStore();
    a.getState().setThemePreference('dark');
    expect(b.getState().themePreference).toBe('system');
  });

  it('cycles the theme preference system -> light -> dark -> projector -> system', () => {
    const store = createAppStore();
    const seen = [store.getState().themePreference];
    for (let i = 0; i < 4; i++) {
      store.getState().cycleThemePreference();
      seen.push(store.getState().themePreference);
    }
    expect(seen).toEqual(['system', 'light', 'dark', 'projector', 'system']);
    expect(nextThemePreference('projector')).toBe('system');
  });

  it('follows the system setting only when asked to', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
    expect(resolveTheme('projector', false)).toBe('projector');
  });

  it('keeps its view state serialisable', () => {
    const store = createAppStore({ engineMode: 'worker', engineError: 'x' });
    const { themePreference, engineMode, engineError, view } = store.getState();
    const state = { themePreference, engineMode, engineError, view };
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it('changes the view through actions: a new scenario resets packet, step and edits', () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().setPacket({ from: 'a/b', to: 'a/c', port: 80, protocol: 'TCP' });
    s().setStep(4);
    s().setScenarioText('kind: Pod');
    s().togglePanel('matrix');
    expect(s().view).toMatchObject({
      step: 4,
      scenarioText: 'kind: Pod',
      panels: ['inspector', 'matrix'],
    });
    s().togglePanel('inspector');
    expect(s().view.panels).toEqual(['matrix']);
    s().setScenario('multi-rack');
    expect(s().view).toMatchObject({
      scenarioId: 'multi-rack',
      packet: null,
      step: 0,
      scenarioText: null,
    });
    s().setStep(-3);
    expect(s().view.step).toBe(0);
  });
});
