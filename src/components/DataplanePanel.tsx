/**
 * The Dataplane panel (issue 16): one node's dataplane as the tools print it, for Calico (IP sets,
 * the filter table, kube-proxy's nat chains) or Cilium (cilium_lxc, the ipcache, each endpoint's
 * policy map, the Service maps), printed in the worker (app/dataplaneQuery.ts) as structured lines.
 * Sections collapse; a search marks its matches and steps through them; the row the current hop
 * decided on is highlighted and scrolled into view as the walk plays, and the inspector's "Show in
 * Dataplane" opens the panel at a row.
 *
 * The list is a tree (sections, then their lines), virtualised with @tanstack/react-virtual: one
 * tab stop, the active line is `aria-activedescendant`; arrows move, Left/Right collapse and expand,
 * Home/End, Enter toggles a section.
 */
import './DataplanePanel.css';
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  Fragment,
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
} from 'react';
import type { DataplaneDump } from '../datapath/dataplaneDump';
import { findTarget, hopTarget } from '../datapath/dumpTargets';
import type { DumpLine } from '../engine/dumpLines';
import type { Cni } from '../engine/model';
import { CNI_TITLE } from '../scene/words';
import { ChangeList, DiffBar, useDumpDiff } from './DataplaneDiff';
import { useDrawer } from './Drawer';
import { ToggleGroup } from './ToggleGroup';
import {
  selectPanels,
  selectThemePreference,
  selectWalk,
  useAppActions,
  useAppStore,
  type AppState,
} from '../store';
import {
  COLLAPSED_AT_FIRST,
  lineWords,
  searchLines,
  treeItems,
  type TreeItem,
} from './dataplaneView';
import { usePanelPlayback } from './usePlayback';

/**
 * A line of one row is 1.5rem high: 24 px, 30 px in the projector theme (125 %). A long row wraps
 * (its words kept whole, later lines indented), and the list measures each row as drawn.
 */
const rowHeight = (): number =>
  1.5 * (parseFloat(getComputedStyle(document.documentElement).fontSize) || 16);

const selectDump = (s: AppState) => s.dataplaneDump;
const selectCni = (s: AppState) => s.dataplaneCni;
const selectNode = (s: AppState) => s.dataplaneNode;
const selectFocus = (s: AppState) => s.dataplaneFocus;
const selectEditorPolicy = (s: AppState) => s.editorPolicy;

/** Side-panel props (panels.tsx SidePanelProps) it reads; named here so it need not import panels.tsx. */
export function DataplanePanel({ shown }: { readonly shown: readonly Cni[] }) {
  const storedCni = useAppStore(selectCni);
  const cni: Cni =
    storedCni !== null && shown.includes(storedCni) ? storedCni : (shown[0] ?? 'calico');
  const node = useAppStore(selectNode);
  const dump = useAppStore(selectDump);
  const focus = useAppStore(selectFocus);
  const editorPolicy = useAppStore(selectEditorPolicy);
  const { showDataplane, revealPolicy, togglePanel, dismissDataplaneDiff } = useAppActions();
  // Live diff: the rows the user's edits changed in this dump.
  const diff = useDumpDiff(dump && dump.cni === cni ? dump : null);
  const [changesOnly, setChangesOnly] = useState(false);
  const showChanges = changesOnly && diff !== null && diff.changes.length > 0;
  const panels = useAppStore(selectPanels);
  const drawer = useDrawer();
  const onPolicy = useCallback(
    (ref: string) => {
      revealPolicy(ref);
      if (panels.includes('policies')) drawer.show('policies');
      else togglePanel('policies');
    },
    [revealPolicy, panels, drawer, togglePanel],
  );

  // The current hop of this CNI's walk, and the node it is on.
  const walk = useAppStore(selectWalk(cni));
  const hops = walk?.ok ? walk.result.hops : undefined;
  const { index } = usePanelPlayback(hops);
  const hop = hops?.[index];
  const hopNode = hop?.place.node ?? null;
  const [follow, setFollow] = useState(true);

  // Follow the walk: the node of the current hop, unless the user picked one.
  useEffect(() => {
    if (follow && hopNode !== null && (hopNode !== node || storedCni !== cni))
      showDataplane(cni, hopNode);
    else if (storedCni !== cni) showDataplane(cni, node);
  }, [follow, hopNode, node, cni, storedCni, showDataplane]);

  // A row asked for by the inspector: its node, no longer following.
  const focusSeq = focus?.seq ?? 0;
  useEffect(() => {
    if (focusSeq > 0) setFollow(false);
  }, [focusSeq]);

  const current = useMemo(() => {
    if (!dump || dump.cni !== cni) return -1;
    return findTarget(dump, hopTarget(hop));
  }, [dump, cni, hop]);

  const focused = useMemo(() => {
    if (!dump || !focus || focus.cni !== cni) return -1;
    return findTarget(dump, focus.target);
  }, [dump, focus, cni]);

  return (
    <section className="dataplane" aria-labelledby="dataplane-title">
      <h3 id="dataplane-title" className="visually-hidden">
        Dataplane
      </h3>
      <div className="dp-controls">
        {shown.length > 1 && (
          <ToggleGroup
            label="CNI"
            options={shown}
            value={cni}
            onChange={(c) => showDataplane(c, follow ? hopNode : node)}
          >
            {(c) => CNI_TITLE[c]}
          </ToggleGroup>
        )}
        <label>
          Node{' '}
          <select
            value={follow ? '' : (node ?? '')}
            onChange={(e) => {
              const v = e.target.value;
              setFollow(v === '');
              showDataplane(cni, v === '' ? hopNode : v);
            }}
          >
            <option value="">Current hop{hopNode ? ` (${hopNode})` : ''}</option>
            {(dump?.nodes ?? []).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </div>
      {diff && (
        <DiffBar
          diff={diff}
          changesOnly={showChanges}
          onChangesOnly={setChangesOnly}
          onDismiss={() => {
            setChangesOnly(false);
            dismissDataplaneDiff();
          }}
        />
      )}
      {!dump || dump.cni !== cni ? (
        <p className="dp-muted">Printing {CNI_TITLE[cni]}’s dataplane…</p>
      ) : showChanges && diff ? (
        <ChangeList diff={diff} label={`Changes in ${CNI_TITLE[cni]} dataplane on ${dump.node}`} />
      ) : (
        <DumpTree
          dump={dump}
          current={current}
          focused={focused}
          focusSeq={focusSeq}
          label={`${CNI_TITLE[cni]} dataplane on ${dump.node}`}
          hopWords={hop ? `hop ${index + 1} (${hop.node})` : ''}
          onPolicy={onPolicy}
          editorPolicy={editorPolicy}
        />
      )}
    </section>
  );
}

interface DumpTreeProps {
  readonly dump: DataplaneDump;
  /** The line the current hop decided on, or -1. */
  readonly current: number;
  /** The line the inspector asked for, or -1. */
  readonly focused: number;
  readonly focusSeq: number;
  readonly label: string;
  readonly hopWords: string;
  /** Shows the YAML of the policy a row came from. */
  readonly onPolicy: (ref: string) => void;
  /** The policy at the editor's cursor: its rows are marked and listed. */
  readonly editorPolicy: string | null;
}

function DumpTree({
  dump,
  current,
  focused,
  focusSeq,
  label,
  hopWords,
  onPolicy,
  editorPolicy,
}: DumpTreeProps) {
  const id = useId();
  const lines = dump.lines;
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(
    () => new Set(COLLAPSED_AT_FIRST),
  );
  const [query, setQuery] = useState('');
  const [matchAt, setMatchAt] = useState(0);
  const [active, setActive] = useState(0);
  const matches = useMemo(() => searchLines(lines, query), [lines, query]);
  // The rows the policy at the editor's cursor made, and which of them was shown last.
  const made = useMemo(
    () =>
      editorPolicy === null
        ? []
        : lines.flatMap((l, i) => (l.kind === 'row' && l.policy === editorPolicy ? [i] : [])),
    [lines, editorPolicy],
  );
  const [madeAt, setMadeAt] = useState(-1);
  useEffect(() => setMadeAt(-1), [made]);
  const madeSet = useMemo(() => new Set(made), [made]);
  const items = useMemo(() => treeItems(lines, collapsed), [lines, collapsed]);
  const itemOf = useMemo(() => new Map(items.map((it, i) => [it.line, i])), [items]);
  const scroller = useRef<HTMLDivElement>(null);
  const tree = useRef<HTMLDivElement>(null);
  // The theme sets the root font size: read it again when the theme changes.
  const theme = useAppStore(selectThemePreference);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const rowH = useMemo(() => rowHeight(), [theme]);
  // The list's width: a row's wrapping, so its height, depends on it (the drawer is resizable).
  const [listWidth, setListWidth] = useState(0);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    setListWidth(el.clientWidth);
    if (typeof ResizeObserver === 'undefined') return;
    const watch = new ResizeObserver(() => setListWidth(el.clientWidth));
    watch.observe(el);
    return () => watch.disconnect();
  }, []);
  // A row's measured height belongs to its text at this width and type, not to its place: opening a
  // section moves rows, another node's dump has other lines under the same numbers, and a row not
  // drawn since the drawer was resized must not keep the height it had.
  const rowKey = useCallback(
    (i: number) => {
      const at = items[i]?.line ?? -1;
      const line = lines[at];
      return line ? `${listWidth} ${rowH} ${at} ${line.id} ${line.text}` : i;
    },
    [lines, items, listWidth, rowH],
  );
  const v = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowH,
    getItemKey: rowKey,
    scrollPaddingStart: 1.5 * rowH,
    overscan: 12,
  });
  // New row heights (a theme change): measure again and keep the active line in view.
  const activeRef = useRef<number | undefined>(undefined);
  useEffect(() => {
    v.measure();
    if (activeRef.current !== undefined) v.scrollToIndex(activeRef.current, { align: 'center' });
  }, [rowH, v]);

  /** Shows line `line` (opening its section) and makes it the active item. */
  const reveal = useCallback(
    (line: number) => {
      const l = lines[line];
      if (!l) return;
      if (l.kind !== 'section' && collapsed.has(l.section)) {
        const next = new Set(collapsed);
        next.delete(l.section);
        setCollapsed(next);
      }
      setActive(line);
    },
    [lines, collapsed],
  );

  /**
   * Shows item `i` at the list's top, under a line and a half of what comes before it (the list's
   * scrollPaddingStart): a hop's rule wrapped onto more lines than the list has room for reads from
   * its first line. scrollToIndex keeps aiming at the row while the rows on the way are measured.
   */
  const showNearTop = useCallback((i: number) => v.scrollToIndex(i, { align: 'start' }), [v]);
  // The hop's line, shown near the top once it is an item (its section may open first).
  const hopLine = useRef(-1);

  // Scroll the active line into view once it is an item.
  const activeItem = itemOf.get(active);
  activeRef.current = activeItem;
  useEffect(() => {
    if (activeItem === undefined) return;
    if (active === hopLine.current) showNearTop(activeItem);
    else v.scrollToIndex(activeItem, { align: 'auto' });
    hopLine.current = -1;
    // Only when the active line becomes another item.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [activeItem, v]);

  // Follow the walk: the current hop's line.
  useEffect(() => {
    if (current >= 0) {
      const item = itemOf.get(current);
      // Already the active item: the effect above has nothing new to do.
      if (item !== undefined && current === active) showNearTop(item);
      else hopLine.current = current;
      reveal(current);
    }
    // Only when the hop's line changes, not when sections open.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [current, dump]);

  // The inspector's ask.
  useEffect(() => {
    if (focused >= 0) {
      reveal(focused);
      tree.current?.focus();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focused, focusSeq]);

  const step = (by: number) => {
    if (matches.length === 0) return;
    const next = (matchAt + by + matches.length) % matches.length;
    setMatchAt(next);
    reveal(matches[next]!);
  };

  const toggle = (sectionId: string) => {
    const next = new Set(collapsed);
    if (next.has(sectionId)) next.delete(sectionId);
    else next.add(sectionId);
    setCollapsed(next);
  };

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const at = activeItem ?? 0;
    const item = items[at];
    const line = item ? lines[item.line] : undefined;
    const go = (i: number) => {
      const it = items[Math.max(0, Math.min(items.length - 1, i))];
      if (it) setActive(it.line);
    };
    switch (e.key) {
      case 'ArrowDown':
        go(at + 1);
        break;
      case 'ArrowUp':
        go(at - 1);
        break;
      case 'PageDown':
        go(at + 10);
        break;
      case 'PageUp':
        go(at - 10);
        break;
      case 'Home':
        go(0);
        break;
      case 'End':
        go(items.length - 1);
        break;
      case 'ArrowRight':
        if (line?.kind === 'section' && collapsed.has(line.id)) toggle(line.id);
        else go(at + 1);
        break;
      case 'ArrowLeft':
        if (line?.kind === 'section' && !collapsed.has(line.id)) toggle(line.id);
        else if (item?.level === 2) setActive(lines.findIndex((l) => l.id === line?.section));
        break;
      case 'Enter':
      case ' ':
        if (line?.kind === 'section') toggle(line.id);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const sections = lines.filter((l) => l.kind === 'section').map((l) => l.id);
  const matchWords =
    query.trim() === ''
      ? ''
      : matches.length === 0
        ? 'no match'
        : `${matchAt + 1} of ${matches.length}`;
  const currentLine = current >= 0 ? lines[current] : undefined;
  const activeLine = lines[active];

  return (
    <>
      <div className="dp-search" role="search">
        <label>
          Search{' '}
          <input
            type="search"
            value={query}
            placeholder="chain, set, map, IP…"
            aria-describedby={`${id}-count`}
            onChange={(e) => {
              setQuery(e.target.value);
              setMatchAt(0);
              const first = searchLines(lines, e.target.value)[0];
              if (first !== undefined) reveal(first);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                step(e.shiftKey ? -1 : 1);
              }
            }}
          />
        </label>
        <span id={`${id}-count`} className="dp-count" aria-live="polite">
          {matchWords}
        </span>
      </div>
      <div className="dp-buttons">
        <button type="button" onClick={() => step(-1)} disabled={matches.length === 0}>
          Previous
        </button>
        <button type="button" onClick={() => step(1)} disabled={matches.length === 0}>
          Next
        </button>
        <button type="button" onClick={() => setCollapsed(new Set(sections))}>
          Collapse all
        </button>
        <button type="button" onClick={() => setCollapsed(new Set())}>
          Expand all
        </button>
        {activeLine?.policy !== undefined && (
          <button
            type="button"
            className="dp-policy-link"
            title={`Show ${activeLine.policy} in Policies`}
            onClick={() => onPolicy(activeLine.policy!)}
          >
            Show {activeLine.policy} in Policies
          </button>
        )}
      </div>
      {editorPolicy !== null && (
        <p className="dp-made" aria-live="polite">
          <span className="dp-made-mark" aria-hidden="true">
            ◆
          </span>{' '}
          {made.length === 0
            ? `${editorPolicy} (at the editor’s cursor) made no row on this node.`
            : `${made.length} row${made.length === 1 ? '' : 's'} made by ${editorPolicy} (at the editor’s cursor)${madeAt >= 0 ? `: ${madeAt + 1} of ${made.length}` : ''}`}{' '}
          {made.length > 0 && (
            <button
              type="button"
              onClick={() => {
                const next = (madeAt + 1) % made.length;
                setMadeAt(next);
                reveal(made[next]!);
              }}
            >
              Next row of it
            </button>
          )}
        </p>
      )}
      <p className="dp-current-note" aria-live="polite">
        {currentLine ? (
          <>
            <span className="dp-flag" aria-hidden="true">
              ▶
            </span>{' '}
            {currentLine.kind === 'section'
              ? `The current ${hopWords} found no entry in `
              : `The current ${hopWords} decided at `}
            <code title={currentLine.text}>{currentLine.text}</code>
          </>
        ) : hopWords ? (
          `The current ${hopWords} has no row in this dump.`
        ) : null}
      </p>
      <div className="dp-scroll" ref={scroller}>
        <div
          className="dp-canvas"
          role="tree"
          aria-label={label}
          tabIndex={0}
          ref={tree}
          onKeyDown={onKey}
          aria-activedescendant={activeItem !== undefined ? `${id}-l${active}` : undefined}
          style={{ height: v.getTotalSize() }}
        >
          {v.getVirtualItems().map((vi) => {
            const item = items[vi.index]!;
            return (
              <TreeRow
                key={item.line}
                id={`${id}-l${item.line}`}
                index={vi.index}
                measure={v.measureElement}
                item={item}
                line={lines[item.line]!}
                top={vi.start}
                height={rowH}
                query={query}
                active={item.line === active}
                current={item.line === current}
                match={matches[matchAt] === item.line}
                made={madeSet.has(item.line)}
                onClick={() => {
                  setActive(item.line);
                  const l = lines[item.line]!;
                  if (l.kind === 'section') toggle(l.id);
                }}
              />
            );
          })}
        </div>
      </div>
    </>
  );
}

interface TreeRowProps {
  readonly id: string;
  /** The row's place in the virtual list, and the list's measure of a row as drawn. */
  readonly index: number;
  readonly measure: (el: Element | null) => void;
  readonly item: TreeItem;
  readonly line: DumpLine;
  readonly top: number;
  readonly height: number;
  readonly query: string;
  readonly active: boolean;
  readonly current: boolean;
  readonly match: boolean;
  /** Made by the policy at the editor's cursor. */
  readonly made: boolean;
  readonly onClick: () => void;
}

function TreeRow({
  id,
  index,
  measure,
  item,
  line,
  top,
  height,
  query,
  active,
  current,
  match,
  made,
  onClick,
}: TreeRowProps) {
  const words = lineWords(line.text, query);
  const classes = [
    'dp-line',
    `dp-${line.kind}`,
    item.level === 2 ? 'dp-child' : '',
    active ? 'dp-active' : '',
    current ? 'dp-current' : '',
    match ? 'dp-match' : '',
    made ? 'dp-made-row' : '',
    line.printed ? '' : 'dp-title',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div
      id={id}
      role="treeitem"
      aria-level={item.level}
      aria-posinset={item.posinset}
      aria-setsize={item.setsize}
      aria-expanded={item.expanded}
      aria-selected={active}
      aria-current={current ? 'true' : undefined}
      data-line-id={line.id}
      data-index={index}
      ref={measure}
      className={classes}
      style={{ transform: `translateY(${top}px)`, minHeight: height }}
      onClick={onClick}
    >
      {item.expanded !== undefined && (
        <span className="dp-twisty" aria-hidden="true">
          {item.expanded ? '▾' : '▸'}
        </span>
      )}
      {current && (
        <span className="dp-flag" aria-hidden="true">
          ▶
        </span>
      )}
      {made && (
        <span className="dp-made-mark" aria-hidden="true">
          ◆
        </span>
      )}
      <code>
        {words.map((w, i) => {
          const parts = w.parts.map((p, j) =>
            p.match ? <mark key={j}>{p.text}</mark> : <Fragment key={j}>{p.text}</Fragment>,
          );
          return w.space ? (
            <Fragment key={i}>{parts}</Fragment>
          ) : (
            <span key={i} className="dp-word">
              {parts}
            </span>
          );
        })}
        {line.text === '' ? ' ' : null}
      </code>
    </div>
  );
}
