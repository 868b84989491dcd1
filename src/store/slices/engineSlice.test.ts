import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { createEngineSlice, DEFAULT_ENGINE_SLICE, type EngineSlice } from './engineSlice';

const fresh = () => createStore<EngineSlice>()(createEngineSlice);

describe('engine slice', () => {
  it('starts with nothing loaded and the engine starting', () => {
    const state = fresh().getState();
    expect(state.engineMode).toBe('starting');
    expect(state.cluster).toBeNull();
    expect(state.walks).toEqual({});
    expect(state.scenes).toEqual({});
    expect(state.matrix).toBeNull();
  });

  it('records mode, error, job and loaded scenario', () => {
    const store = fresh();
    const s = () => store.getState();
    s().setEngineMode('worker');
    s().setEngineError('boom');
    s().setEngineJob({ label: 'matrix', done: 1, total: 4 });
    const loaded = { id: 'seed', pods: 5, policies: 2, warnings: 0, inWorker: true, nodes: [] };
    s().setLoadedScenario(loaded);
    expect(s()).toMatchObject({
      engineMode: 'worker',
      engineError: 'boom',
      engineJob: { label: 'matrix', done: 1, total: 4 },
      loadedScenario: loaded,
    });
    s().setEngineJob(null);
    s().setEngineError(null);
    expect(s().engineJob).toBeNull();
    expect(s().engineError).toBeNull();
  });

  it('counts cancel requests', () => {
    const store = fresh();
    store.getState().requestEngineCancel();
    store.getState().requestEngineCancel();
    expect(store.getState().engineCancelRequests).toBe(2);
  });

  it('writes only the engine data it is given', () => {
    const store = fresh();
    const walks = { calico: { ok: false, error: 'no such pod' } } as const;
    store.getState().setEngineData({ walks });
    expect(store.getState().walks).toBe(walks);
    expect(store.getState().matrix).toBe(DEFAULT_ENGINE_SLICE.matrix);
    store.getState().setEngineData({ matrix: [] });
    expect(store.getState().walks).toBe(walks);
    expect(store.getState().matrix).toEqual([]);
  });
});
