import { useEffect, useRef } from 'react';
import { selectUndoHeld, selectUndoOffer, useAppActions, useAppStore } from '../store';
import './ScenarioLibrary.css';

/** How long an Undo stays on offer; paused while the pointer or the focus is on the notice. */
export const UNDO_WINDOW_MS = 10_000;

/**
 * The offer to undo (a deleted scenario, a reset), for ten seconds: Undo, or Dismiss to let it go
 * at once. The window does not run out under the user's hand (WCAG 2.2.1). The shell's notice owns
 * the clock; a modal dialog shows its own copy (the page behind it is inert), holding the same clock.
 */
export function UndoNotice({
  clock = false,
  onSettled,
}: {
  clock?: boolean;
  /** The user pressed Undo or Dismiss (their button is gone: the caller places the focus). */
  onSettled?: (how: 'undo' | 'expire') => void;
}) {
  const offer = useAppStore(selectUndoOffer);
  const held = useAppStore(selectUndoHeld);
  const { settleUndo, holdUndo } = useAppActions();
  const left = useRef({ key: -1, ms: UNDO_WINDOW_MS });
  const key = offer?.key;
  useEffect(() => {
    if (!clock || key === undefined || held) return;
    if (left.current.key !== key) left.current = { key, ms: UNDO_WINDOW_MS };
    const started = Date.now();
    const timer = window.setTimeout(() => settleUndo(key, 'expire'), left.current.ms);
    return () => {
      window.clearTimeout(timer);
      left.current.ms = Math.max(1000, left.current.ms - (Date.now() - started));
    };
  }, [clock, key, held, settleUndo]);
  if (!offer) return null;
  return (
    <div
      className="undo-notice"
      role="status"
      onPointerEnter={() => holdUndo(true)}
      onPointerLeave={() => holdUndo(false)}
      onFocus={() => holdUndo(true)}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) holdUndo(false);
      }}
    >
      <p>{offer.message}</p>
      <button
        type="button"
        className="undo-button"
        onClick={() => {
          settleUndo(offer.key, 'undo');
          onSettled?.('undo');
        }}
      >
        Undo
      </button>
      <button
        type="button"
        aria-label="Dismiss"
        title="Dismiss"
        onClick={() => {
          settleUndo(offer.key, 'expire');
          onSettled?.('expire');
        }}
      >
        ×
      </button>
    </div>
  );
}
