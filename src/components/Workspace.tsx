import {
  Suspense,
  useCallback,
  useDeferredValue,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { PANEL_SPECS, panelSpec, type PanelId } from '../registry/panels';
import {
  DEFAULT_VIEW,
  selectCluster,
  selectLayout,
  selectLessonHighlight,
  selectPacket,
  selectPanels,
  selectWalk,
  selectWalks,
  useAppActions,
  useAppStore,
  useTimeline,
} from '../store';
import { CniPanel, type Cni } from './CniPanel';
import {
  Drawer,
  DrawerProvider,
  useDrawerWidth,
  type DrawerControl,
  type DrawerTab,
} from './Drawer';
import { ErrorBoundary } from './ErrorBoundary';
import { HopTimeline } from './HopTimeline';
import { pick, pickingHint, type Picking } from './packetChoice';
import { PresenterFlows } from './PresenterFlows';
import { PANEL_VIEWS, type CniSlotProps, type SidePanelProps } from './panels';
import { usePanelPlayback, type PanelPlayback } from './usePlayback';
import type { Hop } from '../datapath/hop';

/** A topology is never drawn narrower than this: below it the drawer overlays the stage instead. */
export const MIN_TOPOLOGY = 300;
const GAP = 12;

function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(1280);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver !== 'function') return;
    const observer = new ResizeObserver(([entry]) => {
      const w = Math.round(entry?.contentRect.width ?? 0);
      if (w > 0) setWidth(w);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

/** Clicking pods on the drawing: source, then destination; Escape cancels the second click. */
function usePicking(): { hint: string; onSelect: (key: string) => void } {
  const cluster = useAppStore(selectCluster);
  const packet = useAppStore(selectPacket);
  const setPacket = useAppActions().setPacket;
  const [picking, setPicking] = useState<Picking>({ phase: 'source' });
  useEffect(() => {
    if (picking.phase !== 'destination') return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setPicking({ phase: 'source' });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [picking]);
  const onSelect = useCallback(
    (key: string) => {
      if (!cluster || !packet) return;
      const r = pick(cluster, packet, picking, key);
      setPicking(r.picking);
      if (r.packet) setPacket(r.packet);
    },
    [cluster, packet, picking, setPacket],
  );
  return { hint: pickingHint(picking), onSelect };
}

/**
 * The stage (the CNI panels side by side, the status line of pod picking, the hop timeline) and the
 * drawer beside it: one tab per open panel of the registry, and the lesson when one is open. The
 * drawer never squeezes a topology below MIN_TOPOLOGY: it then overlays the stage as a sheet.
 */
export interface WorkspaceProps {
  shown: readonly Cni[];
  playback: Readonly<Record<Cni, PanelPlayback>>;
  builtInText: string | undefined;
  /** The seed articles' fact check, for the panels that quote it (Scale). */
  loadFacts?: SidePanelProps['loadFacts'];
  /** The lesson player (or a challenge), as the drawer's first tab. */
  lesson?: ReactNode;
  /** That tab's label: "Lesson" unless said. */
  sideLabel?: string;
  /** Presenter mode: the step's caption strip under the stage, and no drawer. */
  caption?: ReactNode;
}

/** Whether no workspace has mounted yet in this page (see `before` below). */
let firstWorkspace = true;

export function Workspace({
  shown,
  playback,
  builtInText,
  loadFacts,
  lesson,
  sideLabel = 'Lesson',
  caption,
}: WorkspaceProps) {
  const layout = useAppStore(selectLayout);
  const panels = useAppStore(selectPanels);
  const walks = useAppStore(selectWalks);
  const togglePanel = useAppActions().togglePanel;
  const timeline = useTimeline();
  const { hint, onSelect } = usePicking();

  const box = useRef<HTMLDivElement>(null);
  const width = useWidth(box);
  const [drawerWidth, setDrawerWidth] = useDrawerWidth();
  const [active, setActive] = useState<string>(lesson ? 'lesson' : (panels.at(-1) ?? ''));
  const [sheetHidden, setSheetHidden] = useState(false);

  // A lesson just opened comes to the front (the app opens on the walk, then the link's lesson).
  const hasLesson = lesson !== undefined && lesson !== null && lesson !== false;
  useEffect(() => {
    if (hasLesson) setActive('lesson');
  }, [hasLesson]);

  // A panel just opened comes to the front. The session's first workspace compares with the
  // panels the app starts with: a link that opens a panel brings it to the front whether the
  // workspace was there before the link opened (a walk's link) or mounts with it (a lesson's link,
  // whose Loading line shows until the lessons are read).
  const before = useRef(firstWorkspace ? DEFAULT_VIEW.panels : panels);
  useEffect(() => {
    firstWorkspace = false;
  }, []);
  useEffect(() => {
    const added = panels.find((p) => !before.current.includes(p));
    before.current = panels;
    if (added) {
      setActive(added);
      setSheetHidden(false);
    }
  }, [panels]);

  const hopsOf = (c: Cni) => {
    const w = walks[c];
    return w?.ok ? w.result.hops : [];
  };

  // A panel just opened shows its tab and a loading line in the task of the click, and its content
  // in a render of its own after it (a deferred value renders in a later task, and yields): the
  // click's task then holds the drawer's shell and the stage's new layout, not also the panel's
  // chunk request (a link per module) and first render (issue 15: no long task on opening one).
  const mounted = useDeferredValue(panels);
  const tabs: DrawerTab[] = useMemo(() => {
    const list: DrawerTab[] = [];
    if (lesson) list.push({ id: 'lesson', label: sideLabel, content: lesson });
    for (const spec of PANEL_SPECS) {
      if (!panels.includes(spec.id)) continue;
      list.push({
        id: spec.id,
        label: spec.label,
        onClose: () => togglePanel(spec.id),
        content: mounted.includes(spec.id) ? (
          <PanelContent
            id={spec.id}
            shown={shown}
            builtInText={builtInText}
            {...(loadFacts ? { loadFacts } : {})}
          />
        ) : (
          <PanelLoading label={spec.label} />
        ),
      });
    }
    return list;
  }, [lesson, sideLabel, panels, mounted, shown, builtInText, loadFacts, togglePanel]);

  const drawerOpen = caption === undefined && tabs.length > 0;
  const maxDrawer = width - shown.length * MIN_TOPOLOGY - (shown.length + 1) * GAP;
  const sheet = drawerOpen && maxDrawer < 300;

  const control: DrawerControl = useMemo(
    () => ({
      show: (id) => {
        setActive(id);
        setSheetHidden(false);
      },
      uncover: () => {
        if (sheet) setSheetHidden(true);
        box.current?.scrollIntoView?.({ block: 'nearest' });
      },
    }),
    [sheet],
  );

  return (
    <DrawerProvider value={control}>
      <div className={`workspace layout-${layout}${sheet ? ' with-sheet' : ''}`} ref={box}>
        <div className="workspace-main">
          <div className="stage" id="stage">
            <p className="pick-status" role="status">
              {hint}
            </p>
            <main className="panels" aria-label="Topologies">
              {shown.map((c) => (
                <ErrorBoundary key={c} name={c === 'calico' ? 'Calico' : 'Cilium'}>
                  <CniPanel cni={c} playback={playback[c]} onSelectPod={onSelect} />
                </ErrorBoundary>
              ))}
            </main>
          </div>
          {caption !== undefined && <PresenterFlows />}
          {drawerOpen && !(sheet && sheetHidden) && (
            <Drawer
              tabs={tabs}
              active={active}
              onSelect={setActive}
              width={drawerWidth}
              maxWidth={maxDrawer}
              onResize={setDrawerWidth}
              sheet={sheet}
              onHideSheet={() => setSheetHidden(true)}
            />
          )}
          {drawerOpen && sheet && sheetHidden && (
            <button type="button" className="sheet-reveal" onClick={() => setSheetHidden(false)}>
              Show {tabs.find((t) => t.id === active)?.label ?? tabs[0]!.label}
            </button>
          )}
        </div>
        {/* Under the stage and the drawer: the whole width for the chips. */}
        <HopTimeline
          rows={shown.map((c) => ({ cni: c, hops: hopsOf(c), index: playback[c].index }))}
          onGoTo={(step) => timeline.send({ type: 'GO_TO', step })}
        />
        {caption}
      </div>
    </DrawerProvider>
  );
}

interface PanelContentProps extends SidePanelProps {
  readonly id: PanelId;
}

/** What a panel shows until its content is drawn (its chunk loads, or its first render waits). */
function PanelLoading({ label }: { label: string }) {
  return <p className="side-panel-loading">Loading {label.toLowerCase()}…</p>;
}

/** A registry panel's content: one per CNI on screen for a CNI panel, else the side panel. */
function PanelContent({ id, ...props }: PanelContentProps) {
  const spec = panelSpec(id);
  return (
    <ErrorBoundary name={spec.label}>
      <Suspense fallback={<PanelLoading label={spec.label} />}>
        {spec.place === 'cni' ? (
          props.shown.map((c) => <CniSlot key={c} id={id} cni={c} />)
        ) : (
          <SideView id={id} {...props} />
        )}
      </Suspense>
    </ErrorBoundary>
  );
}

function SideView({ id, ...props }: PanelContentProps) {
  const View = PANEL_VIEWS[id] as React.ComponentType<SidePanelProps>;
  return <View {...props} />;
}

const NO_HOPS: readonly Hop[] = [];

/** A per-CNI panel (the inspector) for one CNI, with that CNI's walk and position. */
function CniSlot({ id, cni }: { id: PanelId; cni: Cni }) {
  const outcome = useAppStore(selectWalk(cni));
  const highlight = useAppStore(selectLessonHighlight);
  const result = outcome?.ok ? outcome.result : undefined;
  const hops = result?.hops ?? NO_HOPS;
  const { index, final } = usePanelPlayback(hops);
  const View = PANEL_VIEWS[id] as React.ComponentType<CniSlotProps>;
  return (
    <View
      cni={cni}
      hops={hops}
      index={index}
      verdict={final ? result?.verdict : undefined}
      dropReason={result?.dropReason}
      highlight={highlight}
    />
  );
}
