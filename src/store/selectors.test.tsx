// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useShallow } from 'zustand/react/shallow';
import { createAppStore } from './appStore';
import { StoreProvider, useAppStore } from './context';
import {
  selectLessonHighlight,
  selectPresenting,
  selectStep,
  selectViewButStep,
  selectWalk,
} from './selectors';

afterEach(cleanup);

function renderCounted(read: () => unknown) {
  const store = createAppStore();
  const renders = { count: 0 };
  function Probe() {
    renders.count++;
    return <output data-testid="probe">{JSON.stringify(read())}</output>;
  }
  render(
    <StoreProvider store={store}>
      <Probe />
    </StoreProvider>,
  );
  return { store, renders };
}

describe('selectors', () => {
  it('a component reading selectStep does not re-render when another view field changes', () => {
    const { store, renders } = renderCounted(() => useAppStore(selectStep));
    expect(renders.count).toBe(1);
    act(() => {
      store.getState().setLayout('cilium');
      store.getState().togglePanel('matrix');
      store.getState().setMatrixPort(5432);
      store.getState().setCalico({ ...store.getState().view.calico, encap: 'vxlan' });
      store.getState().setNotice('unrelated');
    });
    expect(renders.count).toBe(1);
    act(() => store.getState().setStep(3));
    expect(renders.count).toBe(2);
    expect(screen.getByTestId('probe').textContent).toBe('3');
  });

  it('the view less its step, with useShallow, ignores steps but not other fields', () => {
    const { store, renders } = renderCounted(() => useAppStore(useShallow(selectViewButStep)));
    act(() => store.getState().setStep(4));
    act(() => store.getState().setStep(5));
    expect(renders.count).toBe(1);
    act(() => store.getState().setLayout('calico'));
    expect(renders.count).toBe(2);
    expect(JSON.parse(screen.getByTestId('probe').textContent!)).not.toHaveProperty('step');
  });

  it('selectWalk gives one selector per CNI', () => {
    expect(selectWalk('calico')).toBe(selectWalk('calico'));
    expect(selectWalk('calico')).not.toBe(selectWalk('cilium'));
    const store = createAppStore();
    const outcome = { ok: false as const, error: 'x' };
    store.getState().setEngineData({ walks: { cilium: outcome } });
    expect(selectWalk('cilium')(store.getState())).toBe(outcome);
    expect(selectWalk('calico')(store.getState())).toBeUndefined();
  });

  it('route-derived selectors answer primitives or one stable empty list', () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().setHighlight(['cali-tw-']);
    expect(selectLessonHighlight(s())).toEqual([]);
    expect(selectLessonHighlight(s())).toBe(selectLessonHighlight(createAppStore().getState()));
    expect(selectPresenting(s())).toBe(false);
    s().setRoute({ page: 'lesson', lessonId: 'l', step: 0, mode: 'present' });
    expect(selectPresenting(s())).toBe(true);
    expect(selectLessonHighlight(s())).toEqual(['cali-tw-']);
  });
});
