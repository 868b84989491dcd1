import { useActorRef } from '@xstate/react';
import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { checkpointProgress, lessonSummary, resumeStep } from '../lessons/progress';
import { AppShell, type LessonSupport } from '../components/AppShell';
import type { ChallengeSupport } from '../components/ChallengePage';
import { rememberWelcome, shouldWelcome } from '../components/Welcome';
import { timelineMachine } from '../machines/timeline';
import { createAppStore, StoreProvider, TimelineProvider } from '../store';
import { EDITS_KEY_PREFIX, linkDraftKey, startController } from './controller';
import { browserIdbStore, openEditStorage } from './editStorage';
import { startEngine } from './engine';
import { browserLibraryIdb, LIBRARY_KEY_PREFIX, startLibrary } from './library';
import type { Lesson } from '../lessons/types';
import { appLessons, opensLesson } from './lessonSource';
import { lessonStepView, routeBeforeStart, stepHopIndex } from './lessonView';
import { BUILT_IN_SCENARIOS } from './scenarios';
import { loadSeedClaims } from './seedClaims';
import { bindTimeline } from './timeline';

const STATUS_WORDS = {
  'not-started': 'not started',
  'in-progress': 'in progress',
  done: 'done',
} as const;
import { readStoredThemePreference, syncTheme } from './theme';
import { useProgress } from './useProgress';

/** The only place that wires store, engine, URL and views together. */
export function App() {
  const [store] = useState(() => {
    const route = routeBeforeStart(window.location.hash);
    return createAppStore({
      themePreference: readStoredThemePreference(safeLocalStorage()),
      ...(route ? { route } : {}),
    });
  });

  useEffect(() => syncTheme(store), [store]);

  // The one clock of the visualizer, kept in step with the URL-backed view.
  const timeline = useActorRef(timelineMachine, { input: {} });
  useEffect(() => bindTimeline(store, timeline), [store, timeline]);

  // Progress: every lesson step opened is remembered, so the list can resume where the learner was.
  const progress = useProgress();
  const route = useStore(store, (s) => s.route);

  // The lessons come in a chunk of their own, when a page first needs them.
  const [loadedLessons, setLessons] = useState<readonly Lesson[] | null>(appLessons.current);
  // (Read the source too: the controller may have loaded them for a link before this state knows.)
  const lessons = loadedLessons ?? appLessons.current();
  const needsLessons =
    route.page === 'lessons' || route.page === 'lesson' || route.page === 'facts';
  useEffect(() => {
    if (!needsLessons || lessons) return;
    let live = true;
    appLessons.load().then(
      (loaded) => live && setLessons(loaded),
      (error: unknown) =>
        live && store.getState().setNotice(`The lessons could not be loaded (${String(error)}).`),
    );
    return () => {
      live = false;
    };
  }, [needsLessons, lessons, store]);
  const lessonList = useMemo(() => lessons ?? [], [lessons]);

  const { visit } = progress;
  useEffect(() => {
    if (route.page !== 'lesson') return;
    const lesson = lessonList.find((l) => l.id === route.lessonId);
    if (lesson) visit(lesson.id, route.step, lesson.steps.length);
  }, [route, visit, lessonList]);
  const lessonSupport: LessonSupport = useMemo(
    () => ({
      lessons: lessonList,
      loading: needsLessons && !lessons,
      stepView: lessonStepView,
      hopIndex: stepHopIndex,
      status: (id) => {
        const lesson = lessonList.find((l) => l.id === id);
        return lesson ? STATUS_WORDS[lessonSummary(progress.progress, lesson).status] : '';
      },
      summary: (id) => {
        const lesson = lessonList.find((l) => l.id === id);
        return lesson && lessonSummary(progress.progress, lesson);
      },
      checkpointProgress: (id, stepId) => checkpointProgress(progress.progress, id, stepId),
      resume: (id) =>
        resumeStep(progress.progress, id, lessonList.find((l) => l.id === id)?.steps.length),
      onAnswer: progress.answer,
      exportText: progress.exportText,
      importText: progress.importText,
      unreadableProgress: progress.unreadable,
      dismissUnreadableProgress: progress.dismissUnreadable,
    }),
    [progress, lessonList, needsLessons, lessons],
  );

  // Challenge mode's score lives in the progress beside the lessons'.
  const { recordChallenge } = progress;
  const challengeScores = progress.progress.challenge;
  const challengeSupport: ChallengeSupport = useMemo(
    () => ({ scores: challengeScores, record: recordChallenge }),
    [challengeScores, recordChallenge],
  );

  useEffect(() => {
    const client = startEngine(store);
    let stop: (() => void) | undefined;
    let cancelled = false;
    // Edits live in IndexedDB (editStorage.ts); the controller starts once they are read (and, for
    // a lesson's link, once the lessons are here too).
    const lessonsFirst = opensLesson(window.location.hash)
      ? appLessons.load().catch(() => null)
      : null;
    const problem = (what: string) => (message: string | null) => {
      if (message !== null || store.getState().notice?.startsWith(`${what} (`)) {
        store.getState().setNotice(message);
      }
    };
    // The library too (library.ts): a link may name one of the user's own scenarios.
    const library = openEditStorage({
      prefix: LIBRARY_KEY_PREFIX,
      idb: browserLibraryIdb(),
      local: safeLocalStorage(),
      what: 'A saved scenario',
      onProblem: problem('A saved scenario'),
    });
    let stopLibrary: (() => void) | undefined;
    void openEditStorage({
      prefix: EDITS_KEY_PREFIX,
      idb: browserIdbStore(),
      local: safeLocalStorage(),
      onProblem: problem('Your edit'),
    })
      .then((storage) => Promise.all([storage, library, lessonsFirst]))
      .then(([storage, libraryStorage]) => {
        if (cancelled) return;
        stopLibrary = startLibrary(store, {
          storage: libraryStorage,
          edits: storage,
          editKeys: (id) => [EDITS_KEY_PREFIX + id, linkDraftKey(id)],
        });
        // The controller opens the link in a task of its own: its store updates render the
        // linked view at once (zustand's updates are synchronous renders), and together with
        // the reads' completion above they made one task of 34-61 ms on a loaded machine.
        setTimeout(() => {
          if (cancelled) return;
          stop = startController(store, client, {
            lessons: appLessons,
            location: window.location,
            history: window.history,
            storage,
            onHashChange: (listener) => {
              window.addEventListener('hashchange', listener);
              return () => window.removeEventListener('hashchange', listener);
            },
          });
        }, 0);
      });
    return () => {
      cancelled = true;
      stop?.();
      stopLibrary?.();
      client.dispose();
    };
  }, [store]);

  // The built-in scenarios, then the user's own (the library, read at start-up).
  const userScenarios = useStore(store, (s) => s.userScenarios);
  const scenarios = useMemo(
    () => [
      ...BUILT_IN_SCENARIOS,
      ...userScenarios
        .filter((s) => !s.trashed)
        .map((s) => ({ id: s.id, title: s.name, text: s.text })),
    ],
    [userScenarios],
  );

  // The first visit's welcome: decided once, from the link the app opened with.
  const [welcome] = useState(() => {
    const storage = safeLocalStorage();
    return {
      initiallyOpen: shouldWelcome(storage, window.location.hash),
      onDismiss: () => rememberWelcome(storage),
    };
  });

  return (
    <StoreProvider store={store}>
      <TimelineProvider actor={timeline}>
        <AppShell
          scenarios={scenarios}
          lessonSupport={lessonSupport}
          welcome={welcome}
          loadFacts={loadSeedClaims}
          challengeSupport={challengeSupport}
        />
      </TimelineProvider>
    </StoreProvider>
  );
}

function safeLocalStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}
