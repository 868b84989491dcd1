/**
 * The views the visualizer's first screen does not need, each loaded on first use (issue 15, lazy
 * loading): the lesson list and player (Markdown, checkpoints), presenter mode, challenge mode and
 * the fact check, the keys' help, the generator's dialog, the smallest fix. Each comes in its own chunk; `Loading` holds its place meanwhile.
 */
import { lazy, Suspense, useState } from 'react';

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
/** The Share popover: copy link and the exports (SVG/PNG pictures, matrix CSV) load after the first screen. */
export const SharePopover = lazy(() =>
  import('./SharePopover').then((m) => ({ default: m.SharePopover })),
);
export const FixPanel = lazy(() => import('./FixPanel').then((m) => ({ default: m.FixPanel })));

const GenerateDialogView = lazy(() =>
  import('./GenerateDialog').then((m) => ({ default: m.GenerateDialog })),
);

/** The "Generate a large cluster" dialog: loaded when first opened, then kept (it closes itself). */
export function GenerateDialog(props: { open: boolean; onClose: () => void }) {
  const [wanted, setWanted] = useState(props.open);
  if (props.open && !wanted) setWanted(true);
  return wanted ? (
    <Suspense fallback={null}>
      <GenerateDialogView {...props} />
    </Suspense>
  ) : null;
}

/** A lazy view's stand-in while its chunk loads: one polite status line. */
export function Loading({ what }: { what: string }) {
  return (
    <p role="status" className="loading-status">
      Loading {what}…
    </p>
  );
}
