/**
 * The engine client: calls the engine in a Web Worker through Comlink, restarts the worker after a
 * crash (replaying the calls that set its state, so the last good state survives), and falls back
 * to running the engine on the main thread when workers are unavailable.
 */
import { proxy, wrap, type Endpoint, type Remote } from 'comlink';
import type { WorkerApi as EngineApi } from './api';

/** A started worker, as the client needs it; tests pass a MessageChannel-backed fake. */
export interface WorkerHandle {
  readonly endpoint: Endpoint;
  /** Registers the callback for a crash (an uncaught error or a failed load in the worker). */
  onCrash(callback: (message: string) => void): void;
  terminate(): void;
}

export type EngineMethod = keyof EngineApi;
type Args<K extends EngineMethod> = Parameters<EngineApi[K]>;
type Result<K extends EngineMethod> = Awaited<ReturnType<EngineApi[K]>>;

export interface EngineClientOptions {
  /** Starts a worker; returns null or throws when workers are unavailable. */
  readonly startWorker: () => WorkerHandle | null;
  /** Loads the engine for the main-thread fallback (a dynamic import keeps it out of the main bundle). */
  readonly loadFallback: () => Promise<EngineApi>;
  /** Methods whose last call sets the engine's state; replayed into a restarted worker. */
  readonly statefulMethods?: readonly EngineMethod[];
  /**
   * Whether a stateful call's result is a good state to keep (e.g. a load without errors). Only good
   * states are replayed, so a bad input can neither wipe the last good one nor crash a restart.
   */
  readonly isGoodState?: (method: EngineMethod, result: unknown) => boolean;
  /** Called with a readable message when the worker crashes or cannot start. */
  readonly onError?: (message: string) => void;
  /** Crashes in a row after which the client gives up on workers and runs on the main thread. */
  readonly maxRestarts?: number;
}

export type EngineMode = 'worker' | 'main-thread';

export interface EngineClient {
  call<K extends EngineMethod>(method: K, ...args: Args<K>): Promise<Result<K>>;
  mode(): EngineMode;
  dispose(): void;
}

/** Calls `method` on an engine (remote or local) by name; the public `call` keeps the types. */
function invoke(target: object, method: EngineMethod, args: readonly unknown[]): Promise<unknown> {
  const fn = (target as Record<EngineMethod, (...a: unknown[]) => unknown>)[method];
  return Promise.resolve(Reflect.apply(fn, target, args));
}

interface Pending {
  readonly reject: (error: Error) => void;
}

export function createEngineClient(options: EngineClientOptions): EngineClient {
  const {
    startWorker,
    loadFallback,
    statefulMethods = [],
    isGoodState = () => true,
    onError,
    maxRestarts = 3,
  } = options;
  const lastState = new Map<EngineMethod, unknown[]>();
  const pending = new Set<Pending>();
  let worker: WorkerHandle | null = null;
  let remote: Remote<EngineApi> | null = null;
  let fallback: Promise<EngineApi> | null = null;
  let crashesInARow = 0;
  let disposed = false;

  function boot(): void {
    if (crashesInARow > maxRestarts) return;
    try {
      worker = startWorker();
    } catch (error) {
      worker = null;
      onError?.(
        `The policy worker could not start (${String(error)}); running on the main thread.`,
      );
    }
    if (!worker) return;
    const handle = worker;
    remote = wrap<EngineApi>(handle.endpoint);
    handle.onCrash((message) => crashed(handle, message));
    // Replay the calls that set state, so a restarted worker holds the last good state.
    for (const [method, args] of lastState) {
      invoke(remote, method, args).catch(() => {});
    }
  }

  function crashed(handle: WorkerHandle, message: string): void {
    if (handle !== worker || disposed) return;
    handle.terminate();
    worker = null;
    remote = null;
    crashesInARow++;
    const error = new Error(`The policy worker crashed: ${message}`);
    for (const p of pending) p.reject(error);
    pending.clear();
    const giveUp = crashesInARow > maxRestarts;
    onError?.(
      giveUp
        ? `${error.message}. It crashed ${crashesInARow} times in a row; running on the main thread.`
        : `${error.message}. Restarted it with the last good state.`,
    );
    boot();
  }

  async function viaFallback<K extends EngineMethod>(method: K, args: Args<K>): Promise<Result<K>> {
    // The first fallback call gets the last good state the worker held.
    fallback ??= loadFallback().then(async (api) => {
      for (const [m, a] of lastState) await invoke(api, m, a).catch(() => {});
      return api;
    });
    return (await invoke(await fallback, method, args)) as Result<K>;
  }

  function remember<K extends EngineMethod>(method: K, args: Args<K>, result: Result<K>): void {
    if (statefulMethods.includes(method) && isGoodState(method, result))
      lastState.set(method, args);
  }

  boot();

  return {
    async call<K extends EngineMethod>(method: K, ...args: Args<K>): Promise<Result<K>> {
      if (disposed) throw new Error('The engine client was disposed.');
      if (!remote) {
        const result = await viaFallback(method, args);
        remember(method, args, result);
        return result;
      }
      const current = remote;
      return new Promise<Result<K>>((resolve, reject) => {
        const entry: Pending = { reject };
        pending.add(entry);
        // Callbacks (progress reports) cross into the worker as Comlink proxies.
        const wired = args.map((a) => (typeof a === 'function' ? proxy(a) : a));
        invoke(current, method, wired).then(
          (value) => {
            pending.delete(entry);
            crashesInARow = 0;
            remember(method, args, value as Result<K>);
            resolve(value as Result<K>);
          },
          (error: unknown) => {
            pending.delete(entry);
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        );
      });
    },
    mode: () => (remote ? 'worker' : 'main-thread'),
    dispose() {
      disposed = true;
      worker?.terminate();
      worker = null;
      remote = null;
    },
  };
}

/** Starts the real worker in a browser; null where `Worker` does not exist (old browsers, Node). */
export function startBrowserWorker(): WorkerHandle | null {
  if (typeof Worker === 'undefined') return null;
  const w = new Worker(new URL('./policy.worker.ts', import.meta.url), { type: 'module' });
  return {
    endpoint: w,
    onCrash(callback) {
      w.addEventListener('error', (event) => {
        event.preventDefault();
        callback(event.message || 'the worker script failed to load');
      });
      w.addEventListener('messageerror', () => callback('a message could not be decoded'));
    },
    terminate: () => w.terminate(),
  };
}
