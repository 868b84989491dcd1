/**
 * Starts the engine client for the app and reports where the engine runs into the store. What the
 * engine holds is the controller's business (controller.ts).
 */
import type { AppStore } from '../store';
import { createEngineClient, startBrowserWorker, type EngineClient } from '../worker/client';

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
  client.call('hello').then(
    () => store.getState().setEngineMode(client.mode()),
    (error: unknown) => store.getState().setEngineError(String(error)),
  );
  return client;
}
