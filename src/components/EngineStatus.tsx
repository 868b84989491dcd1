import {
  selectEngineError,
  selectEngineJob,
  selectEngineMode,
  selectLoadedScenario,
  useAppStore,
  useAppStoreApi,
} from '../store';

const TEXT = {
  starting: 'Policy engine: starting…',
  worker: 'Policy engine: running in a Web Worker',
  'main-thread': 'Policy engine: running on the main thread (Web Workers unavailable)',
} as const;

export function EngineStatus() {
  const mode = useAppStore(selectEngineMode);
  const error = useAppStore(selectEngineError);
  const scenario = useAppStore(selectLoadedScenario);
  const job = useAppStore(selectEngineJob);
  const store = useAppStoreApi();
  return (
    <p
      className="engine-status"
      data-engine-mode={mode}
      data-engine-in-worker={scenario ? String(scenario.inWorker) : undefined}
    >
      {TEXT[mode]}
      {scenario && (
        <span className="engine-scenario">
          {' '}
          · scenario {scenario.id}: {scenario.pods} pods, {scenario.policies} policies loaded
        </span>
      )}
      {job && (
        <span className="engine-job" data-testid="engine-job">
          {' '}
          · {job.label}
          {job.total !== undefined && (
            <>
              {' '}
              <progress value={job.done ?? 0} max={job.total} aria-label={job.label} />{' '}
              {job.done ?? 0} of {job.total}
            </>
          )}
          …{' '}
          {mode === 'worker' && (
            <button type="button" onClick={() => store.getState().requestEngineCancel()}>
              Cancel
            </button>
          )}
        </span>
      )}
      {error && (
        <span role="status" className="engine-error">
          {' '}
          · {error}
        </span>
      )}
    </p>
  );
}
