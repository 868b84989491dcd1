/**
 * The O(N) vs O(1) sweep (engine/sweep.ts) while the Scale panel is open: asked of the worker for
 * the loaded scenario and the view's packet, streamed sample by sample into the scale slice, stopped
 * by the panel's Stop or by a newer question before the sweep's next step (the worker and its
 * scenario stay as they are: a stop is the sweep's own, not a restart).
 */
import type { ClusterView } from '../engine/clusterView';
// The light half of the sweep: the models it compiles stay in the worker's chunk.
import { policyCount, SWEEP_COUNTS, sweepPacket, type SweepPacket } from '../engine/sweepPlan';
import type { AppState, PacketChoice, ScaleSweepState } from '../store';
import { EngineCallError } from '../worker/client';
import type { EngineQuery } from './queryTypes';

/** The sweep's packet: the view's, when it is a pod-to-pod packet with a port protocol. */
export function sweepPacketOf(packet: PacketChoice | null): SweepPacket | null {
  if (!packet || packet.protocol === 'ICMP' || packet.reply) return null;
  return { from: packet.from, to: packet.to, port: packet.port, protocol: packet.protocol };
}

/** One step (a parse batch, a sample at 10,000 policies) may take seconds on a busy machine; each
 * progress report restarts this deadline. */
const STEP_TIMEOUT_MS = 60_000;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export const scaleQuery: EngineQuery<
  readonly [cluster: ClusterView | null, packet: PacketChoice | null, open: boolean, runs: number],
  ScaleSweepState | null
> = {
  key: 'scale',
  dependencies: (s: AppState) => [
    s.cluster,
    s.view.packet,
    s.view.panels.includes('scale'),
    s.scaleRuns,
  ],
  // A new packet (a click in the matrix, a step of a lesson) waits a moment for the next one.
  delayMs: (next, previous) => (previous && next[0] === previous[0] && next[2] ? 400 : 0),
  run: async (client, [cluster, asked, open], { signal, partial, store }) => {
    if (!cluster || !open) return null;
    const stops = store.getState().scaleStopRequests;
    const stopped = () => signal.aborted || store.getState().scaleStopRequests !== stops;
    let state: ScaleSweepState;
    try {
      state = {
        cluster,
        packet: sweepPacket(cluster, sweepPacketOf(asked)),
        basePolicies: policyCount(cluster),
        samples: [],
        done: 0,
        total: 0,
        status: 'computing',
      };
    } catch (error) {
      return {
        cluster,
        packet: { from: '', to: '', port: 0, protocol: 'TCP' },
        basePolicies: 0,
        samples: [],
        done: 0,
        total: 0,
        status: 'failed',
        error: message(error),
      };
    }
    partial(state);
    try {
      const sweep = await client.request(
        'scaleSweep',
        [
          { packet: state.packet },
          (done, total, sample) => {
            if (stopped()) return false;
            state = {
              ...state,
              done,
              total,
              samples: sample ? [...state.samples, sample] : state.samples,
            };
            partial(state);
            return true;
          },
        ],
        { timeoutMs: STEP_TIMEOUT_MS },
      );
      const complete = sweep.samples.length === SWEEP_COUNTS.length;
      return { ...state, samples: sweep.samples, status: complete ? 'done' : 'stopped' };
    } catch (error) {
      // The status line's Cancel stops the whole worker: for the panel, the sweep was stopped.
      if (error instanceof EngineCallError && error.reason === 'cancel')
        return { ...state, status: 'stopped' };
      return { ...state, status: 'failed', error: message(error) };
    }
  },
  write: (store, result) => store.getState().setScaleSweep(result),
  cancellable: true,
};
