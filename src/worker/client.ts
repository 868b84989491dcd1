/**
 * The engine client: calls the engine in a Web Worker through Comlink, restarts the worker after a
 * crash or when a call misses its deadline (replaying the calls that set its state, so the last good
 * state survives), cancels calls in flight, and falls back to running the engine on the main thread
 * when workers are unavailable.
 *
 * Why a deadline and not only the worker's `error` event: a worker that closes itself
 * (`self.close()`) or spins in a loop raises no event at all; the only sign is silence.
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
  /** Called with a readable message when the worker crashes, stops responding or cannot start. */
  readonly onError?: (message: string) => void;
  /** Crashes in a row after which the client gives up on workers and runs on the main thread. */
  readonly maxRestarts?: number;
  /**
   * The deadline of one call in the worker, in ms (default 15 s). A progress report from the call
   * (any callback argument it invokes) starts its deadline again, so a long job that keeps
   * reporting is never cut off, and one that goes silent is. A call past its deadline restarts the
   * worker with the last good state.
   */
  readonly callTimeoutMs?: number | ((method: EngineMethod) => number);
  /**
   * While no call is in flight, ask the worker every `heartbeatMs` whether it is alive (0, the
   * default, never asks); one that does not answer within `pingTimeoutMs` is restarted. This finds a
   * worker that closed itself without an error before the user's next edit waits on it.
   */
  readonly heartbeatMs?: number;
  readonly pingTimeoutMs?: number;
  /**
   * Called after the worker was restarted (and given the last good state), with why; the app asks
   * its questions again. Not called once `maxRestarts` failures happened in a row, so an input that
   * hangs every worker cannot restart it forever.
   */
  readonly onRestart?: (reason: RestartReason) => void;
  /** Called whenever the calls in flight or their progress change (for a busy indicator). */
  readonly onJobs?: (jobs: readonly EngineJob[]) => void;
}

export type EngineMode = 'worker' | 'main-thread';
export type RestartReason = 'crash' | 'timeout' | 'cancel';

/** A call in flight, as a busy indicator shows it. */
export interface EngineJob {
  readonly id: number;
  readonly method: EngineMethod;
  /** The last progress report (e.g. probes evaluated of all), when the call reports one. */
  readonly done?: number;
  readonly total?: number;
}

/** Why a call did not return: the worker crashed, stopped responding, or the call was cancelled. */
export class EngineCallError extends Error {
  constructor(
    message: string,
    readonly reason: RestartReason,
  ) {
    super(message);
    this.name = reason === 'cancel' ? 'AbortError' : 'EngineCallError';
  }
}

export interface CallOptions {
  /** Aborting cancels the call: the worker is stopped and restarted with the last good state. */
  readonly signal?: AbortSignal;
  /** This call's deadline in ms, instead of the client's. */
  readonly timeoutMs?: number;
}

export interface EngineClient {
  call<K extends EngineMethod>(method: K, ...args: Args<K>): Promise<Result<K>>;
  /** `call` with a cancel signal and a deadline of its own. */
  request<K extends EngineMethod>(
    method: K,
    args: Args<K>,
    options?: CallOptions,
  ): Promise<Result<K>>;
  /** Cancels every call in flight (stops and restarts the worker with the last good state). */
  cancel(): void;
  /**
   * Listens for restarts that should make the app ask its questions again (as `onRestart` above);
   * returns the unsubscribe. Optional so that test doubles need not implement it.
   */
  onRestart?(listener: (reason: RestartReason) => void): () => void;
  mode(): EngineMode;
  dispose(): void;
}

/** Calls `method` on an engine (remote or local) by name; the public `call` keeps the types. */
function invoke(target: object, method: EngineMethod, args: readonly unknown[]): Promise<unknown> {
  const fn = (target as Record<EngineMethod, (...a: unknown[]) => unknown>)[method];
  return Promise.resolve(Reflect.apply(fn, target, args));
}

interface Pending {
  readonly job: { id: number; method: EngineMethod; done?: number; total?: number };
  readonly reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const DEFAULT_TIMEOUT_MS = 15_000;

const WHAT: Partial<Record<EngineMethod, string>> = {
  load: 'loading the scenario',
  loadApart: 'loading the scenario',
  matrix: 'computing the connectivity matrix',
  matrixStream: 'computing the connectivity matrix',
  walk: 'walking the packet',
  hello: 'answering a check',
  generateCluster: 'generating the cluster',
};

export function createEngineClient(options: EngineClientOptions): EngineClient {
  const {
    startWorker,
    loadFallback,
    statefulMethods = [],
    isGoodState = () => true,
    onError,
    maxRestarts = 3,
    callTimeoutMs = DEFAULT_TIMEOUT_MS,
    heartbeatMs = 0,
    pingTimeoutMs = 3_000,
    onJobs,
  } = options;
  const restartListeners = new Set<(reason: RestartReason) => void>();
  const onRestart = (reason: RestartReason): void => {
    options.onRestart?.(reason);
    for (const listener of restartListeners) listener(reason);
  };
  const lastState = new Map<EngineMethod, unknown[]>();
  const pending = new Set<Pending>();
  let worker: WorkerHandle | null = null;
  let remote: Remote<EngineApi> | null = null;
  let fallback: Promise<EngineApi> | null = null;
  let crashesInARow = 0;
  /** Deadlines missed and cancels since the last call that returned: caps automatic re-asking. */
  let stallsInARow = 0;
  let nextJob = 1;
  let disposed = false;
  let heartbeat: ReturnType<typeof setInterval> | undefined;

  const deadlineOf = (method: EngineMethod, own?: number): number =>
    own ?? (typeof callTimeoutMs === 'function' ? callTimeoutMs(method) : callTimeoutMs);

  const reportJobs = (): void => onJobs?.([...pending].map((p) => ({ ...p.job })));

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

  /** Stops the current worker, fails every call in flight with `error`, and starts a new one. */
  function restart(error: EngineCallError): void {
    worker?.terminate();
    worker = null;
    remote = null;
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    pending.clear();
    reportJobs();
    boot();
  }

  function crashed(handle: WorkerHandle, message: string): void {
    if (handle !== worker || disposed) return;
    crashesInARow++;
    const error = new EngineCallError(`The policy worker crashed: ${message}`, 'crash');
    const giveUp = crashesInARow > maxRestarts;
    restart(error);
    onError?.(
      giveUp
        ? `${error.message}. It crashed ${crashesInARow} times in a row; running on the main thread.`
        : `${error.message}. Restarted it with the last good state.`,
    );
    if (!giveUp) onRestart('crash');
  }

  /** A call (or a heartbeat) went past its deadline: the worker is hung or gone. */
  function stalled(method: EngineMethod, ms: number): void {
    if (disposed || !remote) return;
    stallsInARow++;
    const what = WHAT[method] ?? method;
    const seconds = ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
    const message = `The policy worker stopped responding (${what} took over ${seconds})`;
    // A worker that never answers is restarted, never replaced by the main thread: whatever hung
    // it would freeze the page there.
    restart(new EngineCallError(`${message}.`, 'timeout'));
    const again = stallsInARow <= maxRestarts;
    onError?.(
      again
        ? `${message}; restarted it and reloaded your last good scenario.`
        : `${message} ${stallsInARow} times in a row; restarted it with your last good scenario. Undo the last edit or reload the page.`,
    );
    if (again) onRestart('timeout');
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

  function inWorker<K extends EngineMethod>(
    current: Remote<EngineApi>,
    method: K,
    args: Args<K>,
    callOptions: CallOptions,
  ): Promise<Result<K>> {
    const { signal } = callOptions;
    const ms = deadlineOf(method, callOptions.timeoutMs);
    return new Promise<Result<K>>((resolve, reject) => {
      const entry: Pending = { job: { id: nextJob++, method }, reject, timer: undefined };
      const arm = () => {
        clearTimeout(entry.timer);
        if (ms > 0 && Number.isFinite(ms)) entry.timer = setTimeout(() => stalled(method, ms), ms);
      };
      const settle = () => {
        clearTimeout(entry.timer);
        signal?.removeEventListener('abort', abort);
        if (pending.delete(entry)) reportJobs();
      };
      const abort = () => {
        if (!pending.has(entry) || disposed) return;
        // Comlink cannot interrupt a running call: stopping the worker is the only sure cancel.
        // Other calls in flight fail too; the app asks its questions again (onRestart).
        stallsInARow++;
        restart(new EngineCallError(`Cancelled ${WHAT[method] ?? method}.`, 'cancel'));
        if (stallsInARow <= maxRestarts) onRestart('cancel');
      };
      if (signal?.aborted) {
        reject(new EngineCallError(`Cancelled ${WHAT[method] ?? method}.`, 'cancel'));
        return;
      }
      pending.add(entry);
      signal?.addEventListener('abort', abort);
      arm();
      reportJobs();
      // Callbacks (progress reports) cross into the worker as Comlink proxies; each report is a
      // sign of life that starts the deadline again.
      const wired = args.map((a) =>
        typeof a === 'function'
          ? proxy((...report: unknown[]) => {
              // A report can arrive after the answer (it crosses on a port of its own).
              if (pending.has(entry)) {
                arm();
                const [done, total] = report;
                if (typeof done === 'number' && typeof total === 'number') {
                  entry.job.done = done;
                  entry.job.total = total;
                  reportJobs();
                }
              }
              return (a as (...r: unknown[]) => unknown)(...report);
            })
          : a,
      );
      invoke(current, method, wired).then(
        (value) => {
          if (!pending.has(entry)) return; // timed out or cancelled: already rejected
          settle();
          crashesInARow = 0;
          stallsInARow = 0;
          remember(method, args, value as Result<K>);
          resolve(value as Result<K>);
        },
        (error: unknown) => {
          if (!pending.has(entry)) return;
          settle();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  function ping(): void {
    if (disposed || !remote || pending.size > 0) return;
    void inWorker(remote, 'hello', [], { timeoutMs: pingTimeoutMs }).catch(() => {});
  }

  boot();
  if (heartbeatMs > 0) heartbeat = setInterval(ping, heartbeatMs);

  const request = async <K extends EngineMethod>(
    method: K,
    args: Args<K>,
    callOptions: CallOptions = {},
  ): Promise<Result<K>> => {
    if (disposed) throw new Error('The engine client was disposed.');
    if (!remote) {
      const result = await viaFallback(method, args);
      remember(method, args, result);
      return result;
    }
    return inWorker(remote, method, args, callOptions);
  };

  return {
    call: (method, ...args) => request(method, args),
    request,
    cancel() {
      if (disposed || !remote || pending.size === 0) return;
      const [first] = pending;
      stallsInARow++;
      restart(new EngineCallError(`Cancelled ${WHAT[first!.job.method] ?? 'the job'}.`, 'cancel'));
      if (stallsInARow <= maxRestarts) onRestart('cancel');
    },
    onRestart(listener) {
      restartListeners.add(listener);
      return () => restartListeners.delete(listener);
    },
    mode: () => (remote ? 'worker' : 'main-thread'),
    dispose() {
      restartListeners.clear();
      disposed = true;
      clearInterval(heartbeat);
      for (const p of pending) clearTimeout(p.timer);
      pending.clear();
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
