import { useEffect, useRef } from 'react';
import type { Hop } from '../datapath/hop';
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
}

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
          onAnswer={(answer, correct) => onAnswer?.(current.id, answer, correct)}
        />
      )}
      <p>
        <button
          type="button"
          className="link"
          onClick={() => setRoute({ page: 'lesson', lessonId: lesson.id, step, mode: 'present' })}
        >
          Present this lesson
        </button>
      </p>
      {lesson.questionnaire && step === lesson.steps.length - 1 && (
        <Questionnaire data={lesson.questionnaire} />
      )}
      <nav className="lesson-nav" aria-label="Lesson steps">
        <button type="button" onClick={() => go(step - 1)} disabled={step === 0}>
          Previous step
        </button>
        <button
          type="button"
          onClick={() => go(step + 1)}
          disabled={step >= lesson.steps.length - 1}
        >
          Next step
        </button>
      </nav>
      {step === 0 && (
        <details className="lesson-intro" open>
          <summary>About this lesson</summary>
          <Markdown text={lesson.body} />
        </details>
      )}
    </aside>
  );
}
