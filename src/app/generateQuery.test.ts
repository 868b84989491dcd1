import { describe, expect, it } from 'vitest';
import { generateCluster, generatedScenarioId, type GenerateOptions } from '../engine/generate';
import { createAppStore, type GenerationState } from '../store';
import { createWorkerApi } from '../worker/api';
import { EngineCallError, type EngineClient } from '../worker/client';
import { generateQuery } from './generateQuery';
import { scenarioText } from './queries';

const options: GenerateOptions = {
  pods: 400,
  nodes: 2,
  namespaces: 5,
  policies: 800,
  mix: { k8s: 40, cilium: 30, calico: 30 },
  seed: 11,
};
const id = generatedScenarioId(options);

/** The real worker API in this thread, as a client (as scaleQuery.test.ts does). */
const client = {
  request: (method: string, args: unknown[]) =>
    (createWorkerApi() as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[
      method
    ]!(...args),
} as unknown as EngineClient;

function ask(
  scenarioId: string,
  store = createAppStore(),
  onPartial?: (g: GenerationState) => void,
) {
  const partials: GenerationState[] = [];
  const run = generateQuery.run(client, [scenarioId, 0], {
    signal: new AbortController().signal,
    partial: (r) => {
      if (!r) return;
      partials.push(r);
      onPartial?.(r);
    },
    store,
  });
  return { run, partials, store };
}

describe('generateQuery', () => {
  it('generates a gen: scenario with progress; the load query then reads its text', async () => {
    const { run, partials, store } = ask(id);
    const result = await run;
    expect(result).toMatchObject({ id, status: 'done', done: 1207, total: 1207 });
    expect(result!.text).toBe(generateCluster(options));
    expect(partials[0]).toMatchObject({ status: 'generating', done: 0, total: 1207 });
    expect(partials.length).toBeGreaterThan(2);
    // Before it is written the load query has no text; after, the generated one.
    const view = { ...store.getState().view, scenarioId: id };
    expect(scenarioText(view, null)).toBe('');
    expect(scenarioText(view, result!)).toBe(result!.text);
    // An edit still wins over the generated text.
    expect(scenarioText({ ...view, scenarioText: 'edited' }, result!)).toBe('edited');
  });

  it('does not generate again what it already holds, and leaves built-in scenarios alone', async () => {
    const store = createAppStore();
    store.getState().setGeneration({ id, status: 'done', done: 1, total: 1, text: 'x' });
    expect(await ask(id, store).run).toBeUndefined();
    expect(await ask('seed-policies', store).run).toBeUndefined();
    // An unfinished generation is cleared when the view moves to a built-in scenario.
    store.getState().setGeneration({ id, status: 'generating', done: 1, total: 9 });
    expect(await ask('seed-policies', store).run).toBeNull();
  });

  it('stops at the dialog’s Cancel before the next batch', async () => {
    const store = createAppStore();
    const { run } = ask(id, store, (g) => {
      if (g.done > 0) store.getState().stopGenerating();
    });
    const result = await run;
    expect(result).toMatchObject({ id, status: 'cancelled', done: 500, total: 1207 });
    expect(result!.text).toBeUndefined();
  });

  it('says failed for a bad token, cancelled when the worker was cancelled under it', async () => {
    const bad = await ask('gen:pods:9000,nodes:1,ns:1,pol:0,mix:100-0-0,seed:1').run;
    expect(bad).toMatchObject({ status: 'failed', error: expect.stringMatching(/to 5,000/) });
    const cancelled = {
      request: () => Promise.reject(new EngineCallError('Cancelled.', 'cancel')),
    } as unknown as EngineClient;
    const result = await generateQuery.run(cancelled, [id, 0], {
      signal: new AbortController().signal,
      partial: () => {},
      store: createAppStore(),
    });
    expect(result).toMatchObject({ id, status: 'cancelled' });
  });
});
