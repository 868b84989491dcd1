/**
 * The matrix part of `npm run bench` (issue 15): the whole connectivity matrix of the bench cluster
 * (every pod × every pod × declared port), computed band by band by the same `streamMatrix` the
 * policy worker runs, on the dataplanes the bench compiled. Figures only: time, verdicts per
 * second (two models per probe), bands streamed, and the sample the references checked.
 */
import { performance } from 'node:perf_hooks';
import type { CalicoDataplane } from '../src/engine/calico/iptables';
import type { CiliumDataplane } from '../src/engine/cilium/ebpf';
import {
  FLAG_CALICO_DISAGREES,
  FLAG_CILIUM_DISAGREES,
  FLAG_REFERENCE_CHECKED,
  streamMatrix,
  VERDICT_ALLOWED,
} from '../src/engine/matrix';
import type { Cluster } from '../src/engine/model';

export async function matrixFigures(
  cluster: Cluster,
  calico: CalicoDataplane,
  cilium: CiliumDataplane,
) {
  const engine = {
    cluster,
    calico: () => calico,
    cilium: () => cilium,
    compiled: () => ({ calico, cilium }),
  };
  let bands = 0;
  let checked = 0;
  let disagree = 0;
  let allowed = 0;
  const t0 = performance.now();
  const summary = await streamMatrix(engine, {}, (_done, _total, event) => {
    if (event.kind !== 'rows') return;
    bands++;
    const { flags, calico: ca } = event.chunk;
    for (let s = 0; s < flags.length; s++) {
      if (ca[s] === VERDICT_ALLOWED) allowed++;
      if (!(flags[s]! & FLAG_REFERENCE_CHECKED)) continue;
      checked++;
      if (flags[s]! & (FLAG_CALICO_DISAGREES | FLAG_CILIUM_DISAGREES)) disagree++;
    }
  });
  const ms = performance.now() - t0;
  return {
    pods: cluster.pods.length,
    probes: summary.probesDone,
    timeMs: Math.round(ms),
    /** Probes per second; each probe is a verdict from each of the two models. */
    probesPerSecond: Math.round((summary.probesDone / ms) * 1000),
    modelVerdictsPerSecond: Math.round(((2 * summary.probesDone) / ms) * 1000),
    bands,
    calicoAllowedShare: Math.round((allowed / Math.max(1, summary.probesDone)) * 1000) / 1000,
    referenceChecked: checked,
    referenceDisagreements: disagree,
  };
}
