import { describe, expect, it } from 'vitest';
import { createEngineApi, ENGINE_API_VERSION } from './api';

describe('engine api', () => {
  it('reports its version and that Node is not a worker', () => {
    expect(createEngineApi().hello()).toEqual({ version: ENGINE_API_VERSION, inWorker: false });
  });

  it('returns only structured-cloneable data', () => {
    const api = createEngineApi();
    const out = api.matchLabelSelector({ app: 'web' }, { matchLabels: { app: 'web' } });
    expect(structuredClone(out)).toBe(true);
    expect(structuredClone(api.hello())).toEqual(api.hello());
  });
});
