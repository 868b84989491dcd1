import {
  createContext,
  useContext,
  useEffect,
  useId,
  useRef,
  useState,
  type ReactNode,
} from 'react';

/**
 * Whether the popover around a component has ever been open (true outside any popover). Its panel
 * stays mounted once shown, so a choice survives closing it; until then a component may leave out
 * what only an open panel shows (the packet's thousand-pod lists, issue 15).
 */
const PopoverShown = createContext(true);

/** True once the enclosing popover has been opened (always, outside a popover). */
export const usePopoverShown = (): boolean => useContext(PopoverShown);

/**
 * A toolbar button that opens a panel below it, over the picture (it never pushes the picture down):
 * a disclosure button with aria-expanded/aria-controls; Escape or a click elsewhere closes it, and
 * Escape returns focus to the button.
 */
export function Popover({
  label,
  summary,
  className,
  children,
}: {
  /** The button's accessible name and the panel's label. */
  label: string;
  /** What the button shows (the current choice). */
  summary: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const [shown, setShown] = useState(false);
  if (open && !shown) setShown(true);
  const id = useId();
  const button = useRef<HTMLButtonElement>(null);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      // A modal dialog opened from the panel (Generate a large cluster…) takes its own Escape.
      if (document.querySelector('dialog[open]')) return;
      e.preventDefault();
      setOpen(false);
      button.current?.focus();
    };
    const onPointer = (e: PointerEvent) => {
      if (!box.current?.contains(e.target as Node)) setOpen(false);
    };
    // Capture, so Escape closes this before any shortcut sees it.
    window.addEventListener('keydown', onKey, true);
    window.addEventListener('pointerdown', onPointer);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      window.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);
  return (
    <div className={`popover ${className ?? ''}`} ref={box}>
      <button
        ref={button}
        type="button"
        className="popover-button"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="popover-label">{label}</span>{' '}
        <span className="popover-summary">{summary}</span> <span aria-hidden="true">▾</span>
      </button>
      <div id={id} className="popover-panel" role="group" aria-label={label} hidden={!open}>
        <PopoverShown.Provider value={shown}>{children}</PopoverShown.Provider>
      </div>
    </div>
  );
}
