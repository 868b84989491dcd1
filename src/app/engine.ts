/**
 * Starts the engine client for the app, loads the default scenario into it and reports where the
 * engine runs and what it holds into the store.
 */
import type { AppStore } from '../store';
import { createEngineClient, startBrowserWorker, type EngineClient } from '../worker/client';
import { DEFAULT_SCENARIO } from './scenarios';

export function startEngine(store: AppStore): EngineClient {
  const client = createEngineClient({
    startWorker: startBrowserWorker,
    loadFallback: () => import('../worker/api').then((m) => m.createWorkerApi()),
    statefulMethods: ['load'],
    isGoodState: (method, result) =>
      method !== 'load' || (result as { applied?: boolean }).applied === true,
    onError: (message) => {
      store.getState().setEngineError(message);
      store.getState().setEngineMode(client.mode());
    },
  });
  void (async () => {
    try {
      const hello = await client.call('hello');
      store.getState().setEngineMode(client.mode());
      const summary = await client.call('load', [
        { name: DEFAULT_SCENARIO.file, text: DEFAULT_SCENARIO.text },
      ]);
      store.getState().setLoadedScenario({
        id: DEFAULT_SCENARIO.id,
        pods: summary.counts.pods,
        policies: summary.counts.policies,
        warnings: summary.diagnostics.filter((d) => d.severity === 'warning').length,
        inWorker: hello.inWorker,
        nodes: (summary.cluster?.nodes ?? []).map((n) => ({
          name: n.name,
          address: n.internalIP,
          podCIDR: n.podCIDR.text,
        })),
      });
    } catch (error) {
      store.getState().setEngineError(error instanceof Error ? error.message : String(error));
    }
  })();
  return client;
}
