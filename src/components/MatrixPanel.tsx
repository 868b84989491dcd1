import { useMemo } from 'react';
import { podKey } from '../engine/cluster';
import type { Cni } from '../engine/model';
import {
  selectCluster,
  selectMatrix,
  selectMatrixPort,
  useAppActions,
  useAppStore,
} from '../store';
import { ConnectivityMatrix, type MatrixCell } from './ConnectivityMatrix';
import { usePlayWalk } from './usePlayWalk';

/** Pods × pods for a port, per CNI; a click sends that packet into the walk and plays it. */
export function MatrixPanel({
  cni,
  showPortSelect = true,
}: {
  cni: Cni;
  showPortSelect?: boolean;
}) {
  const cluster = useAppStore(selectCluster);
  const matrix = useAppStore(selectMatrix);
  const port = useAppStore(selectMatrixPort);
  const setMatrixPort = useAppActions().setMatrixPort;
  // A click sends that packet and plays its walk, the stage in view.
  const playWalk = usePlayWalk();
  const pods = useMemo(() => (cluster ? cluster.pods.map(podKey) : []), [cluster]);
  const ports = useMemo(() => {
    const seen = new Map<string, { port: number; protocol: 'TCP' | 'UDP' | 'SCTP' }>();
    for (const p of cluster?.pods ?? [])
      for (const c of p.ports) seen.set(`${c.port}/${c.protocol}`, c);
    return [...seen.values()].sort((a, b) => a.port - b.port);
  }, [cluster]);
  const cells: MatrixCell[] = useMemo(
    () =>
      // The matrix is per declared port; ICMP probes (no port) have no column in it.
      (matrix ?? []).flatMap((v) => {
        if (v.probe.protocol === 'ICMP') return [];
        const c = v[cni];
        return {
          from: 'pod' in v.probe.from ? v.probe.from.pod : v.probe.from.ip,
          to: 'pod' in v.probe.to ? v.probe.to.pod : v.probe.to.ip,
          port: v.probe.port,
          protocol: v.probe.protocol,
          allowed: c.allowed,
          l7: c.reference.l7?.redirected ?? false,
          reason: c.reason,
          ...policyOf(c.reference),
        };
      }),
    [matrix, cni],
  );
  if (!matrix) return <p className="matrix-loading">Computing the matrix in the policy worker…</p>;
  return (
    <ConnectivityMatrix
      cni={cni}
      pods={pods}
      cells={cells}
      port={port}
      ports={ports}
      onPortChange={setMatrixPort}
      showPortSelect={showPortSelect}
      onSelect={(cell) =>
        playWalk({ from: cell.from, to: cell.to, port: cell.port, protocol: cell.protocol })
      }
    />
  );
}

/** The policy that decided, preferring the direction that denied. */
function policyOf(d: {
  allowed: boolean;
  ingress?: { allowed: boolean; policy?: string };
  egress?: { allowed: boolean; policy?: string };
}): { policy?: string } {
  const deciding = [d.egress, d.ingress].find((x) => x && x.allowed === d.allowed && x.policy);
  return deciding?.policy ? { policy: deciding.policy } : {};
}

/** The matrix as a side panel: one matrix per CNI shown, the port choice on the first. */
export function MatrixSidePanel({ shown }: { shown: readonly Cni[] }) {
  return (
    <section className="side-panel" aria-labelledby="matrix-title">
      <h2 id="matrix-title">Connectivity matrix</h2>
      {shown.map((c, i) => (
        <MatrixPanel key={c} cni={c} showPortSelect={i === 0} />
      ))}
    </section>
  );
}
