import { useEffect } from 'react';
import type { Hop } from '../datapath/hop';
import type { Lesson, LessonStep } from '../lessons/types';
import { useAppStore, useAppStoreApi, type Layout, type ViewState } from '../store';
import { CniPanel, stageWords, type Cni } from './CniPanel';
import { Controls } from './Controls';
import { AboutModel } from './AboutModel';
import { EngineStatus } from './EngineStatus';
import { LessonList } from './LessonList';
import { LessonPlayer } from './LessonPlayer';
import { ErrorBoundary } from './ErrorBoundary';
import { MatrixPanel } from './MatrixPanel';
import { ModeSelects } from './ModeSelects';
import { PacketComposer } from './PacketComposer';
import { PoliciesPanel } from './PoliciesPanel';
import { PresenterOverlay, SpeakerView } from './Presenter';
import { ThemeToggle } from './ThemeToggle';
import { usePanelActor, usePlaybackClock } from './usePlayback';

export interface ScenarioChoice {
  readonly id: string;
  readonly title: string;
  readonly text: string;
}

const LAYOUT_LABEL: Record<Layout, string> = {
  compare: 'Compare',
  calico: 'Calico only',
  cilium: 'Cilium only',
};

export interface LessonSupport {
  readonly lessons: readonly Lesson[];
  readonly stepView: (lesson: Lesson, step: number) => ViewState;
  readonly hopIndex: (step: LessonStep, hops: readonly Hop[]) => number;
  readonly status: (lessonId: string) => string;
  /** The step (0-based) to reopen a lesson at. */
  readonly resume?: (lessonId: string) => number;
  readonly onAnswer?: (lessonId: string, stepId: string, answer: string, correct: boolean) => void;
  readonly exportText?: () => string;
  /** Merges an exported progress file; returns an error message, or null when it was merged. */
  readonly importText?: (text: string) => string | null;
}

const NO_LESSONS: LessonSupport = {
  lessons: [],
  stepView: () => {
    throw new Error('no lessons');
  },
  hopIndex: () => 0,
  status: () => '',
};

/** The visualizer: header, controls, the CNI panels side by side, the side panels, the status line. */
export function AppShell({
  scenarios,
  lessonSupport = NO_LESSONS,
}: {
  scenarios: readonly ScenarioChoice[];
  lessonSupport?: LessonSupport;
}) {
  const store = useAppStoreApi();
  const route = useAppStore((s) => s.route);
  const setRoute = useAppStore((s) => s.setRoute);
  const lesson =
    route.page === 'lesson'
      ? lessonSupport.lessons.find((l) => l.id === route.lessonId)
      : undefined;
  const view = useAppStore((s) => s.view);
  const notice = useAppStore((s) => s.notice);
  const walks = useAppStore((s) => s.walks);
  const setScenario = useAppStore((s) => s.setScenario);
  const setLayout = useAppStore((s) => s.setLayout);
  const togglePanel = useAppStore((s) => s.togglePanel);
  const setNotice = useAppStore((s) => s.setNotice);

  const calicoHops = walks.calico?.ok ? walks.calico.result.hops : undefined;
  const ciliumHops = walks.cilium?.ok ? walks.cilium.result.hops : undefined;
  const calico = usePanelActor(calicoHops, view.step);
  const cilium = usePanelActor(ciliumHops, view.step);
  const shown: Cni[] = view.layout === 'compare' ? ['calico', 'cilium'] : [view.layout];
  const longest = Math.max(
    0,
    ...shown.map((c) => (c === 'calico' ? calicoHops : ciliumHops)?.length ?? 0),
  );
  usePlaybackClock(longest);

  // Keyboard: Space plays or pauses, arrows step, R resets; never while typing in a field or editor.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t?.closest('input, select, textarea, button, [contenteditable="true"], .cm-editor'))
        return;
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      const s = store.getState();
      const r = s.route;
      // Presenter mode and the speaker view have keys of their own.
      if (r.page === 'lesson' && r.mode) return;
      if (
        r.page === 'lesson' &&
        (e.key === 'PageDown' || e.key === 'n' || e.key === 'PageUp' || e.key === 'p')
      ) {
        e.preventDefault();
        const next = e.key === 'PageDown' || e.key === 'n' ? r.step + 1 : r.step - 1;
        const count = lessonSupport.lessons.find((l) => l.id === r.lessonId)?.steps.length ?? 0;
        if (next >= 0 && next < count) s.setRoute({ ...r, step: next });
        return;
      }
      if (e.key === ' ') {
        e.preventDefault();
        s.setPlaying(!s.playing && s.view.step < longest - 1);
      } else if (e.key === 'ArrowRight') {
        e.preventDefault();
        s.setStep(Math.min(s.view.step + 1, Math.max(0, longest - 1)));
      } else if (e.key === 'ArrowLeft') {
        e.preventDefault();
        s.setStep(s.view.step - 1);
      } else if (e.key === 'r' || e.key === 'R') {
        s.setPlaying(false);
        s.setStep(0);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, longest, lessonSupport]);

  const builtIn = scenarios.find((s) => s.id === view.scenarioId) ?? scenarios[0];
  const announce = shown
    .map((c) => {
      const hops = c === 'calico' ? calicoHops : ciliumHops;
      const p = c === 'calico' ? calico : cilium;
      const hop = hops?.[p.index];
      return hop
        ? `${c === 'calico' ? 'Calico' : 'Cilium'} hop ${p.index + 1} of ${hops.length}: ${stageWords(hop.stage)} at ${hop.node}, ${hop.where}.`
        : '';
    })
    .join(' ');

  if (route.page === 'lesson' && route.mode === 'speaker' && lesson) {
    return <SpeakerView lesson={lesson} route={route} />;
  }
  const presenting = route.page === 'lesson' && route.mode === 'present';

  return (
    <div className={`app-shell${presenting ? ' presenting' : ''}`}>
      {presenting && lesson && <PresenterOverlay lesson={lesson} route={route} />}
      <header className="app-header">
        <div>
          <h1>PacketWalk</h1>
          <p className="tagline">
            See the same packet walk through Calico and Cilium, hook by hook.
          </p>
        </div>
        <nav className="segmented" aria-label="Pages">
          <button
            type="button"
            aria-pressed={route.page === 'walk'}
            onClick={() => setRoute({ page: 'walk' })}
          >
            Visualizer
          </button>
          <button
            type="button"
            aria-pressed={route.page !== 'walk'}
            onClick={() => setRoute({ page: 'lessons' })}
          >
            Lessons
          </button>
        </nav>
        <div className="header-tools">
          <label>
            Scenario
            <select value={view.scenarioId} onChange={(e) => setScenario(e.target.value)}>
              {scenarios.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.title}
                </option>
              ))}
              {!scenarios.some((s) => s.id === view.scenarioId) && (
                <option value={view.scenarioId}>This lesson’s scenario</option>
              )}
            </select>
          </label>
          <div className="segmented" role="group" aria-label="Layout">
            {(['compare', 'calico', 'cilium'] as const).map((l) => (
              <button
                key={l}
                type="button"
                aria-pressed={view.layout === l}
                onClick={() => setLayout(l)}
              >
                {LAYOUT_LABEL[l]}
              </button>
            ))}
          </div>
          <div className="segmented" role="group" aria-label="Panels">
            {(['inspector', 'policies', 'matrix'] as const).map((p) => (
              <button
                key={p}
                type="button"
                aria-pressed={view.panels.includes(p)}
                onClick={() => togglePanel(p)}
              >
                {p === 'inspector' ? 'Inspector' : p === 'policies' ? 'Policies' : 'Matrix'}
              </button>
            ))}
          </div>
          <ThemeToggle />
        </div>
      </header>
      {notice && (
        <div className="notice" role="alert">
          <p>{notice}</p>
          <button type="button" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </div>
      )}
      {route.page === 'lessons' ? (
        <LessonList support={lessonSupport} />
      ) : (
        <div className={lesson ? 'with-lesson' : 'without-lesson'}>
          {lesson && route.page === 'lesson' && (
            <LessonPlayer
              lesson={lesson}
              step={route.step}
              stepView={lessonSupport.stepView(lesson, route.step)}
              hopIndex={(hops) => lessonSupport.hopIndex(lesson.steps[route.step]!, hops)}
              onAnswer={(stepId, answer, correct) =>
                lessonSupport.onAnswer?.(lesson.id, stepId, answer, correct)
              }
            />
          )}
          <div className="visualizer">
            <div className="toolbar">
              <Controls longest={longest} />
              <PacketComposer />
              <ModeSelects />
            </div>
            <div className={`workspace layout-${view.layout}`}>
              <main className="panels">
                {shown.map((c) => (
                  <ErrorBoundary key={c} name={c === 'calico' ? 'Calico' : 'Cilium'}>
                    <CniPanel cni={c} playback={c === 'calico' ? calico : cilium} />
                  </ErrorBoundary>
                ))}
              </main>
              {(view.panels.includes('policies') || view.panels.includes('matrix')) && (
                <aside className="side-panels">
                  {view.panels.includes('policies') && builtIn && (
                    <ErrorBoundary name="Policies">
                      <PoliciesPanel builtInText={builtIn.text} />
                    </ErrorBoundary>
                  )}
                  {view.panels.includes('matrix') && (
                    <ErrorBoundary name="Matrix">
                      <section className="side-panel" aria-labelledby="matrix-title">
                        <h2 id="matrix-title">Connectivity matrix</h2>
                        {shown.map((c, i) => (
                          <MatrixPanel key={c} cni={c} showPortSelect={i === 0} />
                        ))}
                      </section>
                    </ErrorBoundary>
                  )}
                </aside>
              )}
            </div>
          </div>
        </div>
      )}
      <p className="visually-hidden" aria-live="polite" data-testid="hop-announcer">
        {announce}
      </p>
      <footer className="app-footer">
        <EngineStatus />
        <AboutModel />
      </footer>
    </div>
  );
}
