import { useCallback, useRef, useState } from 'react';
import { selectRoute, useAppActions, useAppStore, useTimeline } from '../store';
import type { PlaybackCommands, PresenterCommands } from './commands';
import type { LessonSupport } from './lessonSupport';
import { useCommands } from './useCommands';

/**
 * The shell's side of the commands table: what each command drives (the timeline, the lesson route,
 * presenter mode's overlays, the help dialog), and the one key handler.
 */
export function useShellCommands(lessonSupport: LessonSupport): {
  readonly helpOpen: boolean;
  readonly setHelpOpen: (open: boolean) => void;
  /** Presenter mode hands its actions here while it is on screen. */
  readonly onPresenterCommands: (commands: PresenterCommands | null) => void;
} {
  const route = useAppStore(selectRoute);
  const setRoute = useAppActions().setRoute;
  const timeline = useTimeline();
  const [helpOpen, setHelpOpen] = useState(false);
  const presenter = useRef<PresenterCommands | null>(null);
  const onPresenterCommands = useCallback((c: PresenterCommands | null) => {
    presenter.current = c;
  }, []);

  // The clock's seam: the timeline actor (machines/timeline.ts) takes these as events.
  const playback: PlaybackCommands = {
    toggle: () => timeline.send({ type: 'TOGGLE' }),
    stepForward: () => timeline.send({ type: 'STEP' }),
    stepBack: () => timeline.send({ type: 'BACK' }),
    reset: () => timeline.send({ type: 'RESET' }),
  };
  const lessonSteps =
    route.page === 'lesson'
      ? (lessonSupport.lessons.find((l) => l.id === route.lessonId)?.steps.length ?? 0)
      : 0;

  useCommands(
    {
      route,
      playback,
      lessonSteps,
      goToLessonStep: (step) => {
        if (route.page === 'lesson') setRoute({ ...route, step });
      },
      get presenter() {
        return presenter.current;
      },
      openHelp: () => setHelpOpen(true),
    },
    helpOpen,
  );
  return { helpOpen, setHelpOpen, onPresenterCommands };
}
