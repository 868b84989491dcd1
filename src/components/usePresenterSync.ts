/**
 * Presenter mode's link between the main window and the speaker view: a BroadcastChannel named
 * `packetwalk-presenter` driven by src/lessons/presenterSync.ts. Either window can drive.
 *
 * - `announce(lessonId, step)`: call it for this window's own navigation. Announcing the step this
 *   window already holds (e.g. re-announcing the step it just followed from `remote`) sends nothing.
 * - `setBlank(on)`: this window blanked/unblanked the screen (B).
 * - `remote`: the state last set by another window ({lessonId, step, blank}), null until one does.
 *
 * On mount the hook asks the other windows for their state, so a speaker view opened late catches up.
 * Calls made before the channel is open (a child's effect runs before this hook's) are kept and sent
 * once it opens. Where BroadcastChannel does not exist (old browsers, Node), or with
 * `enabled: false`, the hook does nothing and `remote` stays null.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  createPresenterSync,
  type PresenterState,
  type PresenterSync,
} from '../lessons/presenterSync';

export const PRESENTER_CHANNEL = 'packetwalk-presenter';

export interface PresenterSyncOptions {
  /** Off: no channel is opened (e.g. outside presenter mode). Default on. */
  readonly enabled?: boolean;
  /** This window's id; a random one by default. */
  readonly windowId?: string;
}

export interface PresenterSyncHandle {
  readonly announce: (lessonId: string, step: number) => void;
  readonly setBlank: (on: boolean) => void;
  readonly remote: PresenterState | null;
}

function randomWindowId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') {
    return crypto.randomUUID();
  }
  return `w-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
}

export function usePresenterSync(options: PresenterSyncOptions = {}): PresenterSyncHandle {
  const enabled = options.enabled ?? true;
  const [defaultId] = useState(randomWindowId);
  const windowId = options.windowId ?? defaultId;
  const [remote, setRemote] = useState<PresenterState | null>(null);
  const syncRef = useRef<PresenterSync | null>(null);
  // The latest local calls, replayed when the channel opens.
  const lastPosition = useRef<{ lessonId: string; step: number } | null>(null);
  const lastBlank = useRef<boolean | null>(null);

  useEffect(() => {
    if (!enabled || typeof BroadcastChannel === 'undefined') return;
    const channel = new BroadcastChannel(PRESENTER_CHANNEL);
    const sync = createPresenterSync({ channel, windowId, onRemote: setRemote });
    syncRef.current = sync;
    sync.requestState();
    if (lastPosition.current)
      sync.announce(lastPosition.current.lessonId, lastPosition.current.step);
    if (lastBlank.current !== null) sync.setBlank(lastBlank.current);
    return () => {
      syncRef.current = null;
      sync.close();
    };
  }, [enabled, windowId]);

  const announce = useCallback((lessonId: string, step: number) => {
    lastPosition.current = { lessonId, step };
    syncRef.current?.announce(lessonId, step);
  }, []);

  const setBlank = useCallback((on: boolean) => {
    lastBlank.current = on;
    syncRef.current?.setBlank(on);
  }, []);

  return { announce, setBlank, remote };
}
