/**
 * The Dataplane panel's dump (datapath/dataplaneDump.ts) while the panel is open: one node's
 * dataplane for one CNI under the view's modes, printed in the worker (a dump of thousands of
 * policies is large) and written to the dataplane slice.
 */
import type { DataplaneDump } from '../datapath/dataplaneDump';
import type { Cni } from '../engine/model';
import type { ClusterView } from '../engine/clusterView';
import type { AppState } from '../store';
import type { EngineQuery } from './queryTypes';

export const dataplaneQuery: EngineQuery<
  readonly [
    cluster: ClusterView | null,
    open: boolean,
    cni: Cni | null,
    node: string | null,
    calico: AppState['view']['calico'],
    cilium: AppState['view']['cilium'],
    packet: AppState['view']['packet'],
  ],
  DataplaneDump | null
> = {
  key: 'dataplane',
  dependencies: (s: AppState) => [
    s.cluster,
    s.view.panels.includes('dataplane'),
    s.dataplaneCni,
    s.dataplaneNode,
    s.view.calico,
    s.view.cilium,
    s.view.packet,
  ],
  run: async (client, [cluster, open, cni, node, calico, cilium, packet]) => {
    if (!cluster || !open || !cni) return null;
    // The packet gives Cilium's dump the walked flow's conntrack entries.
    return cni === 'calico'
      ? client.call('dataplane', { cni, calico }, node, null)
      : client.call('dataplane', { cni, cilium }, node, packet);
  },
  // The cluster and scenario keep the Live diff's base (the dump before the user's edits).
  write: (store, dump, [cluster]) =>
    store.getState().setDataplaneDump(dump, cluster, store.getState().view.scenarioId),
};
