import { selectEngineError, selectEngineMode, useAppStore } from '../store';

const TEXT = {
  starting: 'Policy engine: starting…',
  worker: 'Policy engine: running in a Web Worker',
  'main-thread': 'Policy engine: running on the main thread (Web Workers unavailable)',
} as const;

export function EngineStatus() {
  const mode = useAppStore(selectEngineMode);
  const error = useAppStore(selectEngineError);
  return (
    <p className="engine-status" data-engine-mode={mode}>
      {TEXT[mode]}
      {error && (
        <span role="status" className="engine-error">
          {' '}
          · {error}
        </span>
      )}
    </p>
  );
}
