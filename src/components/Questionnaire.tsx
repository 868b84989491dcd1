import { useState } from 'react';
import { recommend } from '../lessons/questionnaire';
import type { Questionnaire as QuestionnaireData } from '../lessons/types';
import { CNI_TITLE } from '../scene/words';

/** The decision matrix as questions: a recommendation that updates with each answer, and why. */
export function Questionnaire({ data }: { data: QuestionnaireData }) {
  const [answers, setAnswers] = useState<Record<string, number>>({});
  const r = recommend(data, answers);
  return (
    <section className="questionnaire" aria-labelledby="questionnaire-title">
      <h3 id="questionnaire-title">{data.title}</h3>
      {data.questions.map((q) => (
        <fieldset key={q.id}>
          <legend>{q.question}</legend>
          {q.options.map((o, i) => (
            <label key={o.label} className="checkpoint-choice">
              <input
                type="radio"
                name={`q-${q.id}`}
                checked={answers[q.id] === i}
                onChange={() => setAnswers((a) => ({ ...a, [q.id]: i }))}
              />
              {o.label}
            </label>
          ))}
        </fieldset>
      ))}
      <div role="status" aria-live="polite" className="recommendation" data-testid="recommendation">
        {r.answered === 0 ? (
          <p>Answer the questions to see a recommendation.</p>
        ) : (
          <>
            <p>
              <strong>
                {r.pick
                  ? `Leaning ${CNI_TITLE[r.pick]}`
                  : 'It depends: your answers point both ways'}
              </strong>{' '}
              (Calico {r.scores.calico} · Cilium {r.scores.cilium}, {r.answered} of{' '}
              {data.questions.length} answered).
            </p>
            {r.reasons.length > 0 && (
              <ul>
                {r.reasons.map((reason) => (
                  <li key={reason.why}>
                    <strong>{CNI_TITLE[reason.cni]}:</strong> {reason.why}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </div>
    </section>
  );
}
