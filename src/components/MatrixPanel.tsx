import { useMemo } from 'react';
import { podKey } from '../engine/cluster';
import { explainCni, explanationText } from '../engine/explain';
import { changedCells, editedSince, verdictKey } from '../datapath/editDiff';
import { MATRIX_AGGREGATE_ABOVE } from '../engine/matrixData';
import type { Cni, Protocol } from '../engine/model';
import {
  selectCluster,
  selectMatrix,
  selectMatrixPort,
  useAppActions,
  useAppStore,
} from '../store';
import type { AppState } from '../store';
import { ConnectivityMatrix, MatrixPortSelect, type MatrixCell } from './ConnectivityMatrix';
import { probeKey, ScaleMatrix } from './ScaleMatrix';
import { usePlayWalk } from './usePlayWalk';
import { formatCount as fmt } from './formatCount';

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
  const { setMatrixPort, dismissMatrixDiff } = useAppActions();
  // Live diff: the verdicts before the user's edits of this scenario, at this port.
  const base = useAppStore(selectMatrixBase);
  const seen = useAppStore(selectMatrixSeen);
  const scenarioId = useAppStore(selectScenarioId);
  const changed = useMemo(
    () =>
      matrix &&
      seen?.verdicts === matrix &&
      editedSince(base, `${scenarioId}|${port}`, seen.cluster)
        ? changedCells(base.value, matrix, cni)
        : null,
    [matrix, seen, base, scenarioId, port, cni],
  );
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
          // Why, in sentences: the deciding rule, the end of a tier, the identity with no entry.
          reason: explanationText(explainCni(v, cni)),
          ...policyOf(c.reference),
          ...(changed?.has(verdictKey(v)) ? { before: changed.get(verdictKey(v)) } : {}),
        };
      }),
    [matrix, cni, changed],
  );
  // What both the small and the grouped matrix are given: the CNI and the port choice.
  const shared = { cni, port, ports, onPortChange: setMatrixPort, showPortSelect };
  if (cluster && cluster.pods.length > MATRIX_AGGREGATE_ABOVE)
    return <LargeMatrix {...shared} onWalk={playWalk} />;
  if (!matrix) return <p className="matrix-loading">Computing the matrix in the policy worker…</p>;
  return (
    <ConnectivityMatrix
      {...shared}
      pods={pods}
      cells={cells}
      {...(changed ? { onDismissChanges: dismissMatrixDiff } : {})}
      onSelect={(cell) =>
        playWalk({ from: cell.from, to: cell.to, port: cell.port, protocol: cell.protocol })
      }
    />
  );
}

const selectMatrixScale = (s: AppState) => s.matrixScale;
const selectMatrixBase = (s: AppState) => s.matrixBase;
const selectMatrixSeen = (s: AppState) => s.matrixSeen;
const selectScenarioId = (s: AppState) => s.view.scenarioId;
const selectCellProbe = (s: AppState) => s.matrixCellProbe;
const selectCellVerdict = (s: AppState) => s.matrixCellVerdict;

/**
 * The matrix of a large scenario: progress with Cancel while it streams in, then the grouped grid
 * (ScaleMatrix); a pod cell's Explain asks the engine for that one probe's explained verdict.
 */
function LargeMatrix({
  cni,
  port,
  ports,
  onPortChange,
  showPortSelect,
  onWalk,
}: {
  cni: Cni;
  port: number | null;
  ports: readonly { port: number; protocol: Protocol }[];
  onPortChange(port: number | null): void;
  showPortSelect: boolean;
  onWalk(packet: { from: string; to: string; port: number; protocol: Protocol }): void;
}) {
  const scale = useAppStore(selectMatrixScale);
  const cellProbe = useAppStore(selectCellProbe);
  const cellVerdict = useAppStore(selectCellVerdict);
  const { cancelMatrix, recomputeMatrix, openMatrixCell } = useAppActions();
  const explanation = useMemo(() => {
    if (!cellProbe || !cellVerdict || !('pod' in cellProbe.from) || !('pod' in cellProbe.to))
      return null;
    const key = probeKey({
      from: cellProbe.from.pod,
      to: cellProbe.to.pod,
      port: cellProbe.port,
      protocol: cellProbe.protocol,
    });
    if (!cellVerdict.ok) return { key, text: cellVerdict.error };
    const v = cellVerdict.verdict[cni];
    const decided = policyOf(v.reference).policy;
    const why = explanationText(explainCni(cellVerdict.verdict, cni));
    return {
      key,
      text: `${v.allowed ? 'Allowed' : 'Denied'}${decided ? ` by ${decided}` : ''}: ${why}${v.agree ? '' : ' (the model disagrees with the reference: a PacketWalk bug)'}`,
    };
  }, [cellProbe, cellVerdict, cni]);
  const line = progressLine(scale);
  return (
    <>
      {showPortSelect && (
        <div className="matrix-progress">
          <MatrixPortSelect port={port} ports={ports} onPortChange={onPortChange} />
          {line.computing && (
            <progress
              aria-label="Matrix progress"
              max={Math.max(1, scale?.total ?? 1)}
              value={scale?.done ?? 0}
            />
          )}
          {/* The button before the status line: the line's text grows as the matrix fills, and a
              Cancel after it moved under the pointer (a click landed beside it). */}
          {line.action && (
            <button
              type="button"
              onClick={line.action === 'cancel' ? cancelMatrix : recomputeMatrix}
            >
              {line.action === 'cancel' ? 'Cancel matrix' : 'Compute again'}
            </button>
          )}
          <span role="status">{line.text}</span>
        </div>
      )}
      {scale?.data && (
        <ScaleMatrix
          cni={cni}
          data={scale.data}
          done={scale.done}
          onWalk={onWalk}
          onExplain={openMatrixCell}
          explanation={explanation}
        />
      )}
    </>
  );
}

/** What the progress line says of a streamed matrix, and the button it offers (Cancel or again). */
function progressLine(scale: AppState['matrixScale']): {
  computing: boolean;
  text: string;
  action?: 'cancel' | 'again';
} {
  if (!scale || scale.status === 'computing') {
    const text = scale?.data
      ? `Computing the matrix in the policy worker: ${percentOf(scale)}% (${fmt(scale.done)} of ${fmt(scale.total)} probes)`
      : 'Compiling both models in the policy worker…';
    return { computing: true, text, action: 'cancel' };
  }
  if (scale.status === 'cancelled')
    return {
      computing: false,
      text: `Cancelled at ${percentOf(scale)}% (${fmt(scale.done)} of ${fmt(scale.total)} probes).`,
      action: 'again',
    };
  const seconds = (scale.elapsedMs ?? 0) / 1000;
  const rate = Math.round((2 * scale.total) / Math.max(0.001, (scale.elapsedMs ?? 1) / 1000));
  return {
    computing: false,
    text: `${fmt(scale.total)} probes by both models in ${seconds.toFixed(1)} s (${fmt(rate)} verdicts/s).`,
  };
}

const percentOf = (scale: { done: number; total: number }) =>
  scale.total > 0 ? Math.floor((scale.done / scale.total) * 100) : 0;

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
