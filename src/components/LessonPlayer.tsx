import { useEffect, useRef, type ReactNode } from 'react';
import type { Hop } from '../datapath/hop';
import type { LessonSummary } from '../lessons/progress';
import type { Lesson } from '../lessons/types';
import {
  selectLessonMode,
  selectWalks,
  useAppActions,
  useAppStore,
  type ViewState,
  selectViewButStep,
  useShallow,
  viewButStep,
  type ViewButStep,
} from '../store';
import { Checkpoint } from './Checkpoint';
import type { LessonSupport } from './lessonSupport';
import { Markdown } from './Markdown';
import { Questionnaire } from './Questionnaire';

export interface LessonPlayerProps {
  readonly lesson: Lesson;
  readonly step: number;
  /** The visualizer view the step sets (computed by the app). */
  readonly stepView: ViewState;
  /** The hop the step stops at in a walk. */
  readonly hopIndex: (hops: readonly Hop[]) => number;
  readonly onAnswer?: (stepId: string, answer: string, correct: boolean) => void;
  /** Presenter mode: the step as a caption strip under the picture, not a column. */
  readonly caption?: boolean;
  /** The lessons (for the next one), the stored answers and the lesson's summary. */
  readonly support?: Pick<LessonSupport, 'lessons' | 'summary' | 'checkpointProgress'>;
}

/** A step's own address (n 1-based), as the app's lesson routes write it. */
const stepHref = (lessonId: string, index: number) => `#/lessons/${lessonId}/${index + 1}`;

/** The step is the learner's own: a view is the step's view whatever hop it stops at. */
const sameView = (a: ViewButStep, b: ViewState): boolean =>
  JSON.stringify(a) === JSON.stringify(viewButStep(b));

/** One step of a lesson beside the live visualizer. */
export function LessonPlayer({
  lesson,
  step,
  stepView,
  hopIndex,
  onAnswer,
  caption = false,
  support,
}: LessonPlayerProps) {
  // Every field but the step (useShallow): stepping through the hops does not re-render the lesson.
  const view = useAppStore(useShallow(selectViewButStep));
  const walks = useAppStore(selectWalks);
  const setRoute = useAppActions().setRoute;
  const setView = useAppActions().setView;
  const setStep = useAppActions().setStep;
  const current = lesson.steps[step]!;
  const settled = useRef<string | null>(null);
  const setHighlight = useAppActions().setHighlight;
  const words = current.view.highlight;
  useEffect(() => {
    setHighlight(words ?? []);
  }, [words, setHighlight]);

  // Once the step's walks arrive, stop at the hop the step names (once: then the learner drives).
  const walk = view.layout === 'cilium' ? walks.cilium : walks.calico;
  useEffect(() => {
    const key = `${lesson.id}/${step}`;
    if (settled.current === key || !walk?.ok || !sameView(view, stepView)) return;
    settled.current = key;
    if (typeof current.view.hop === 'object') setStep(hopIndex(walk.result.hops));
  }, [walk, lesson.id, step, current, view, stepView, hopIndex, setStep]);

  const mode = useAppStore(selectLessonMode);
  const go = (to: number) =>
    setRoute({ page: 'lesson', lessonId: lesson.id, step: to, ...(mode ? { mode } : {}) });
  const last = step === lesson.steps.length - 1;
  if (caption) {
    return (
      <section className="lesson-caption" aria-labelledby="lesson-title">
        <p className="lesson-caption-head">
          <span id="lesson-title" className="visually-hidden">
            {lesson.title}
          </span>
          <span className="lesson-progress" data-testid="lesson-step">
            Step {step + 1} of {lesson.steps.length}
          </span>{' '}
          <strong className="step-title">{current.title}</strong>
        </p>
        <div className="lesson-caption-text">
          <Markdown text={current.text} />
        </div>
      </section>
    );
  }
  return (
    <aside className="lesson-pane" aria-labelledby="lesson-title">
      <div className="lesson-body">
        <p className="lesson-crumb">
          <button type="button" className="link" onClick={() => setRoute({ page: 'lessons' })}>
            Lessons
          </button>{' '}
          › Lesson {lesson.number}
        </p>
        <h2 id="lesson-title">{lesson.title}</h2>
        <p className="lesson-progress" data-testid="lesson-step">
          Step {step + 1} of {lesson.steps.length}
        </p>
        <h3 className="step-title">{current.title}</h3>
        <Markdown text={current.text} />
        {!sameView(view, stepView) && (
          <button type="button" onClick={() => setView(stepView)}>
            Back to the lesson view
          </button>
        )}
        {current.checkpoint && (
          <Checkpoint
            key={`${lesson.id}/${current.id}`}
            checkpoint={current.checkpoint}
            stored={support?.checkpointProgress?.(lesson.id, current.id)}
            onAnswer={(answer, correct) => onAnswer?.(current.id, answer, correct)}
          />
        )}
        {mode !== 'present' && (
          <p>
            <button
              type="button"
              className="link"
              onClick={() =>
                setRoute({ page: 'lesson', lessonId: lesson.id, step, mode: 'present' })
              }
            >
              Present this lesson
            </button>
          </p>
        )}
        {lesson.questionnaire && last && <Questionnaire data={lesson.questionnaire} />}
        {last && (
          <LessonEnd
            lesson={lesson}
            summary={support?.summary?.(lesson.id)}
            next={nextLesson(support?.lessons ?? [], lesson)}
            onStep={go}
            onLesson={(id) => setRoute({ page: 'lesson', lessonId: id, step: 0 })}
            onList={() => setRoute({ page: 'lessons' })}
          />
        )}
        {step === 0 && (
          <details className="lesson-intro" open>
            <summary>About this lesson</summary>
            <Markdown text={lesson.body} />
          </details>
        )}
      </div>
      {/* Last in the pane and sticky: always on screen, however long the step. */}
      <nav className="lesson-nav" aria-label="Lesson steps">
        <button type="button" onClick={() => go(step - 1)} disabled={step === 0}>
          Previous step
        </button>
        <button type="button" onClick={() => go(step + 1)} disabled={last}>
          Next step
        </button>
      </nav>
    </aside>
  );
}

/** The lesson after this one in the list, if any. */
function nextLesson(lessons: readonly Lesson[], lesson: Lesson): Lesson | undefined {
  const i = lessons.findIndex((l) => l.id === lesson.id);
  return i < 0 ? undefined : lessons[i + 1];
}

/** A link that follows the app's route on a plain click and keeps its address for a new tab. */
function RouteLink({
  href,
  onFollow,
  children,
}: {
  href: string;
  onFollow: () => void;
  children: ReactNode;
}) {
  return (
    <a
      href={href}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        onFollow();
      }}
    >
      {children}
    </a>
  );
}

/** The end of a lesson: where the learner stands, the checkpoints left, and where to go next. */
function LessonEnd({
  lesson,
  summary,
  next,
  onStep,
  onLesson,
  onList,
}: {
  lesson: Lesson;
  summary: LessonSummary | undefined;
  next: Lesson | undefined;
  onStep: (index: number) => void;
  onLesson: (id: string) => void;
  onList: () => void;
}) {
  const left = summary?.checkpointsLeft ?? [];
  return (
    <section className="lesson-end" aria-labelledby="lesson-end-title">
      <h3 id="lesson-end-title">End of the lesson</h3>
      {summary && (
        <p data-testid="lesson-summary">
          Steps visited: {summary.stepsVisited} of {summary.steps}
          {summary.checkpoints > 0 &&
            ` · checkpoints right: ${summary.checkpointsCorrect} of ${summary.checkpoints}`}
          {summary.status === 'done' ? ' · done' : ''}
        </p>
      )}
      {left.length > 0 ? (
        <>
          <p>
            To finish the lesson, answer{' '}
            {left.length === 1 ? 'this checkpoint' : `these ${left.length} checkpoints`} correctly:
          </p>
          <ul className="checkpoints-left" aria-label="Checkpoints left">
            {left.map((i) => (
              <li key={i}>
                <RouteLink href={stepHref(lesson.id, i)} onFollow={() => onStep(i)}>
                  Step {i + 1}: {lesson.steps[i]?.title}
                </RouteLink>
              </li>
            ))}
          </ul>
        </>
      ) : (
        summary?.status === 'done' &&
        summary.checkpoints > 0 && <p>Every checkpoint is answered correctly.</p>
      )}
      <p className="lesson-end-links">
        {next && (
          <RouteLink href={stepHref(next.id, 0)} onFollow={() => onLesson(next.id)}>
            Next lesson: {next.number}. {next.title}
          </RouteLink>
        )}
        <RouteLink href="#/lessons" onFollow={onList}>
          All lessons
        </RouteLink>
      </p>
    </section>
  );
}
