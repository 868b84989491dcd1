/**
 * Named selectors at module scope, one per thing a component reads, so each subscriber re-renders
 * only when its own value changes (the xyflow habit: `useStore(selector, equality)` with selectors
 * defined once, never inline). They return primitives or references the store keeps stable: a view
 * action replaces `view` but keeps the fields it did not change, so `selectCalicoConfig` is the same
 * object after a step. Where a component needs several fields as one object, pair a selector here
 * with `useShallow` (see `selectViewButStep`).
 */
import type { Cni } from '../engine/model';
import type { AppState } from './appStore';
import type { ViewState } from './viewState';

// The view slice: the URL-backed view, field by field.
export const selectScenarioId = (s: AppState) => s.view.scenarioId;
export const selectScenarioText = (s: AppState) => s.view.scenarioText;
export const selectCalicoConfig = (s: AppState) => s.view.calico;
export const selectCiliumConfig = (s: AppState) => s.view.cilium;
export const selectPacket = (s: AppState) => s.view.packet;
export const selectStep = (s: AppState) => s.view.step;
export const selectLayout = (s: AppState) => s.view.layout;
export const selectPanels = (s: AppState) => s.view.panels;
export const selectMatrixPort = (s: AppState) => s.view.matrixPort;

/** The view less its step: with `useShallow`, a reader that ignores the step ignores hop steps. */
export type ViewButStep = Omit<ViewState, 'step'>;
export const selectViewButStep = (s: AppState): ViewButStep => viewButStep(s.view);
export function viewButStep(view: ViewButStep & { readonly step?: number }): ViewButStep {
  const rest: { -readonly [K in keyof ViewState]?: ViewState[K] } = { ...view };
  delete rest.step;
  return rest as ViewButStep;
}

// The engine slice.
export const selectEngineMode = (s: AppState) => s.engineMode;
export const selectEngineError = (s: AppState) => s.engineError;
export const selectEngineJob = (s: AppState) => s.engineJob;
export const selectLoadedScenario = (s: AppState) => s.loadedScenario;
export const selectCluster = (s: AppState) => s.cluster;
export const selectDiagnostics = (s: AppState) => s.diagnostics;
export const selectMatrix = (s: AppState) => s.matrix;
export const selectWalks = (s: AppState) => s.walks;
/** The O(N) vs O(1) sweep as it streams in (scale slice). */
export const selectScaleSweep = (s: AppState) => s.scaleSweep;
/** "Generate a large cluster": the generated scenario's progress and text (scale slice). */
export const selectGeneration = (s: AppState) => s.generation;
/** The text generated for scenario `id`, once the worker wrote it. */
export const generatedTextOf = (
  id: string,
  generation: AppState['generation'],
): string | undefined =>
  generation?.id === id && generation.status === 'done' ? generation.text : undefined;
/** The view's scenario's generated text (undefined for a built-in one, or before it is written). */
export const selectGeneratedText = (s: AppState) =>
  generatedTextOf(s.view.scenarioId, s.generation);

const walkSelectors = new Map<Cni, (s: AppState) => AppState['walks'][Cni]>();
/** One CNI's walk outcome; the same selector function per CNI, so hooks can keep it. */
export function selectWalk(cni: Cni): (s: AppState) => AppState['walks'][Cni] {
  let selector = walkSelectors.get(cni);
  if (!selector) {
    selector = (s) => s.walks[cni];
    walkSelectors.set(cni, selector);
  }
  return selector;
}

const sceneSelectors = new Map<Cni, (s: AppState) => AppState['scenes'][Cni]>();
/** What one CNI's panel draws (the engine's scene); one selector function per CNI. */
export function selectScene(cni: Cni): (s: AppState) => AppState['scenes'][Cni] {
  let selector = sceneSelectors.get(cni);
  if (!selector) {
    selector = (s) => s.scenes[cni];
    sceneSelectors.set(cni, selector);
  }
  return selector;
}

// The ui slice.
export const selectThemePreference = (s: AppState) => s.themePreference;
export const selectRoute = (s: AppState) => s.route;
export const selectNotice = (s: AppState) => s.notice;
/** True while a lesson is shown full screen (presenter mode). */
export const selectPresenting = (s: AppState): boolean =>
  s.route.page === 'lesson' && s.route.mode === 'present';
/** The lesson route's mode (present / speaker), undefined outside a lesson. */
export const selectLessonMode = (s: AppState) =>
  s.route.page === 'lesson' ? s.route.mode : undefined;
const NO_WORDS: readonly string[] = [];
/**
 * The words a lesson step (or a challenge's reveal) highlights; none elsewhere (the same empty list
 * each time).
 */
export const selectLessonHighlight = (s: AppState): readonly string[] =>
  s.route.page === 'lesson' || s.route.page === 'challenge' ? s.highlight : NO_WORDS;

// The library slice (issue 18).
export const selectUserScenarios = (s: AppState) => s.userScenarios;
export const selectLibraryActions = (s: AppState) => s.libraryActions;
export const selectUndoOffer = (s: AppState) => s.undoOffer;
export const selectUndoHeld = (s: AppState) => s.undoHeld;
