/**
 * Starts the engine client for the app and reports where it runs into the store.
 */
import type { AppStore } from '../store';
import { createEngineClient, startBrowserWorker, type EngineClient } from '../worker/client';

export function startEngine(store: AppStore): EngineClient {
  const client = createEngineClient({
    startWorker: startBrowserWorker,
    loadFallback: () => import('../engine/api').then((m) => m.createEngineApi()),
    onError: (message) => {
      store.getState().setEngineError(message);
      store.getState().setEngineMode(client.mode());
    },
  });
  // The first answer proves the engine is reachable wherever it runs.
  client.call('hello').then(
    () => store.getState().setEngineMode(client.mode()),
    (error: unknown) => store.getState().setEngineError(String(error)),
  );
  return client;
}
