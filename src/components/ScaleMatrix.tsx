/**
 * The connectivity matrix of a large scenario, by groups of pods: namespaces × namespaces first; a
 * group cell opens the workloads of its two namespaces, and a workload cell the pods of its two
 * workloads; a pod cell shows each port's verdicts and asks the engine for the explanation of the
 * one probe the user picks. Each cell counts its probes (allowed, denied, not computed yet) in
 * symbols and numbers, with a pattern for mixed cells, never colour alone; ≠ counts the probes on
 * which Calico and Cilium answer differently, ⚠ a model that disagreed with its reference.
 *
 * The grid is virtualised with @tanstack/react-virtual (rows and columns), so a level with a
 * thousand groups renders only what is in view. Keyboard: one tab stop; arrows, Home/End,
 * PageUp/PageDown move; Enter opens a cell; Backspace or Escape goes back up a level.
 */
import './ScaleMatrix.css';
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  memo,
  useDeferredValue,
  useEffect,
  useId,
  useRef,
  useState,
  type KeyboardEvent,
} from 'react';
import {
  protocolOf,
  VERDICT_ALLOWED,
  VERDICT_PENDING,
  type MatrixData,
} from '../engine/matrixData';
import {
  aggregate,
  type Aggregate,
  groupKind,
  groupPods,
  namespaceTotals,
  type GroupCounts,
  type GroupKind,
  type GroupLevel,
  type PodGroup,
} from '../engine/matrixAggregate';
import type { Cni, Probe, Protocol } from '../engine/model';
import { CNI_TITLE } from '../scene/words';
import { gridMove } from './ConnectivityMatrix';
import { formatCount as fmt } from './formatCount';

export interface ScaleMatrixProps {
  cni: Cni;
  data: MatrixData;
  /** Probes computed so far: a new value means new rows arrived. */
  done: number;
  /** The packet a pod cell's port sends into the walk. */
  onWalk(packet: { from: string; to: string; port: number; protocol: Protocol }): void;
  /** Asks for the explanation of one probe (shown by `explanation`). */
  onExplain(probe: Probe): void;
  /** The explanation last asked for, keyed by `probeKey`. */
  explanation?: { key: string; text: string } | null;
}

export const probeKey = (p: { from: string; to: string; port: number; protocol: string }) =>
  `${p.from}\u0000${p.to}\u0000${p.port}/${p.protocol}`;

const CELL_W = 88;
const CELL_H = 46;
const HEAD_W = 104;
const HEAD_H = 40;

const SYMBOL: Record<GroupKind, string> = {
  allowed: '✓',
  denied: '✗',
  mixed: '◩',
  pending: '…',
  none: '·',
};

const NEXT: Record<GroupLevel, GroupLevel | null> = {
  namespace: 'workload',
  workload: 'pod',
  pod: null,
};

interface Level {
  readonly level: GroupLevel;
  readonly rows: readonly PodGroup[];
  readonly cols: readonly PodGroup[];
  /** How the user got here: the two groups opened. */
  readonly from?: string;
  readonly to?: string;
}

/**
 * The namespaces grid reads running totals, to which each band streamed in is added once
 * (`namespaceTotals`: a band costs its own size). A drilled-down grid is summed on demand from its
 * two groups' pods; while the matrix streams in, at most once a second and at most a tenth of the
 * time, since the two groups may hold most of the matrix.
 */
const refreshMs = () => Math.max(1000, 10 * (lastSum?.ms ?? 0));

/** `value`, changing at most once per `ms()`: a change inside the wait shows at its end. */
function useThrottled<T>(value: T, ms: () => number, enabled = true): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    if (!enabled || Object.is(value, shown)) return;
    const timer = setTimeout(
      () => {
        last.current = performance.now();
        setShown(value);
      },
      Math.max(0, last.current + ms() - performance.now()),
    );
    return () => clearTimeout(timer);
  }, [value, shown, ms, enabled]);
  return shown;
}

/** The namespaces level of a matrix, one object per matrix: both CNIs' grids share its totals. */
const topLevels = new WeakMap<MatrixData, Level>();
function topLevel(data: MatrixData): Level {
  let top = topLevels.get(data);
  if (!top) {
    const { rows, cols } = namespaceTotals(data).sum;
    top = { level: 'namespace', rows, cols };
    topLevels.set(data, top);
  }
  return top;
}

/** The last drilled-down sum: the Calico and Cilium grids show the same one (both CNIs a cell). */
let lastSum: { data: MatrixData; level: Level; done: number; sum: Aggregate; ms: number } | null =
  null;
function sumOf(data: MatrixData, level: Level, done: number): Aggregate {
  if (level === topLevel(data)) {
    const totals = namespaceTotals(data);
    totals.catchUp();
    return totals.sum;
  }
  if (lastSum?.data !== data || lastSum.level !== level || lastSum.done !== done) {
    const t0 = performance.now();
    const sum = aggregate(data, level.rows, level.cols);
    lastSum = { data, level, done, sum, ms: performance.now() - t0 };
  }
  return lastSum.sum;
}

/** Words for a cell: what a screen reader hears and the details line shows. */
export function countsWords(c: GroupCounts, cni: Cni): string {
  if (c.probes === 0) return 'no probes (no declared port, or a pod and itself)';
  const { allowed, denied } = c[cni];
  const parts = [`${fmt(allowed)} allowed`, `${fmt(denied)} denied`];
  if (c.pending > 0) parts.push(`${fmt(c.pending)} not computed yet`);
  if (c.cnisDiffer > 0) parts.push(`${fmt(c.cnisDiffer)} where Calico and Cilium differ`);
  const bad = cni === 'calico' ? c.calicoDisagrees : c.ciliumDisagrees;
  if (bad > 0) parts.push(`${fmt(bad)} where the model disagrees with its reference`);
  return `${fmt(c.probes)} probes: ${parts.join(', ')}`;
}

/**
 * A cell's counts, drawn: one block of one text node (the verdict lines) and, when there are any,
 * one span of flags. Few layout objects per cell: each streamed update changes every namespace cell's counts,
 * and a few hundred cells with nested spans and flex boxes made each redraw a long task (issue 15).
 */
function CellText({ c, cni }: { c: GroupCounts; cni: Cni }) {
  const kind = groupKind(c, cni);
  const { allowed, denied } = c[cni];
  const bad = cni === 'calico' ? c.calicoDisagrees : c.ciliumDisagrees;
  let text: string = SYMBOL[kind];
  if (kind !== 'none' && kind !== 'pending') {
    text = allowed > 0 ? `✓${fmt(allowed)}` : '';
    if (denied > 0) text += `${text ? '\n' : ''}✗${fmt(denied)}`;
  }
  const flags: string[] = [];
  const titles: string[] = [];
  if (c.cnisDiffer > 0) {
    flags.push(`≠${fmt(c.cnisDiffer)}`);
    titles.push('≠ Calico and Cilium differ');
  }
  if (bad > 0) {
    flags.push(`⚠${fmt(bad)}`);
    titles.push('⚠ model disagrees with its reference');
  }
  if (c.pending > 0 && kind !== 'pending') flags.push(`…${fmt(c.pending)}`);
  return (
    <span aria-hidden="true" className="smx-cell-text">
      {text}
      {flags.length > 0 && (
        <span className="smx-cell-flags" title={titles.join('; ') || undefined}>
          {flags.join(' ')}
        </span>
      )}
    </span>
  );
}

/**
 * Memoised: the drawer re-renders its panels at every step of a playing walk, and a grid of a few
 * hundred cells (each with its label in words) is worth skipping when nothing it shows changed.
 */
export const ScaleMatrix = memo(StaggeredGrid);

/**
 * The Cilium grid's namespaces level redraws a moment after the Calico grid's: each streamed
 * update changes every namespace cell of both grids, and one grid's restyle, layout and paint per
 * task, not both, keeps each task short (issue 15). A drilled-down grid is not delayed: both CNIs'
 * grids share its sum (`lastSum`), computed once for the same `done`.
 */
const STAGGER_MS = 400;

function StaggeredGrid(props: ScaleMatrixProps) {
  const { cni, data } = props;
  const [stack, setStack] = useState<readonly Level[]>([]);
  const delay = cni === 'cilium' && stack.length === 0 ? STAGGER_MS : 0;
  const done = useDelayed(props.done, delay);
  // A new matrix's first grid is drawn over three tasks: its namespace totals (the bands so far)
  // in one, the Calico grid's mount (the virtualisers measure, a forced layout) in the next, the
  // Cilium grid's after its delay.
  const [readyFor, setReadyFor] = useState<MatrixData | null>(null);
  useEffect(() => {
    if (readyFor === data) return;
    const timer = setTimeout(() => {
      if (topLevels.has(data)) namespaceTotals(data).catchUp();
      else topLevel(data);
      setReadyFor(data);
    }, delay);
    return () => clearTimeout(timer);
  }, [data, readyFor, delay]);
  if (readyFor !== data)
    return (
      <section className={`smx-matrix smx-matrix-${cni}`} aria-label={`${CNI_TITLE[cni]} matrix`}>
        <p className="smx-hint">Laying out the {CNI_TITLE[cni]} matrix…</p>
      </section>
    );
  return <Grid {...props} done={delay ? done : props.done} stack={stack} setStack={setStack} />;
}

/**
 * `value`, each change shown `ms` after it (0: at once); changes that come quicker than `ms` show
 * the latest at the end of the first one's wait.
 */
function useDelayed<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const latest = useRef(value);
  useEffect(() => {
    latest.current = value;
  });
  const behind = !Object.is(value, shown);
  useEffect(() => {
    if (!behind) return;
    const timer = setTimeout(() => setShown(latest.current), ms);
    return () => clearTimeout(timer);
  }, [behind, ms]);
  return shown;
}

interface GridProps extends ScaleMatrixProps {
  readonly stack: readonly Level[];
  setStack(next: readonly Level[]): void;
}

const Grid = memo(ScaleMatrixGrid);

function ScaleMatrixGrid({
  cni,
  data,
  done,
  onWalk,
  onExplain,
  explanation,
  stack,
  setStack,
}: GridProps) {
  const id = useId();
  const { layout } = data;
  const top = topLevel(data);
  const level = stack.at(-1) ?? top;
  // `done` changes with every band streamed in (the arrays fill in place): the namespaces grid
  // adds the new bands to its totals; a drilled-down grid is summed again at most once per
  // refreshMs() while it streams.
  // (The namespaces grid never waits for it: a timer's redraw would read bands that arrived since,
  // a second drawing per streamed update; the store's updates come at most once a second.)
  const shownDone = useThrottled(done, refreshMs, level !== top);
  const agg = sumOf(data, level, shownDone);
  const [active, setActive] = useState({ row: 0, col: 0 });
  const [pair, setPair] = useState<{ row: number; col: number } | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  // A grid's mount draws its frame first (the virtualisers measure the scroll box, a forced layout,
  // and draw again at its size), its rows in a deferred render after it: one task held the mount,
  // the measure, both renders of every cell in view and their layout (issue 15: a long task).
  const rowsShown = useDeferredValue(true, false);
  /** Nonzero while a key move waits for its cell to take focus (a new number per move). */
  const wantFocus = useRef(0);
  const rowV = useVirtualizer({
    count: level.rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => CELL_H,
    overscan: 4,
  });
  const colV = useVirtualizer({
    horizontal: true,
    count: level.cols.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => CELL_W,
    overscan: 2,
  });

  // The cell a key moved to may mount only once the virtualiser has scrolled to it, and the cell
  // that had focus may unmount on the way: keep asking for focus for a moment after a move.
  useEffect(() => {
    if (!wantFocus.current) return;
    const el = scroller.current?.querySelector<HTMLElement>(
      `[data-row="${active.row}"][data-col="${active.col}"]`,
    );
    if (el) {
      if (document.activeElement !== el) el.focus({ preventScroll: true });
      const asked = wantFocus.current;
      setTimeout(() => {
        if (wantFocus.current === asked) wantFocus.current = 0;
      }, 400);
    }
  });

  const go = (next: readonly Level[]) => {
    setStack(next);
    setActive({ row: 0, col: 0 });
    setPair(null);
    rowV.scrollToIndex(0);
    colV.scrollToIndex(0);
  };

  const open = (r: number, c: number) => {
    const counts = agg.at(r, c);
    if (counts.probes === 0) return;
    const next = NEXT[level.level];
    if (!next) {
      setPair({ row: r, col: c });
      return;
    }
    const rows = level.rows[r]!;
    const cols = level.cols[c]!;
    go([
      ...stack,
      {
        level: next,
        rows: groupPods(layout, next, rows.pods),
        cols: groupPods(layout, next, cols.pods),
        from: rows.label,
        to: cols.label,
      },
    ]);
  };

  const moveTo = (r: number, c: number) => {
    setActive({ row: r, col: c });
    rowV.scrollToIndex(r);
    colV.scrollToIndex(c);
    wantFocus.current = performance.now();
  };

  const onKeyDown = (e: KeyboardEvent, r: number, c: number) => {
    const to = gridMove(e, r, c, level.rows.length - 1, level.cols.length - 1);
    if (to) {
      e.preventDefault();
      moveTo(to[0], to[1]);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      open(r, c);
    } else if ((e.key === 'Backspace' || e.key === 'Escape') && stack.length > 0) {
      e.preventDefault();
      go(stack.slice(0, -1));
      wantFocus.current = performance.now();
    }
  };

  const row = Math.min(active.row, level.rows.length - 1);
  const col = Math.min(active.col, level.cols.length - 1);
  const what = level.level === 'namespace' ? 'namespace' : level.level;
  const titleId = `${id}-title`;
  const hintId = `${id}-hint`;

  return (
    <section className={`smx-matrix smx-matrix-${cni}`} aria-labelledby={titleId}>
      <h3 id={titleId}>
        {CNI_TITLE[cni]} connectivity by {what}
      </h3>
      <nav aria-label={`${CNI_TITLE[cni]} matrix level`} className="smx-crumbs">
        <ol>
          <li>
            {stack.length === 0 ? (
              <span aria-current="location">All namespaces</span>
            ) : (
              <button type="button" onClick={() => go([])}>
                All namespaces
              </button>
            )}
          </li>
          {stack.map((l, i) => (
            <li key={i}>
              {i === stack.length - 1 ? (
                <span aria-current="location">
                  {l.from} → {l.to}
                </span>
              ) : (
                <button type="button" onClick={() => go(stack.slice(0, i + 1))}>
                  {l.from} → {l.to}
                </button>
              )}
            </li>
          ))}
        </ol>
      </nav>
      <ul className="conn-matrix-legend smx-legend" aria-label="Legend">
        <li>✓ allowed</li>
        <li>✗ denied</li>
        <li>
          <span className="smx-swatch smx-mixed" aria-hidden="true" /> striped: some of each
        </li>
        <li>≠ Calico and Cilium differ</li>
        <li>⚠ model ≠ reference</li>
        <li>… not computed yet</li>
      </ul>
      <p id={hintId} className="smx-hint">
        Rows are sources, columns destinations. Press Enter on a cell to open{' '}
        {level.level === 'pod' ? 'its ports' : `its ${NEXT[level.level]}s`}; Backspace goes back.
      </p>
      <div
        ref={scroller}
        className="smx-scroll"
        role="grid"
        aria-labelledby={titleId}
        aria-describedby={hintId}
        aria-rowcount={level.rows.length + 1}
        aria-colcount={level.cols.length + 1}
      >
        <div
          className="smx-canvas"
          style={{ width: HEAD_W + colV.getTotalSize(), height: HEAD_H + rowV.getTotalSize() }}
        >
          <div role="row" aria-rowindex={1} className="smx-head-row" style={{ height: HEAD_H }}>
            <span role="columnheader" aria-colindex={1} className="smx-corner">
              from ↓ to →
            </span>
            {colV.getVirtualItems().map((v) => (
              <span
                key={v.key}
                role="columnheader"
                aria-colindex={v.index + 2}
                className="smx-col-head"
                title={level.cols[v.index]!.key}
                style={{ left: HEAD_W + v.start, width: CELL_W }}
              >
                {level.cols[v.index]!.label}
              </span>
            ))}
          </div>
          {(rowsShown ? rowV.getVirtualItems() : []).map((rv) => {
            const g = level.rows[rv.index]!;
            return (
              <div
                key={rv.key}
                role="row"
                aria-rowindex={rv.index + 2}
                className="smx-row"
                style={{ top: HEAD_H + rv.start, height: CELL_H }}
              >
                <span
                  role="rowheader"
                  aria-colindex={1}
                  className="smx-row-head"
                  title={g.key}
                  style={{ width: HEAD_W }}
                >
                  {g.label}
                </span>
                {colV.getVirtualItems().map((cv) => {
                  const counts = agg.at(rv.index, cv.index);
                  const kind = groupKind(counts, cni);
                  const bad = cni === 'calico' ? counts.calicoDisagrees : counts.ciliumDisagrees;
                  return (
                    <span
                      key={cv.key}
                      role="gridcell"
                      aria-colindex={cv.index + 2}
                      aria-label={`${g.key} → ${level.cols[cv.index]!.key}: ${countsWords(counts, cni)}`}
                      aria-disabled={counts.probes === 0 ? 'true' : undefined}
                      data-row={rv.index}
                      data-col={cv.index}
                      tabIndex={rv.index === row && cv.index === col ? 0 : -1}
                      className={`smx-cell smx-${kind}${counts.cnisDiffer > 0 ? ' smx-differ' : ''}${bad > 0 ? ' smx-bad' : ''}`}
                      style={{ left: HEAD_W + cv.start, width: CELL_W }}
                      onClick={() => {
                        setActive({ row: rv.index, col: cv.index });
                        open(rv.index, cv.index);
                      }}
                      onFocus={() => setActive({ row: rv.index, col: cv.index })}
                      onKeyDown={(e) => onKeyDown(e, rv.index, cv.index)}
                    >
                      <CellText c={counts} cni={cni} />
                    </span>
                  );
                })}
              </div>
            );
          })}
        </div>
      </div>
      <div className="conn-matrix-details" aria-live="polite">
        {pair && level.level === 'pod' ? (
          <PairDetails
            data={data}
            from={level.rows[pair.row]!.pods[0]!}
            to={level.cols[pair.col]!.pods[0]!}
            onWalk={onWalk}
            onExplain={onExplain}
            explanation={explanation ?? null}
          />
        ) : (
          <p className="conn-matrix-details-head">
            {agg.rows[row] && agg.cols[col]
              ? `${agg.rows[row].key} → ${agg.cols[col].key}: ${countsWords(agg.at(row, col), cni)}`
              : ''}
          </p>
        )}
      </div>
    </section>
  );
}

/** The ports of one pod pair: both CNIs' verdicts, Explain (asks the engine) and Walk. */
function PairDetails({
  data,
  from,
  to,
  onWalk,
  onExplain,
  explanation,
}: {
  data: MatrixData;
  from: number;
  to: number;
  onWalk: ScaleMatrixProps['onWalk'];
  onExplain: ScaleMatrixProps['onExplain'];
  explanation: ScaleMatrixProps['explanation'];
}) {
  const { layout } = data;
  const src = layout.pods[from]!;
  const dst = layout.pods[to]!;
  const slots: number[] = [];
  for (let s = layout.offsets[to]!; s < layout.offsets[to + 1]!; s++) slots.push(s);
  const word = (code: number) =>
    code === VERDICT_PENDING
      ? 'not computed yet'
      : code === VERDICT_ALLOWED
        ? '✓ allowed'
        : '✗ denied';
  return (
    <>
      <p className="conn-matrix-details-head">
        {src} → {dst}
      </p>
      <ul className="smx-ports">
        {slots.map((s) => {
          const at = from * layout.stride + s;
          const port = layout.ports[s]!;
          const protocol = protocolOf(layout, s);
          const packet = { from: src, to: dst, port, protocol };
          const shown = explanation?.key === probeKey(packet) ? explanation.text : null;
          const probe: Probe = { from: { pod: src }, to: { pod: dst }, port, protocol };
          return (
            <li key={s}>
              <span>
                {port}/{protocol}: Calico {word(data.calico[at]!)}, Cilium {word(data.cilium[at]!)}
              </span>{' '}
              <button type="button" onClick={() => onExplain(probe)}>
                Explain {port}/{protocol}
              </button>{' '}
              <button type="button" onClick={() => onWalk(packet)}>
                Walk {port}/{protocol}
              </button>
              {shown && <p className="smx-explanation">{shown}</p>}
            </li>
          );
        })}
      </ul>
    </>
  );
}
