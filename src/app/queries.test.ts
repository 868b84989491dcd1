import { readFileSync } from 'node:fs';
import { expose } from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppStore } from '../store';
import { createWorkerApi } from '../worker/api';
import { createEngineClient, type WorkerHandle } from '../worker/client';
import { startQueries } from './queries';

const SEED = readFileSync('lessons/scenarios/seed-policies.yaml', 'utf8');

/** The real engine behind a MessageChannel; `goSilent` drops every message the way `self.close()` does. */
function fakeWorker() {
  const { port1, port2 } = new MessageChannel();
  expose(createWorkerApi(), port1);
  const handle: WorkerHandle = {
    endpoint: port2,
    onCrash: () => {},
    terminate: () => {
      port1.close();
      port2.close();
    },
  };
  return { handle, goSilent: () => port1.close() };
}

const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((s) => s()));

describe('engine queries after a worker restart', () => {
  it('apply the edit that was waiting on a worker that stopped answering', async () => {
    const workers: ReturnType<typeof fakeWorker>[] = [];
    const errors: string[] = [];
    const store = createAppStore();
    const client = createEngineClient({
      startWorker: () => {
        workers.push(fakeWorker());
        return workers.at(-1)!.handle;
      },
      loadFallback: () => Promise.reject(new Error('fallback not expected')),
      statefulMethods: ['load'],
      isGoodState: (m, r) => m !== 'load' || (r as { applied: boolean }).applied,
      callTimeoutMs: 200,
      onError: (m) => {
        errors.push(m);
        store.getState().setEngineError(m);
      },
    });
    stops.push(() => client.dispose());
    store.getState().setScenarioText(SEED);
    stops.push(startQueries(store, client));
    await expect.poll(() => store.getState().loadedScenario?.pods).toBe(5);

    workers[0]!.goSilent();
    // The user removes one pod while the worker is gone.
    const docs = SEED.split(/^---$/m);
    const withoutOnePod = docs.filter(
      (_doc, i) => i !== docs.findIndex((x) => /kind: Pod\b/.test(x)),
    );
    store.getState().setScenarioText(withoutOnePod.join('---'));

    await expect.poll(() => workers.length, { timeout: 3000 }).toBe(2);
    expect(store.getState().engineError).toMatch(
      /stopped responding.*restarted it and reloaded your last good scenario/,
    );
    // The edit is asked again of the new worker and applied.
    await expect.poll(() => store.getState().loadedScenario?.pods, { timeout: 3000 }).toBe(4);
    expect(errors).toHaveLength(1);
  });
});
