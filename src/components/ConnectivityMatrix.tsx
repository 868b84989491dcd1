/**
 * The connectivity matrix of one CNI: pods × pods (sources as rows, destinations as columns) for a
 * chosen port, or for every port the destinations declare. Each cell says allowed (✓), denied (✗)
 * or allowed into the L7 proxy (◐) in symbols and words, never colour alone; hovering or focusing a
 * cell explains its verdict (deciding policy and reason) in the details line under the grid, and
 * clicking it or pressing Enter sends that packet into the walk.
 *
 * Keyboard: the grid is one tab stop (roving tabindex); the arrow keys move between cells, Home/End
 * to the row's ends, Ctrl+Home/End to the grid's corners; Enter or Space selects.
 */
import './ConnectivityMatrix.css';
import { useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { Cni, Protocol } from '../engine/model';
import { CNI_TITLE } from '../scene/words';

export interface MatrixCell {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly allowed: boolean;
  /** Allowed at L3/L4 into the L7 proxy, which judges each request. */
  readonly l7?: boolean;
  readonly reason: string;
  /** The policy that decided, when one did. */
  readonly policy?: string;
  /** Live diff: the verdict before the user's edit, when the edit changed it. */
  readonly before?: Kind;
}

export interface ConnectivityMatrixProps {
  pods: readonly string[];
  cells: readonly MatrixCell[];
  cni: Cni;
  /** The port shown; null = every port the destinations declare. */
  port: number | null;
  ports: readonly { port: number; protocol: Protocol }[];
  onPortChange(port: number | null): void;
  /** False for the second matrix of a pair, so the page has one "Matrix port" select. */
  showPortSelect?: boolean;
  onSelect(cell: MatrixCell): void;
  /** Given after an edit of the scenario: the cells with `before` are marked, and this clears them. */
  onDismissChanges?(): void;
}

type Kind = 'allowed' | 'denied' | 'l7';
const KIND: Record<Kind, { symbol: string; word: string }> = {
  allowed: { symbol: '✓', word: 'allowed' },
  denied: { symbol: '✗', word: 'denied' },
  l7: { symbol: '◐', word: 'redirected to the L7 proxy' },
};
const kindOf = (c: MatrixCell): Kind => (!c.allowed ? 'denied' : c.l7 ? 'l7' : 'allowed');

type Group =
  | { readonly kind: 'self' }
  | { readonly kind: 'none' }
  | { readonly kind: 'cells'; readonly cells: readonly MatrixCell[]; readonly summary: string };

const pairKey = (from: string, to: string) => `${from}\u0000${to}`;

function summaryOf(cells: readonly MatrixCell[]): string {
  const kinds = new Set(cells.map(kindOf));
  return kinds.size === 1 ? [...kinds][0]! : 'mixed';
}

/** The visible pod name, the namespace on its own line so columns stay narrow. */
function PodName({ pod }: { pod: string }) {
  const slash = pod.indexOf('/');
  if (slash < 0) return <>{pod}</>;
  return (
    <>
      <span className="matrix-ns">{pod.slice(0, slash + 1)}</span>
      <span className="matrix-pod">{pod.slice(slash + 1)}</span>
    </>
  );
}

function portList(ports: ConnectivityMatrixProps['ports']): { port: number; label: string }[] {
  const byPort = new Map<number, Protocol[]>();
  for (const p of ports) {
    const list = byPort.get(p.port) ?? [];
    if (!list.includes(p.protocol)) list.push(p.protocol);
    byPort.set(p.port, list);
  }
  return [...byPort.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([port, protocols]) => ({ port, label: `${port}/${protocols.join(', ')}` }));
}

/**
 * Where an arrow, Home/End (Ctrl: the grid's corners) or PageUp/PageDown key moves the active cell
 * of a grid whose last row and column are `lastRow` and `lastCol`; undefined for other keys.
 */
export function gridMove(
  e: { key: string; ctrlKey: boolean },
  r: number,
  c: number,
  lastRow: number,
  lastCol: number,
  page = 8,
): [number, number] | undefined {
  const moves: Record<string, [number, number] | undefined> = {
    ArrowUp: [Math.max(0, r - 1), c],
    ArrowDown: [Math.min(lastRow, r + 1), c],
    ArrowLeft: [r, Math.max(0, c - 1)],
    ArrowRight: [r, Math.min(lastCol, c + 1)],
    PageUp: [Math.max(0, r - page), c],
    PageDown: [Math.min(lastRow, r + page), c],
    Home: e.ctrlKey ? [0, 0] : [r, 0],
    End: e.ctrlKey ? [lastRow, lastCol] : [r, lastCol],
  };
  return moves[e.key];
}

/** The page's one "Matrix port" select: a declared port, or every one. */
export function MatrixPortSelect({
  port,
  ports,
  onPortChange,
}: Pick<ConnectivityMatrixProps, 'port' | 'ports' | 'onPortChange'>) {
  const selectId = useId();
  return (
    <>
      <label htmlFor={selectId}>Matrix port</label>
      <select
        id={selectId}
        value={port === null ? '' : String(port)}
        onChange={(e) => onPortChange(e.target.value === '' ? null : Number(e.target.value))}
      >
        <option value="">Every declared port</option>
        {portList(ports).map((p) => (
          <option key={p.port} value={String(p.port)}>
            {p.label}
          </option>
        ))}
      </select>
    </>
  );
}

/** Words for one cell: what a screen reader hears and the details line shows. */
function cellWords(c: MatrixCell): string {
  const was = c.before ? ` (was ${KIND[c.before].word} before your edit)` : '';
  return `${c.port}/${c.protocol} ${KIND[kindOf(c)].word}${was}`;
}

export function ConnectivityMatrix({
  pods,
  cells,
  cni,
  port,
  ports,
  onPortChange,
  showPortSelect = true,
  onSelect,
  onDismissChanges,
}: ConnectivityMatrixProps) {
  const id = useId();
  const titleId = `${id}-title`;
  const detailsId = `${id}-details`;
  const title = `${CNI_TITLE[cni]} connectivity`;
  const grid = useRef<HTMLTableElement>(null);
  const [active, setActive] = useState({ row: 0, col: 0 });
  const [focused, setFocused] = useState<{ row: number; col: number } | null>(null);
  const [hovered, setHovered] = useState<{ row: number; col: number } | null>(null);

  const groups = useMemo(() => {
    const map = new Map<string, MatrixCell[]>();
    for (const c of cells) {
      if (port !== null && c.port !== port) continue;
      const key = pairKey(c.from, c.to);
      const list = map.get(key) ?? [];
      list.push(c);
      map.set(key, list);
    }
    for (const list of map.values())
      list.sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
    return map;
  }, [cells, port]);

  const groupAt = (row: number, col: number): Group => {
    const from = pods[row]!;
    const to = pods[col]!;
    if (from === to) return { kind: 'self' };
    const list = groups.get(pairKey(from, to));
    return list && list.length > 0
      ? { kind: 'cells', cells: list, summary: summaryOf(list) }
      : { kind: 'none' };
  };

  const n = pods.length;
  // Live diff: the cells shown whose verdict the user's edit changed.
  const changedCount = [...groups.values()].reduce(
    (sum, list) => sum + list.filter((c) => c.before !== undefined).length,
    0,
  );
  const row = Math.min(active.row, Math.max(0, n - 1));
  const col = Math.min(active.col, Math.max(0, n - 1));

  const focusCell = (r: number, c: number) => {
    setActive({ row: r, col: c });
    grid.current?.querySelector<HTMLElement>(`[data-row="${r}"][data-col="${c}"]`)?.focus();
  };

  const select = (r: number, c: number) => {
    const g = groupAt(r, c);
    if (g.kind === 'cells') onSelect(g.cells[0]!);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTableCellElement>, r: number, c: number) => {
    const to = gridMove(e, r, c, n - 1, n - 1);
    if (to) {
      e.preventDefault();
      focusCell(to[0], to[1]);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      select(r, c);
    }
  };

  const shown = hovered ?? focused;
  const details = ((): { head: string; lines: string[]; hint?: string } | null => {
    if (!shown || !pods[shown.row] || !pods[shown.col]) return null;
    const from = pods[shown.row]!;
    const to = pods[shown.col]!;
    const g = groupAt(shown.row, shown.col);
    if (g.kind === 'self')
      return { head: `${from} → itself`, lines: ['Not applicable: a pod and itself.'] };
    if (g.kind === 'none')
      return {
        head: `${from} → ${to}`,
        lines: [
          port === null
            ? `${to} declares no port to probe.`
            : `Not probed: ${to} declares no port ${port}.`,
        ],
      };
    return {
      head: `${from} → ${to}`,
      lines: g.cells.map(
        (c) =>
          // The reason may name the policy itself (the explained sentences do): not twice.
          `${KIND[kindOf(c)].symbol} ${cellWords(c)}${c.policy && !c.reason.includes(c.policy) ? `, decided by ${c.policy}` : ''}: ${c.reason}`,
      ),
      hint: 'Click or press Enter to walk this packet.',
    };
  })();

  return (
    <section className={`conn-matrix conn-matrix-${cni}`} aria-labelledby={titleId}>
      <h3 id={titleId}>{title}</h3>
      <div className="conn-matrix-controls">
        {showPortSelect && (
          <>
            <MatrixPortSelect port={port} ports={ports} onPortChange={onPortChange} />
          </>
        )}
        <ul className="conn-matrix-legend" aria-label="Legend">
          <li>
            <span aria-hidden="true" className="matrix-symbol matrix-allowed">
              ✓
            </span>{' '}
            allowed
          </li>
          <li>
            <span aria-hidden="true" className="matrix-symbol matrix-denied">
              ✗
            </span>{' '}
            denied
          </li>
          {(cni === 'cilium' || cells.some((c) => c.l7)) && (
            <li>
              <span aria-hidden="true" className="matrix-symbol matrix-l7">
                ◐
              </span>{' '}
              to the L7 proxy (Envoy judges each request)
            </li>
          )}
          <li>
            <span aria-hidden="true" className="matrix-symbol">
              —
            </span>{' '}
            same pod
          </li>
          <li>
            <span aria-hidden="true" className="matrix-symbol">
              ·
            </span>{' '}
            no such port declared
          </li>
        </ul>
      </div>
      {onDismissChanges && (
        <p className="conn-matrix-changes edit-diff" aria-live="polite">
          <span>
            Since your edit:{' '}
            {changedCount === 0
              ? 'no verdict changed.'
              : `${changedCount} verdict${changedCount === 1 ? '' : 's'} changed, marked was→now (✓→✗).`}
          </span>{' '}
          <button type="button" onClick={onDismissChanges}>
            Dismiss
          </button>
        </p>
      )}
      {n === 0 ? (
        <p className="conn-matrix-empty">No pods in this scenario.</p>
      ) : (
        <div className="conn-matrix-scroll">
          <table
            ref={grid}
            role="grid"
            aria-labelledby={titleId}
            aria-describedby={detailsId}
            onMouseLeave={() => setHovered(null)}
          >
            <thead>
              <tr>
                <td className="conn-matrix-corner">
                  <span aria-hidden="true">from ↓ to →</span>
                </td>
                {pods.map((p) => (
                  <th key={p} scope="col">
                    <PodName pod={p} />
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {pods.map((from, r) => (
                <tr key={from}>
                  <th scope="row">
                    <PodName pod={from} />
                  </th>
                  {pods.map((to, c) => {
                    const g = groupAt(r, c);
                    const cls =
                      g.kind === 'cells'
                        ? `matrix-${g.summary}${g.cells.some((x) => x.before) ? ' matrix-changed' : ''}`
                        : g.kind === 'self'
                          ? 'matrix-self'
                          : 'matrix-none';
                    return (
                      <td
                        key={to}
                        role="gridcell"
                        className={`conn-matrix-cell ${cls}`}
                        data-row={r}
                        data-col={c}
                        tabIndex={r === row && c === col ? 0 : -1}
                        aria-disabled={g.kind === 'cells' ? undefined : 'true'}
                        onClick={() => {
                          setActive({ row: r, col: c });
                          select(r, c);
                        }}
                        onKeyDown={(e) => onKeyDown(e, r, c)}
                        onFocus={() => {
                          setActive({ row: r, col: c });
                          setFocused({ row: r, col: c });
                        }}
                        onBlur={() => setFocused(null)}
                        onMouseEnter={() => setHovered({ row: r, col: c })}
                      >
                        {g.kind === 'self' ? (
                          <>
                            <span aria-hidden="true">—</span>
                            <span className="visually-hidden">not applicable: same pod</span>
                          </>
                        ) : g.kind === 'none' ? (
                          <>
                            <span aria-hidden="true">·</span>
                            <span className="visually-hidden">
                              {port === null ? 'no declared port' : `port ${port} not declared`}
                            </span>
                          </>
                        ) : (
                          g.cells.map((cell) => (
                            <span
                              key={`${cell.port}/${cell.protocol}`}
                              className={`matrix-mark matrix-${kindOf(cell)}`}
                            >
                              <span aria-hidden="true">
                                {cell.before && (
                                  <span className="matrix-was">{KIND[cell.before].symbol}→</span>
                                )}
                                {KIND[kindOf(cell)].symbol}
                                {port === null || g.cells.length > 1 ? (
                                  <span className="matrix-port">
                                    {port === null ? cell.port : cell.protocol}
                                  </span>
                                ) : null}
                              </span>
                              <span className="visually-hidden">{cellWords(cell)}</span>
                            </span>
                          ))
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div id={detailsId} className="conn-matrix-details" aria-live="polite">
        {details ? (
          <>
            <p className="conn-matrix-details-head">{details.head}</p>
            <ul>
              {details.lines.map((l, i) => (
                <li key={i}>{l}</li>
              ))}
            </ul>
            {details.hint && <p className="conn-matrix-hint">{details.hint}</p>}
          </>
        ) : (
          <p className="conn-matrix-hint">
            Hover or focus a cell to see why; click it or press Enter to walk that packet.
          </p>
        )}
      </div>
    </section>
  );
}
