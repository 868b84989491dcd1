/**
 * Starts the engine client for the app and reports where the engine runs, what it is busy with and
 * what went wrong into the store. What the engine holds is the controller's business (controller.ts).
 */
import type { AppStore } from '../store';
import {
  createEngineClient,
  startBrowserWorker,
  type EngineClient,
  type EngineJob,
  type EngineMethod,
} from '../worker/client';
import { firstScreen } from './settle';

/** The deadline of a call that reports no progress: a scenario load, a walk, a check. */
export const CALL_TIMEOUT_MS = 12_000;
/** How often an idle worker is asked whether it is alive, and how long its answer may take. */
export const HEARTBEAT_MS = 4_000;
export const PING_TIMEOUT_MS = 2_000;

const JOB_LABELS: Partial<Record<EngineMethod, string>> = {
  load: 'Compiling the scenario',
  loadApart: 'Compiling the scenario',
  matrix: 'Computing the connectivity matrix',
  matrixStream: 'Computing the connectivity matrix',
  walk: 'Walking the packet',
  scaleSweep: 'Sweeping policy counts',
  generateCluster: 'Generating the cluster',
  runTraffic: 'Running traffic',
};

/** The job the status line shows: the one with progress, else the oldest one that has a label. */
export function jobToShow(jobs: readonly EngineJob[]) {
  const job = jobs.find((j) => j.total !== undefined) ?? jobs.find((j) => JOB_LABELS[j.method]);
  if (!job) return null;
  const label = JOB_LABELS[job.method]!;
  return job.total === undefined ? { label } : { label, done: job.done, total: job.total };
}

export function startEngine(store: AppStore): EngineClient {
  // Busy jobs show only when they last long enough to be worth a word (no flicker per keystroke).
  let shown: ReturnType<typeof setTimeout> | undefined;
  const client = createEngineClient({
    startWorker: startBrowserWorker,
    loadFallback: () => import('../worker/api').then((m) => m.createWorkerApi()),
    statefulMethods: ['load', 'loadApart'],
    isGoodState: (method, result) =>
      (method !== 'load' && method !== 'loadApart') ||
      (result as { applied?: boolean }).applied === true,
    callTimeoutMs: CALL_TIMEOUT_MS,
    heartbeatMs: HEARTBEAT_MS,
    pingTimeoutMs: PING_TIMEOUT_MS,
    onError: (message) => {
      store.getState().setEngineError(message);
      store.getState().setEngineMode(client.mode());
    },
    onJobs: (jobs) => {
      firstScreen.jobs(jobs.length);
      clearTimeout(shown);
      const job = jobToShow(jobs);
      if (!job) store.getState().setEngineJob(null);
      else if (store.getState().engineJob) store.getState().setEngineJob(job);
      else shown = setTimeout(() => store.getState().setEngineJob(job), 300);
    },
  });
  client.call('hello').then(
    () => store.getState().setEngineMode(client.mode()),
    (error: unknown) => store.getState().setEngineError(String(error)),
  );
  // The status line's Cancel button.
  const stopCancel = store.subscribe((state, previous) => {
    if (state.engineCancelRequests !== previous.engineCancelRequests) client.cancel();
  });
  const dispose = client.dispose;
  return {
    ...client,
    dispose() {
      clearTimeout(shown);
      stopCancel();
      dispose();
    },
  };
}
