import { Suspense } from 'react';
import type { SeedClaims } from '../lessons/seedClaims';
import {
  selectLayout,
  selectNotice,
  selectRoute,
  selectScenarioId,
  selectWalks,
  showsVisualizer,
  useAppActions,
  useAppStore,
} from '../store';
import { AboutModel } from './AboutModel';
import { AppHeader } from './AppHeader';
import type { Cni } from '../engine/model';
import { CNI_TITLE, stagePhrase } from '../scene/words';
import { Controls } from './Controls';
import { EngineStatus } from './EngineStatus';
import {
  ChallengePage,
  FactCheck,
  HelpOverlay,
  LessonList,
  LessonPlayer,
  Loading,
  PresenterOverlay,
  SpeakerView,
} from './lazyViews';
import { NO_LESSONS, type LessonSupport, type ScenarioChoice } from './lessonSupport';
import { usePanelPlayback } from './usePlayback';
import { useShellCommands } from './useShellCommands';
import { Welcome, type WelcomeProps } from './Welcome';
import { Workspace, type WorkspaceProps } from './Workspace';
import type { ChallengeSupport } from './ChallengePage';
import { UndoNotice } from './UndoNotice';

export type { LessonSupport, ScenarioChoice } from './lessonSupport';

/**
 * The visualizer's frame, one screen high: the toolbar, the stage (topologies, timeline) with the
 * drawer beside it (panels and the lesson), the playback bar and a slim footer; the lesson list;
 * presenter mode (the step as a caption under the stage); the help dialog, the welcome, the hop
 * announcer. The keys come from the commands table.
 */
export function AppShell({
  scenarios,
  lessonSupport = NO_LESSONS,
  welcome,
  loadFacts,
  challengeSupport,
}: {
  scenarios: readonly ScenarioChoice[];
  lessonSupport?: LessonSupport;
  /** The seed articles' fact check, for the `#/facts` page. */
  loadFacts?: () => Promise<SeedClaims>;
  /** The first visit's welcome; absent, none is shown. */
  welcome?: WelcomeProps;
  /** Challenge mode's score in the progress; absent, challenges are not scored. */
  challengeSupport?: ChallengeSupport;
}) {
  const route = useAppStore(selectRoute);
  const lesson =
    route.page === 'lesson'
      ? lessonSupport.lessons.find((l) => l.id === route.lessonId)
      : undefined;
  const layout = useAppStore(selectLayout);
  const scenarioId = useAppStore(selectScenarioId);
  const notice = useAppStore(selectNotice);
  const walks = useAppStore(selectWalks);
  const setNotice = useAppActions().setNotice;
  const { helpOpen, setHelpOpen, onPresenterCommands } = useShellCommands(lessonSupport);

  const calicoHops = walks.calico?.ok ? walks.calico.result.hops : undefined;
  const ciliumHops = walks.cilium?.ok ? walks.cilium.result.hops : undefined;
  const calico = usePanelPlayback(calicoHops);
  const cilium = usePanelPlayback(ciliumHops);
  const shown: Cni[] = layout === 'compare' ? ['calico', 'cilium'] : [layout];
  const hopsOf = (c: Cni) => (c === 'calico' ? calicoHops : ciliumHops);
  const playbackOf = (c: Cni) => (c === 'calico' ? calico : cilium);

  const builtIn = scenarios.find((s) => s.id === scenarioId) ?? scenarios[0];
  const announce = shown
    .map((c) => {
      const hops = hopsOf(c);
      const p = playbackOf(c);
      const hop = hops?.[p.index];
      return hop
        ? `${CNI_TITLE[c]} hop ${p.index + 1} of ${hops.length}: ${stagePhrase(hop.stage)} at ${hop.node}, ${hop.where}.`
        : '';
    })
    .join(' ');

  const visualizer = (side: Pick<WorkspaceProps, 'lesson' | 'caption' | 'sideLabel'>) => (
    <>
      <Workspace
        shown={shown}
        playback={{ calico, cilium }}
        builtInText={builtIn?.text}
        {...(loadFacts ? { loadFacts } : {})}
        {...side}
      />
      <Controls
        counts={shown.map((c) => ({
          cni: c,
          index: playbackOf(c).index,
          total: hopsOf(c)?.length ?? 0,
        }))}
      />
    </>
  );

  const help = helpOpen && (
    <Suspense fallback={null}>
      <HelpOverlay onClose={() => setHelpOpen(false)} />
    </Suspense>
  );
  if (route.page === 'lesson' && route.mode === 'speaker' && lesson) {
    return (
      <>
        <Suspense fallback={<Loading what="the speaker view" />}>
          <SpeakerView lesson={lesson} route={route} />
        </Suspense>
        {help}
      </>
    );
  }
  const presenting = route.page === 'lesson' && route.mode === 'present';
  const player = lesson && route.page === 'lesson' && (
    <Suspense fallback={<Loading what="the lesson" />}>
      <LessonPlayer
        lesson={lesson}
        step={route.step}
        stepView={lessonSupport.stepView(lesson, route.step)}
        hopIndex={(hops) => lessonSupport.hopIndex(lesson.steps[route.step]!, hops)}
        onAnswer={(stepId, answer, correct) =>
          lessonSupport.onAnswer?.(lesson.id, stepId, answer, correct)
        }
        caption={presenting}
        support={lessonSupport}
      />
    </Suspense>
  );

  return (
    <div className={`app-shell${presenting ? ' presenting' : ''}`}>
      {presenting && lesson && (
        <Suspense fallback={null}>
          <PresenterOverlay lesson={lesson} route={route} onCommands={onPresenterCommands} />
        </Suspense>
      )}
      <AppHeader scenarios={scenarios} onHelp={() => setHelpOpen(true)} />
      {notice && (
        <div className="notice" role="alert">
          <p>{notice}</p>
          <button type="button" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </div>
      )}
      <UndoNotice clock />
      {route.page === 'opening' ? (
        <div className="page-scroll">
          <Loading what="the lesson" />
        </div>
      ) : route.page === 'lessons' ? (
        <div className="page-scroll">
          {lessonSupport.loading ? (
            <Loading what="the lessons" />
          ) : (
            <Suspense fallback={<Loading what="the lessons" />}>
              <LessonList support={lessonSupport} />
            </Suspense>
          )}
        </div>
      ) : route.page === 'facts' ? (
        <div className="page-scroll">
          {lessonSupport.loading ? (
            <Loading what="the fact check" />
          ) : (
            <Suspense fallback={<Loading what="the fact check" />}>
              <FactCheck load={loadFacts ?? noFacts} lessons={lessonSupport.lessons} />
            </Suspense>
          )}
        </div>
      ) : route.page === 'challenge' ? (
        <Suspense fallback={<Loading what="the challenge" />}>
          <ChallengePage
            seed={route.seed}
            workspace={(pane) => visualizer({ lesson: pane, sideLabel: 'Challenge' })}
            {...(challengeSupport ? { support: challengeSupport } : {})}
          />
        </Suspense>
      ) : (
        visualizer(player ? (presenting ? { caption: player } : { lesson: player }) : {})
      )}
      <p className="visually-hidden" aria-live="polite" data-testid="hop-announcer">
        {announce}
      </p>
      <footer className="app-footer">
        {showsVisualizer(route) && <EngineStatus />}
        <AboutModel />
      </footer>
      {help}
      {welcome && !presenting && route.page !== 'lesson' && (
        <Welcome {...welcome} onHelp={() => setHelpOpen(true)} />
      )}
    </div>
  );
}

const noFacts = (): Promise<SeedClaims> =>
  Promise.reject(new Error('this build has no fact check'));
