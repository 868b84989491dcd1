/**
 * The app's controller: keeps the URL, the browser's saved edits and the store in step, and starts
 * the table of engine queries (queries.ts) that keeps the engine's answers in the store. Components
 * only read the store and call its actions; this module and queries.ts are the only ones that talk
 * to the engine client.
 */
import {
  decodeView,
  encodeView,
  linkCarriesText,
  type AppStore,
  type Route,
  type ViewState,
} from '../store';
import type { EngineClient } from '../worker/client';
import { challengeHash, parseChallengeHash } from './challengeLink';
import type { Lesson } from '../lessons/types';
import { opensLesson, type LessonSource } from './lessonSource';
import { lessonStepView, parseLessonHash, routeHash } from './lessonView';
import { openUserScenarioLink } from './library';
import { startQueries } from './queries';
import { BUILT_IN_SCENARIOS } from './scenarios';

export { defaultPacket, scenarioText } from './queries';

export const EDITS_KEY_PREFIX = 'packetwalk.edits.';
/**
 * Where the edit carried by a link (`yaml=`) is kept when the user already has a saved edit of the
 * same scenario: beside it, never over it (issue 13).
 */
export const linkDraftKey = (scenarioId: string): string =>
  `${EDITS_KEY_PREFIX}${scenarioId}.from-link`;
const ROUTE = '#/walk';
/** In a walk's URL: the edited text is this browser's draft of a link's edit (see walkHash). */
const DRAFT_MARK = ['edits', 'draft'] as const;

export interface ControllerEnv {
  readonly location: Pick<Location, 'hash'>;
  /** Moving between views pushes an entry (Back returns); a hop or mode change replaces it. */
  readonly history: Pick<History, 'replaceState' | 'pushState'>;
  readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined;
  /** Subscribes to the user changing the URL's hash in place (a pasted link); returns the unsubscribe. */
  readonly onHashChange?: (listener: () => void) => () => void;
  /** The lessons, loaded on demand (lessonSource.ts): a lesson's link waits for them. */
  readonly lessons: LessonSource;
}

/** The hash of a page: its own route, or the visualizer's view. */
function hashOf(route: Route, view: ViewState): string {
  if (route.page === 'challenge') return challengeHash(route.seed, view);
  return routeHash(route) ?? `${ROUTE}?${encodeView(view)}`;
}

export function startController(
  store: AppStore,
  client: EngineClient,
  env: ControllerEnv,
): () => void {
  const known = BUILT_IN_SCENARIOS.map((s) => s.id);
  const get = store.getState;

  // While the URL itself opens a view (a link, Back, Forward), the view's changes write no entry.
  let opening = false;
  // The scenario whose text came from a link while the user had a saved edit of it: its edits are
  // kept under linkDraftKey, so the saved edit survives the link.
  let linkDraft: string | null = null;

  /**
   * The walk's URL for a view. A text too long for a link (store/viewState.ts LINK_TEXT_MAX) stays
   * out of it; when that text is the link's draft, `edits=draft` says so, so a reload opens the
   * draft again rather than the saved edit the draft was kept apart from.
   */
  function walkHash(view: ViewState): string {
    const draft =
      linkDraft === view.scenarioId &&
      view.scenarioText !== null &&
      !linkCarriesText(view.scenarioText);
    return `${ROUTE}?${encodeView(view)}${draft ? `&${DRAFT_MARK.join('=')}` : ''}`;
  }

  /** Runs `then` with the lessons: now when they are loaded, else once they are. */
  function withLessons(then: (lessons: readonly Lesson[]) => void): void {
    const lessons = env.lessons.current();
    if (lessons) return then(lessons);
    env.lessons.load().then(then, (error: unknown) => {
      get().setNotice(`The lessons could not be loaded (${String(error)}).`);
      // A lesson's link waiting to open (its Loading line) opens the visualizer instead.
      if (get().route.page === 'opening') get().setRoute({ page: 'walk' });
    });
  }

  // 1. The URL opens the view; a link that does not decode opens the default with a notice.
  function openLink(): void {
    opening = true;
    try {
      openHash(env.location.hash);
    } finally {
      opening = false;
    }
  }
  function openHash(hash: string): void {
    const challenge = parseChallengeHash(hash, known, get().view);
    if (challenge) {
      get().setNotice(
        challenge.problems.length > 0
          ? `This challenge link could not be read as written (${challenge.problems.join('; ')}).`
          : null,
      );
      get().setRoute({ page: 'challenge', seed: challenge.seed });
      get().setView(challenge.view);
      return;
    }
    const lessons = env.lessons.current();
    if (!lessons && opensLesson(hash)) {
      // A lesson's link before the lessons are here: opened again once they are.
      withLessons(() => {
        if (env.location.hash === hash) openLink();
      });
      return;
    }
    const lessonRoute = parseLessonHash(hash, lessons ?? []);
    if (lessonRoute) {
      get().setNotice(null);
      get().setRoute(lessonRoute);
      if (lessonRoute.page === 'lesson') {
        const lesson = lessons!.find((l) => l.id === lessonRoute.lessonId)!;
        get().setView(lessonStepView(lesson, lessonRoute.step));
      }
      return;
    }
    get().setRoute({ page: 'walk' });
    const query = hash.startsWith(`${ROUTE}?`) ? hash.slice(ROUTE.length + 1) : '';
    const decoded = decodeView(query, known);
    let view = decoded.view;
    get().setNotice(
      decoded.problems.length > 0
        ? `This link could not be opened as written (${decoded.problems.join('; ')}), so the default view is shown.`
        : null,
    );
    // One of the user's own scenarios: from the library, or added from the link's text (library.ts).
    const mine = openUserScenarioLink(view, get().userScenarios, Date.now());
    view = mine.view;
    if (mine.library) get().setUserScenarios(mine.library);
    if (mine.notice) get().setNotice(mine.notice);
    // Edits kept in the browser come back, unless the link carries its own.
    const saved = env.storage?.getItem(EDITS_KEY_PREFIX + view.scenarioId) ?? null;
    const draft =
      new URLSearchParams(query).get(DRAFT_MARK[0]) === DRAFT_MARK[1]
        ? (env.storage?.getItem(linkDraftKey(view.scenarioId)) ?? null)
        : null;
    linkDraft = null;
    if (view.scenarioText === null) {
      if (draft !== null) {
        // A link's draft too long for the link, reopened (a reload): still a draft of its own.
        view = { ...view, scenarioText: draft };
        linkDraft = view.scenarioId;
      } else if (saved !== null) view = { ...view, scenarioText: saved };
    } else if (saved !== null && saved !== view.scenarioText) {
      // Keep both: the link opens as a draft of its own, the saved edit stays where it was.
      linkDraft = view.scenarioId;
      env.storage?.setItem(linkDraftKey(view.scenarioId), view.scenarioText);
      get().setNotice(
        `This link carries its own edit of the scenario "${view.scenarioId}"; it is open as a separate draft. ` +
          `Your saved edit of "${view.scenarioId}" is kept: press "Reset scenario" in the Policies panel to return to it.`,
      );
    }
    get().setView(view);
    // A link in an older form (positional CNI tokens) is replaced by today's form of the same view.
    if (decoded.rewritten) env.history.replaceState(null, '', walkHash(view));
  }
  openLink();

  const stopHash = env.onHashChange?.(openLink);

  const unsubscribe = store.subscribe((state, previous) => {
    const route = state.route;
    if (route !== previous.route) {
      const hash = hashOf(route, state.view);
      // A new view (walk, lesson list, a lesson, a step, presenter) is a history entry of its own.
      const before = hashOf(previous.route, previous.view);
      if (!opening && hash !== before && hash !== env.location.hash)
        env.history.pushState(null, '', hash);
      else env.history.replaceState(null, '', hash);
      const was = previous.route;
      const moved =
        route.page === 'lesson' &&
        (was.page !== 'lesson' || was.lessonId !== route.lessonId || was.step !== route.step);
      if (moved) {
        withLessons((lessons) => {
          const lesson = lessons.find((l) => l.id === route.lessonId);
          if (lesson && get().route === route) get().setView(lessonStepView(lesson, route.step));
        });
        return;
      }
    }
    const inWalk = route.page === 'walk';
    const v = state.view;
    const p = previous.view;
    if (v === p) return;
    if (inWalk) env.history.replaceState(null, '', walkHash(v));
    // A challenge's link follows its scenario, modes and layout (the packet is the seed's).
    if (route.page === 'challenge') env.history.replaceState(null, '', hashOf(route, v));
    if (!opening && v.scenarioId !== p.scenarioId) linkDraft = null;
    if (inWalk && linkDraft === v.scenarioId && v.scenarioText === null) {
      // Leaving the link's draft (the editor's reset) returns to the user's own saved edit.
      linkDraft = null;
      env.storage?.removeItem(linkDraftKey(v.scenarioId));
      const saved = env.storage?.getItem(EDITS_KEY_PREFIX + v.scenarioId) ?? null;
      if (saved !== null) {
        state.setScenarioText(saved);
        return;
      }
    }
    if (inWalk && v.scenarioId !== p.scenarioId && v.scenarioText === null) {
      // Switching scenarios brings back what was edited in that scenario before.
      const saved = env.storage?.getItem(EDITS_KEY_PREFIX + v.scenarioId) ?? null;
      if (saved !== null) {
        state.setScenarioText(saved);
        return;
      }
    }
    // Edits are kept in the browser per scenario (loading them is the load query's business).
    if (
      inWalk &&
      v.scenarioId === p.scenarioId &&
      v.scenarioText !== p.scenarioText &&
      env.storage
    ) {
      const key =
        linkDraft === v.scenarioId ? linkDraftKey(v.scenarioId) : EDITS_KEY_PREFIX + v.scenarioId;
      if (v.scenarioText === null) env.storage.removeItem(key);
      else env.storage.setItem(key, v.scenarioText);
    }
  });
  // After the URL's subscriber, so a restored edit is in the store before the load query reads it.
  const stopQueries = startQueries(store, client);

  return () => {
    stopHash?.();
    unsubscribe();
    stopQueries();
  };
}
