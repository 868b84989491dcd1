import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { DEFAULT_VIEW } from '../viewState';
import { createViewSlice, type ViewSlice } from './viewSlice';

const fresh = () => createStore<ViewSlice>()(createViewSlice);

describe('view slice', () => {
  it('starts at the default view and replaces it whole with setView', () => {
    const store = fresh();
    expect(store.getState().view).toBe(DEFAULT_VIEW);
    const next = { ...DEFAULT_VIEW, layout: 'cilium' as const, step: 3 };
    store.getState().setView(next);
    expect(store.getState().view).toBe(next);
  });

  it('keeps the fields an action does not change, so field selectors see no change', () => {
    const store = fresh();
    const before = store.getState().view;
    store.getState().setStep(5);
    const after = store.getState().view;
    expect(after).not.toBe(before);
    expect(after.step).toBe(5);
    expect(after.calico).toBe(before.calico);
    expect(after.cilium).toBe(before.cilium);
    expect(after.panels).toBe(before.panels);
  });

  it('clamps the step to a whole number at least 0', () => {
    const store = fresh();
    store.getState().setStep(2.7);
    expect(store.getState().view.step).toBe(2);
    store.getState().setStep(-1);
    expect(store.getState().view.step).toBe(0);
  });

  it('a new packet or scenario starts at step 0; a scenario also drops the packet and the edit', () => {
    const store = fresh();
    const s = () => store.getState();
    s().setStep(4);
    s().setPacket({ from: 'a/b', to: 'a/c', port: 80, protocol: 'TCP' });
    expect(s().view).toMatchObject({ step: 0, packet: { from: 'a/b', port: 80 } });
    s().setStep(2);
    s().setScenarioText('kind: Pod');
    s().setScenario('multi-rack');
    expect(s().view).toMatchObject({
      scenarioId: 'multi-rack',
      scenarioText: null,
      packet: null,
      step: 0,
    });
  });

  it('toggles panels, and sets modes, layout and matrix port', () => {
    const store = fresh();
    const s = () => store.getState();
    const start = s().view.panels;
    s().togglePanel('matrix');
    expect(s().view.panels).toEqual([...start, 'matrix']);
    s().togglePanel('matrix');
    expect(s().view.panels).toEqual(start);
    s().setCalico({ ...s().view.calico, encap: 'vxlan' });
    s().setCilium({ ...s().view.cilium, routing: 'geneve' });
    s().setLayout('calico');
    s().setMatrixPort(5432);
    expect(s().view).toMatchObject({
      calico: { encap: 'vxlan' },
      cilium: { routing: 'geneve' },
      layout: 'calico',
      matrixPort: 5432,
    });
  });
});
