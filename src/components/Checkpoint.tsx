import { useState } from 'react';
import type { CheckpointProgress } from '../lessons/progress';
import type { Checkpoint as CheckpointData } from '../lessons/types';
import { stagePhrase } from '../scene/words';
import { ChallengeCheckpoint } from './ChallengeCheckpoint';
import { Markdown } from './Markdown';

export interface CheckpointProps {
  readonly checkpoint: CheckpointData;
  /** The learner's stored answer: shown checked, with its feedback, as when it was given. */
  readonly stored?: CheckpointProgress;
  readonly onAnswer?: (answer: string, correct: boolean) => void;
}

/**
 * A step's checkpoint: the one place that picks the component for a checkpoint's kind. A new kind
 * adds its case here with a component of its own; until then it renders nothing.
 */
export function Checkpoint(props: CheckpointProps) {
  const { checkpoint } = props;
  switch (checkpoint.kind) {
    case 'predict-verdict':
    case 'next-hook':
    case 'deciding-table':
      return <ChoiceCheckpoint {...props} checkpoint={checkpoint} />;
    case 'challenge':
      return <ChallengeCheckpoint {...props} checkpoint={checkpoint} />;
    default:
      return null;
  }
}

type ChoiceData = Extract<
  CheckpointData,
  { kind: 'predict-verdict' | 'next-hook' | 'deciding-table' }
>;

const choicesOf = (cp: ChoiceData): readonly string[] =>
  cp.kind === 'predict-verdict' ? ['delivered', 'dropped'] : cp.choices;

const label = (cp: ChoiceData, choice: string): string =>
  cp.kind === 'next-hook' ? stagePhrase(choice) : choice;

/** A Markdown code span holding `text` whatever backticks it contains (CommonMark's rule). */
function codeSpan(text: string): string {
  const runs = text.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** What the learner is told after a wrong answer, in Markdown (a table name reads as code). */
export function wrongFeedback(cp: ChoiceData, answer: string): string {
  const said = cp.kind === 'deciding-table' ? codeSpan(answer) : `“${label(cp, answer)}”`;
  return `${said} is not it. Look at the walk and try again.`;
}

/** A question with choices and immediate feedback; the answers are proven by the replay test. */
function ChoiceCheckpoint({
  checkpoint,
  stored,
  onAnswer,
}: CheckpointProps & {
  checkpoint: ChoiceData;
}) {
  const choices = choicesOf(checkpoint);
  // A stored answer that is no longer a choice (the lesson changed) is not shown.
  const restored = stored && choices.includes(stored.answered) ? stored.answered : null;
  const [chosen, setChosen] = useState<string | null>(restored);
  const [checked, setChecked] = useState<string | null>(restored);
  const correct = checked !== null && checked === checkpoint.answer;
  return (
    <section className="checkpoint" aria-labelledby="checkpoint-question">
      <h3 id="checkpoint-question">{checkpoint.question}</h3>
      <fieldset>
        <legend className="visually-hidden">Your answer</legend>
        {choices.map((c) => (
          <label key={c} className="checkpoint-choice">
            <input
              type="radio"
              name="checkpoint"
              value={c}
              checked={chosen === c}
              onChange={() => setChosen(c)}
            />
            {checkpoint.kind === 'deciding-table' ? <code>{c}</code> : label(checkpoint, c)}
          </label>
        ))}
      </fieldset>
      <button
        type="button"
        disabled={chosen === null}
        onClick={() => {
          setChecked(chosen);
          if (chosen !== null) onAnswer?.(chosen, chosen === checkpoint.answer);
        }}
      >
        Check answer
      </button>
      <div
        role="status"
        aria-live="polite"
        className={`checkpoint-feedback ${checked === null ? '' : correct ? 'right' : 'wrong'}`}
      >
        {checked !== null && (
          <>
            <p className="checkpoint-verdict">
              <span aria-hidden="true">{correct ? '✓ ' : '✗ '}</span>
              {correct ? 'Right.' : 'Not quite.'}
            </p>
            <Markdown
              text={correct ? checkpoint.explanation : wrongFeedback(checkpoint, checked)}
            />
          </>
        )}
      </div>
    </section>
  );
}
