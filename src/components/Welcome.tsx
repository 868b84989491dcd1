import { useEffect, useRef, useState } from 'react';
import { useAppActions } from '../store';

export const WELCOME_KEY = 'packetwalk.welcome-seen';

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem'>;

/**
 * Whether a first visit opens here: never seen in this browser, and not opened from a lesson, a
 * presenter or a speaker link (a class following a link should land on the lesson, not a greeting).
 */
export function shouldWelcome(storage: Storage | undefined, hash: string): boolean {
  if (/^#\/(lessons|present|speaker|facts|challenge)\b/.test(hash)) return false;
  try {
    return storage?.getItem(WELCOME_KEY) === null;
  } catch {
    return false;
  }
}

export function rememberWelcome(storage: Storage | undefined): void {
  try {
    storage?.setItem(WELCOME_KEY, '1');
  } catch {
    // Without storage it shows again next visit; nothing else to do.
  }
}

export interface WelcomeProps {
  /** Shown when the app opens (the first visit). */
  readonly initiallyOpen: boolean;
  /** Remembers it as seen. */
  readonly onDismiss: () => void;
}

/** A short, dismissable first-visit welcome: the two panels, how to step, the lessons, `?`. */
export function Welcome({
  initiallyOpen,
  onDismiss,
  onHelp,
}: WelcomeProps & { onHelp: () => void }) {
  const [open, setOpen] = useState(initiallyOpen);
  const setRoute = useAppActions().setRoute;
  const start = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open) start.current?.focus();
  }, [open]);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });
  if (!open) return null;
  function close() {
    setOpen(false);
    onDismiss();
  }
  return (
    <section className="welcome" role="dialog" aria-labelledby="welcome-title">
      <h2 id="welcome-title">Welcome to PacketWalk</h2>
      <ul>
        <li>
          The two panels walk <strong>the same packet</strong> through Calico (left) and Cilium
          (right), hook by hook, with the real chains, maps and verdicts.
        </li>
        <li>
          Step with <kbd>→</kbd> and <kbd>←</kbd> or the bar at the bottom; the chips of the hop
          timeline jump to a hop. Click a pod to send from it, then click where it goes.
        </li>
        <li>
          Guided walks are under{' '}
          <button
            type="button"
            className="link"
            onClick={() => {
              close();
              setRoute({ page: 'lessons' });
            }}
          >
            Lessons
          </button>
          ; press{' '}
          <button
            type="button"
            className="link"
            onClick={() => {
              close();
              onHelp();
            }}
          >
            <kbd>?</kbd> for every key
          </button>{' '}
          and a legend of the drawing.
        </li>
      </ul>
      <button type="button" ref={start} className="welcome-start" onClick={close}>
        Start exploring
      </button>
    </section>
  );
}
