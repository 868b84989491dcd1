/**
 * "Run traffic" (issue 17) while the Flows panel is open: the scenario's traffic walked through both
 * CNIs under the view's modes, in the worker, streamed into the flows slice with progress; stopped
 * by the panel's Stop or a newer question before the next batch of connections (the worker stays).
 * Runs again when the scenario, a mode or the user's "Run again" changes.
 */
import type { ClusterView } from '../engine/clusterView';
import type { AppState, FlowsRunState } from '../store';
import { EngineCallError } from '../worker/client';
import { trackProgress, type EngineQuery } from './queryTypes';

/** A batch of 25 connections (100 walks) takes well under a second; each report restarts this. */
const BATCH_TIMEOUT_MS = 60_000;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export const flowsQuery: EngineQuery<
  readonly [
    cluster: ClusterView | null,
    open: boolean,
    calico: AppState['view']['calico'],
    cilium: AppState['view']['cilium'],
    runs: number,
    traffic: string | null,
  ],
  FlowsRunState | null
> = {
  key: 'flows',
  dependencies: (s: AppState) => [
    s.cluster,
    s.view.panels.includes('flows'),
    s.view.calico,
    s.view.cilium,
    s.flowsRuns,
    s.view.flows.traffic,
  ],
  run: async (client, [cluster, open, calico, cilium, , traffic], { signal, partial, store }) => {
    if (!cluster || !open) return store.getState().flowsRun;
    const stops = store.getState().flowsStopRequests;
    const stopped = () => signal.aborted || store.getState().flowsStopRequests !== stops;
    const progress = trackProgress<FlowsRunState>(
      { cluster, status: 'running', done: 0, total: 0 },
      stopped,
      partial,
    );
    try {
      const data = await client.request(
        'runTraffic',
        [
          {
            configs: { calico, cilium },
            traffic: traffic === null ? null : { file: 'traffic.yaml', text: traffic },
          },
          progress.report,
        ],
        { timeoutMs: BATCH_TIMEOUT_MS },
      );
      const state = progress.current();
      if (!data) return { ...state, status: 'stopped' };
      return { ...state, status: 'done', done: data.rows.length, total: data.rows.length, data };
    } catch (error) {
      // The status line's Cancel stops the whole worker: for the panel, the run was stopped.
      if (error instanceof EngineCallError && error.reason === 'cancel')
        return { ...progress.current(), status: 'stopped' };
      return { ...progress.current(), status: 'failed', error: message(error) };
    }
  },
  write: (store, result) => store.getState().setFlowsRun(result),
  cancellable: true,
};
