/**
 * Keeps the timeline actor (the one clock) and the URL-backed view in step, both ways:
 * - the timeline's step is written to `view.step`, so it reaches the URL and lessons;
 * - a step set in the view (a link, a lesson step, a new packet) moves the timeline there;
 * - the shown walks set the timeline's length; while the walk for new inputs is on its way the
 *   length is unknown (null), so a step a link or lesson asks for is not clamped to the old walk;
 * - a new packet pauses playback.
 */
import type { TimelineActor } from '../machines/timeline';
import type { AppState, AppStore } from '../store';
import { sameDeps, walkQuery } from './queries';

/** The last hop index of the longest walk on screen, or null when no walk is shown. */
export function shownMaxStep(state: AppState): number | null {
  const { layout } = state.view;
  const shown = layout === 'compare' ? (['calico', 'cilium'] as const) : [layout];
  const outcomes = shown.map((cni) => state.walks[cni]).filter((o) => o !== undefined);
  if (outcomes.length === 0) return null;
  const longest = Math.max(0, ...outcomes.map((o) => (o.ok ? o.result.hops.length : 0)));
  return Math.max(0, longest - 1);
}

export function bindTimeline(store: AppStore, timeline: TimelineActor): () => void {
  // What this binding saw last, so a nested store update seen twice is handled once.
  let seen = store.getState();
  let walkInputs = walkQuery.dependencies(seen);
  let waitingForWalks = false;
  let lastStep = timeline.getSnapshot().context.step;

  const sync = (state: AppState): void => {
    const inputs = walkQuery.dependencies(state);
    if (!sameDeps(inputs, walkInputs)) {
      walkInputs = inputs;
      waitingForWalks = true;
      timeline.send({ type: 'SET_LENGTH', maxStep: null });
    }
    if (state.view.packet !== seen.view.packet) timeline.send({ type: 'PAUSE' });
    // The walks arrived (or the engine failed to answer): the length is known again.
    if (state.walks !== seen.walks || (state.engineError && state.engineError !== seen.engineError))
      waitingForWalks = false;
    seen = state;
    if (!waitingForWalks) {
      const maxStep = shownMaxStep(state);
      if (maxStep !== timeline.getSnapshot().context.maxStep)
        timeline.send({ type: 'SET_LENGTH', maxStep });
    }
    if (state.view.step !== timeline.getSnapshot().context.step)
      timeline.send({ type: 'GO_TO', step: state.view.step });
  };

  sync(seen);
  const unsubscribe = store.subscribe(sync);
  const subscription = timeline.subscribe((snapshot) => {
    const { step } = snapshot.context;
    if (step === lastStep) return;
    lastStep = step;
    if (store.getState().view.step !== step) store.getState().setStep(step);
  });
  return () => {
    unsubscribe();
    subscription.unsubscribe();
  };
}
