/**
 * "Generate a large cluster": while the view's scenario is a generated one (`gen:…`, see
 * engine/generateOptions.ts), its manifests are asked of the worker, with progress, into the scale
 * slice's `generation`; the load query then loads that text like any scenario's. The dialog's Cancel
 * (or a newer scenario) stops it before its next batch of documents, keeping the worker; the status
 * line's Cancel stops the worker itself. A scenario generated once is not generated again while it
 * stays the last one generated.
 */
import {
  GENERATED_PREFIX,
  isGeneratedScenarioId,
  parseGenerateToken,
} from '../engine/generateOptions';
import { generatedTextOf, type GenerationState } from '../store';
import { EngineCallError } from '../worker/client';
import { trackProgress, type EngineQuery } from './queryTypes';

/** One batch of 500 documents takes well under a second; a report restarts this deadline. */
const BATCH_TIMEOUT_MS = 60_000;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export { generatedTextOf as generatedText };

/** `undefined` leaves the slice as it is; null clears an unfinished generation. */
export const generateQuery: EngineQuery<
  readonly [scenarioId: string, runs: number],
  GenerationState | null | undefined
> = {
  key: 'generate',
  dependencies: (s) => [s.view.scenarioId, s.generateRuns],
  run: async (client, [id], { signal, partial, store }) => {
    const current = store.getState().generation;
    if (!isGeneratedScenarioId(id)) return current && current.status !== 'done' ? null : undefined;
    if (generatedTextOf(id, current) !== undefined) return undefined;
    const parsed = parseGenerateToken(id.slice(GENERATED_PREFIX.length));
    if (!parsed.ok) return { id, status: 'failed', done: 0, total: 0, error: parsed.error };
    const o = parsed.options;
    const stops = store.getState().generateStopRequests;
    const stopped = () => signal.aborted || store.getState().generateStopRequests !== stops;
    const progress = trackProgress<GenerationState>(
      { id, status: 'generating', done: 0, total: o.nodes + o.namespaces + o.pods + o.policies },
      stopped,
      partial,
    );
    try {
      const answer = await client.request('generateCluster', [o, progress.report], {
        timeoutMs: BATCH_TIMEOUT_MS,
      });
      const state = progress.current();
      if (answer.ok)
        return {
          ...state,
          status: 'done',
          done: state.total,
          text: answer.text,
          elapsedMs: answer.elapsedMs,
        };
      if ('cancelled' in answer) return { ...state, status: 'cancelled' };
      return { ...state, status: 'failed', error: answer.problems.map((p) => p.message).join(' ') };
    } catch (error) {
      // The status line's Cancel stops the whole worker: for the generation, it was cancelled.
      if (error instanceof EngineCallError && error.reason === 'cancel')
        return { ...progress.current(), status: 'cancelled' };
      return { ...progress.current(), status: 'failed', error: message(error) };
    }
  },
  write: (store, result) => {
    if (result !== undefined) store.getState().setGeneration(result);
  },
  cancellable: true,
};
