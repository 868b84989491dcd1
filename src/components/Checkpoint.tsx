import { useState } from 'react';
import type { Checkpoint as CheckpointData } from '../lessons/types';
import { stagePhrase } from '../scene/words';

const label = (cp: CheckpointData, choice: string): string =>
  cp.kind === 'next-hook' ? stagePhrase(choice) : choice;

/** A question with immediate feedback; the answers are proven right by the lessons' replay test. */
export function Checkpoint({
  checkpoint,
  onAnswer,
}: {
  checkpoint: CheckpointData;
  onAnswer?: (answer: string, correct: boolean) => void;
}) {
  const choices =
    checkpoint.kind === 'predict-verdict' ? ['delivered', 'dropped'] : checkpoint.choices;
  const [chosen, setChosen] = useState<string | null>(null);
  const [checked, setChecked] = useState<string | null>(null);
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
            {label(checkpoint, c)}
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
        {checked !== null &&
          (correct ? (
            <p>
              <span aria-hidden="true">✓ </span>Right. {checkpoint.explanation}
            </p>
          ) : (
            <p>
              <span aria-hidden="true">✗ </span>Not quite: “{label(checkpoint, checked)}” is not it.
              Look at the walk and try again.
            </p>
          ))}
      </div>
    </section>
  );
}
