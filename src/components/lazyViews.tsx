/**
 * The views the visualizer's first screen does not need, each loaded on first use (issue 15, lazy
 * loading): the lesson list and player (Markdown, checkpoints), presenter mode, challenge mode and
 * the fact check, the keys' help. Each comes in its own chunk; `Loading` holds its place meanwhile.
 */
import { lazy } from 'react';

export const LessonList = lazy(() =>
  import('./LessonList').then((m) => ({ default: m.LessonList })),
);
export const LessonPlayer = lazy(() =>
  import('./LessonPlayer').then((m) => ({ default: m.LessonPlayer })),
);
export const PresenterOverlay = lazy(() =>
  import('./Presenter').then((m) => ({ default: m.PresenterOverlay })),
);
export const SpeakerView = lazy(() =>
  import('./Presenter').then((m) => ({ default: m.SpeakerView })),
);
export const ChallengePage = lazy(() =>
  import('./ChallengePage').then((m) => ({ default: m.ChallengePage })),
);
export const FactCheck = lazy(() => import('./FactCheck'));
export const HelpOverlay = lazy(() =>
  import('./HelpOverlay').then((m) => ({ default: m.HelpOverlay })),
);

/** A lazy view's stand-in while its chunk loads: one polite status line. */
export function Loading({ what }: { what: string }) {
  return (
    <p role="status" className="loading-status">
      Loading {what}…
    </p>
  );
}
