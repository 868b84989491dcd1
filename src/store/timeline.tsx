/**
 * The timeline actor (machines/timeline.ts), handed to components through React context. The app's
 * edge creates it and keeps it in step with the URL-backed view (app/timeline.ts); components read it
 * with selectors that return primitives and send it events.
 */
import {
  createContext,
  useCallback,
  useContext,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import {
  createTimeline,
  isPlaying,
  type TimelineActor,
  type TimelineSnapshot,
} from '../machines/timeline';

const TimelineContext = createContext<TimelineActor | null>(null);

export function TimelineProvider({
  actor,
  children,
}: {
  /** The app's timeline; without one (a component test), a timeline of its own that nothing drives. */
  actor?: TimelineActor;
  children: ReactNode;
}) {
  const [own] = useState(() => actor ?? createTimeline());
  return <TimelineContext.Provider value={own}>{children}</TimelineContext.Provider>;
}

export function useTimeline(): TimelineActor {
  const actor = useContext(TimelineContext);
  if (!actor) throw new Error('useTimeline must be used inside <TimelineProvider>.');
  return actor;
}

function useOptionalSelector<T>(
  actor: TimelineActor | null,
  selector: (snapshot: TimelineSnapshot | null) => T,
): T {
  const subscribe = useCallback(
    (onChange: () => void) => {
      if (!actor) return () => {};
      const subscription = actor.subscribe(onChange);
      return () => subscription.unsubscribe();
    },
    [actor],
  );
  const read = () => selector(actor ? actor.getSnapshot() : null);
  return useSyncExternalStore(subscribe, read, read);
}

/** A value of the timeline's snapshot; the selector must return a primitive (or a stable value). */
export function useTimelineSelector<T>(selector: (snapshot: TimelineSnapshot) => T): T {
  const actor = useTimeline();
  return useOptionalSelector(actor, (s) => selector(s!));
}

const speedOf = (s: TimelineSnapshot | null): number => (s ? s.context.speed : 1);
const playingOf = (s: TimelineSnapshot | null): boolean => (s ? isPlaying(s) : false);

/**
 * The speed and whether the clock runs: what the packet's move animation needs to stay inside one
 * hop (`hopDuration`). Works without a timeline too (a drawing on its own moves at speed 1).
 */
export function usePlaybackPace(): { readonly speed: number; readonly playing: boolean } {
  const actor = useContext(TimelineContext);
  const speed = useOptionalSelector(actor, speedOf);
  const playing = useOptionalSelector(actor, playingOf);
  return { speed, playing };
}
