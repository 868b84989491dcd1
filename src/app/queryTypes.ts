/**
 * The shape of one engine query (see queries.ts for the table and its runner). Its own module so a
 * query kept in another file (scaleQuery.ts) can name the shape without importing the table.
 */
import type { AppState, AppStore } from '../store';
import type { EngineClient } from '../worker/client';

export interface EngineQuery<Deps extends readonly unknown[], Result> {
  readonly key: string;
  /** The inputs, read from the state; compared element by element with `Object.is`. */
  readonly dependencies: (state: AppState) => Deps;
  /** How long to wait before asking for new inputs (a debounce); 0 or absent asks at once. */
  readonly delayMs?: (next: Deps, previous: Deps | undefined) => number;
  readonly run: (
    client: EngineClient,
    deps: Deps,
    context: QueryContext<Result>,
  ) => Promise<Result>;
  readonly write: (store: AppStore, result: Result, deps: Deps) => void;
  /** A cancelled run is not asked again by itself (the user stopped it); the next input change asks. */
  readonly cancellable?: boolean;
}

/** What a run gets besides its inputs: for long jobs that stream and can be stopped. */
export interface QueryContext<Result> {
  /** Aborted when a newer question is asked (or the runner stops): the run should stop. */
  readonly signal: AbortSignal;
  /** Writes a partial answer now, as `write` would, unless a newer question was asked. */
  readonly partial: (result: Result) => void;
  readonly store: AppStore;
}

/**
 * The progress of a streamed job (a generation, a traffic run): written as a partial answer at
 * each report, until the user's Stop or a newer question (`stopped`) makes the report say stop.
 */
export function trackProgress<S extends { readonly done: number; readonly total: number }>(
  initial: S,
  stopped: () => boolean,
  partial: (state: S) => void,
): { readonly current: () => S; readonly report: (done: number, total: number) => boolean } {
  let state = initial;
  partial(state);
  return {
    current: () => state,
    report: (done, total) => {
      if (stopped()) return false;
      state = { ...state, done, total };
      partial(state);
      return true;
    },
  };
}
