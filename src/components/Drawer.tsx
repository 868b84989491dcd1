import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useId,
  useRef,
  useState,
  type KeyboardEvent as ReactKeyboardEvent,
  type PointerEvent as ReactPointerEvent,
  type ReactNode,
} from 'react';

/** One tab of the drawer: a registry panel (closable: its toggle) or the lesson. */
export interface DrawerTab {
  readonly id: string;
  readonly label: string;
  readonly content: ReactNode;
  /** Closes the tab (the panel's toggle); absent for the lesson, which stays while it is open. */
  readonly onClose?: () => void;
}

/** What the rest of the workspace may ask of the drawer. */
export interface DrawerControl {
  /** Shows a tab (after its panel has been opened). */
  show(id: string): void;
  /** As a sheet over the stage: gets out of the way of the picture (a matrix click plays a walk). */
  uncover(): void;
}

const DrawerContext = createContext<DrawerControl>({ show: () => {}, uncover: () => {} });
export const DrawerProvider = DrawerContext.Provider;
export const useDrawer = (): DrawerControl => useContext(DrawerContext);

export const MIN_DRAWER = 300;
export const MAX_DRAWER = 640;
const KEY_STEP = 24;

/** The drawer's width as the user set it (kept for the session), clamped to what the room allows. */
export function useDrawerWidth(): [number, (w: number) => void] {
  const [width, setWidth] = useState(() => {
    const saved = Number(globalThis.sessionStorage?.getItem('packetwalk.drawer') ?? NaN);
    if (Number.isFinite(saved) && saved >= MIN_DRAWER) return saved;
    // A third of a laptop screen; the least on a projector's 1024 px.
    const wide = globalThis.innerWidth ?? 1280;
    return Math.round(Math.max(MIN_DRAWER, Math.min(420, wide * 0.3)));
  });
  const set = useCallback((w: number) => {
    const next = Math.round(Math.max(MIN_DRAWER, Math.min(MAX_DRAWER, w)));
    setWidth(next);
    try {
      globalThis.sessionStorage?.setItem('packetwalk.drawer', String(next));
    } catch {
      // Storage may be unavailable (private mode): the width is then kept until reload.
    }
  }, []);
  return [width, set];
}

/**
 * The right-side drawer: one tab per open panel (and the lesson), a splitter to resize it by
 * pointer or keyboard. As a `sheet` it overlays the stage instead of taking room from it.
 */
export function Drawer({
  tabs,
  active,
  onSelect,
  width,
  maxWidth,
  onResize,
  sheet,
  onHideSheet,
}: {
  tabs: readonly DrawerTab[];
  active: string;
  onSelect: (id: string) => void;
  width: number;
  /** The widest the drawer may be without shrinking a topology below legibility. */
  maxWidth: number;
  onResize: (width: number) => void;
  sheet: boolean;
  onHideSheet: () => void;
}) {
  const id = useId();
  const drag = useRef<{ x: number; width: number } | null>(null);
  const tabRefs = useRef(new Map<string, HTMLButtonElement>());
  const shown = Math.min(width, Math.max(MIN_DRAWER, maxWidth));
  const current = tabs.find((t) => t.id === active) ?? tabs[0];

  const onKey = (e: ReactKeyboardEvent) => {
    const by: Record<string, number> = { ArrowLeft: KEY_STEP, ArrowRight: -KEY_STEP };
    if (e.key in by) onResize(shown + by[e.key]!);
    else if (e.key === 'Home') onResize(MAX_DRAWER);
    else if (e.key === 'End') onResize(MIN_DRAWER);
    else return;
    // The splitter owns its arrows: no hop step.
    e.preventDefault();
  };
  const onPointerDown = (e: ReactPointerEvent) => {
    drag.current = { x: e.clientX, width: shown };
    (e.target as Element).setPointerCapture?.(e.pointerId);
  };
  const onPointerMove = (e: ReactPointerEvent) => {
    if (drag.current) onResize(drag.current.width + drag.current.x - e.clientX);
  };
  const onTabKey = (e: ReactKeyboardEvent, index: number) => {
    const by = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (by === 0) return;
    e.preventDefault();
    const next = tabs[(index + by + tabs.length) % tabs.length]!;
    onSelect(next.id);
    tabRefs.current.get(next.id)?.focus();
  };

  useEffect(() => {
    if (!sheet) return;
    const onEscape = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented) onHideSheet();
    };
    window.addEventListener('keydown', onEscape);
    return () => window.removeEventListener('keydown', onEscape);
  }, [sheet, onHideSheet]);

  if (!current) return null;
  return (
    <aside
      className={`drawer${sheet ? ' drawer-sheet' : ''}`}
      style={{ width: sheet ? `min(${shown}px, 92%)` : `${shown}px` }}
      aria-label="Panels"
    >
      {!sheet && (
        <div
          className="drawer-splitter"
          role="separator"
          aria-orientation="vertical"
          aria-label="Resize the panels drawer"
          aria-valuemin={MIN_DRAWER}
          aria-valuemax={MAX_DRAWER}
          aria-valuenow={shown}
          tabIndex={0}
          onKeyDown={onKey}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={() => (drag.current = null)}
        />
      )}
      <div className="drawer-tabs">
        <div role="tablist" aria-label="Open panels">
          {tabs.map((t, i) => (
            <button
              key={t.id}
              ref={(el) => {
                if (el) tabRefs.current.set(t.id, el);
                else tabRefs.current.delete(t.id);
              }}
              type="button"
              role="tab"
              id={`${id}-tab-${t.id}`}
              aria-selected={t.id === current.id}
              aria-controls={`${id}-panel-${t.id}`}
              tabIndex={t.id === current.id ? 0 : -1}
              onClick={() => onSelect(t.id)}
              onKeyDown={(e) => onTabKey(e, i)}
            >
              {t.label}
            </button>
          ))}
        </div>
        {current.onClose && (
          <button
            type="button"
            className="drawer-close"
            aria-label={`Remove ${current.label} from the drawer`}
            title={`Remove ${current.label} from the drawer`}
            onClick={current.onClose}
          >
            ✕
          </button>
        )}
        {sheet && (
          <button type="button" className="drawer-close" onClick={onHideSheet}>
            Hide
          </button>
        )}
      </div>
      {tabs.map((t) => (
        <div
          key={t.id}
          role="tabpanel"
          id={`${id}-panel-${t.id}`}
          aria-labelledby={`${id}-tab-${t.id}`}
          className="drawer-panel"
          hidden={t.id !== current.id}
          // The panel scrolls on its own; it must be reachable by keyboard to scroll it.
          tabIndex={0}
        >
          {t.content}
        </div>
      ))}
    </aside>
  );
}
