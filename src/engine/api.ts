/**
 * The engine's public API: what the worker exposes and what the main-thread fallback runs. Every
 * method takes and returns plain, structured-cloneable data, so it crosses the worker boundary as is.
 */
import { matchesLabelSelector, type LabelSelector, type Labels } from './labels';

export const ENGINE_API_VERSION = 1;

export function createEngineApi() {
  return {
    /** Says where the engine runs; the UI shows it and an e2e test checks it. */
    hello(): { version: number; inWorker: boolean } {
      // A dedicated worker's global scope has `importScripts`; a window does not.
      const inWorker =
        typeof (globalThis as { importScripts?: unknown }).importScripts === 'function';
      return { version: ENGINE_API_VERSION, inWorker };
    },
    matchLabelSelector(labels: Labels, selector: LabelSelector): boolean {
      return matchesLabelSelector(labels, selector);
    },
  };
}

export type EngineApi = ReturnType<typeof createEngineApi>;
