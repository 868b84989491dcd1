import type { LessonStep } from '../lessons/types';
import { Markdown } from './Markdown';

/**
 * The speaker view's notes for one step: the step's own text as the room reads it, then the notes
 * of notes.yaml in four parts (point at, say, ask the room, and the answer behind a disclosure, so
 * the presenter can ask before reading it). All Markdown goes through the sanitising renderer.
 */
export function SpeakerNotes({ step }: { step: LessonStep }) {
  const notes = step.notes;
  return (
    <>
      <section aria-labelledby="step-text-title" className="speaker-step-text">
        <h2 id="step-text-title">On screen</h2>
        <Markdown text={step.text} />
      </section>
      <section aria-labelledby="notes-title" className="speaker-notes" data-testid="speaker-notes">
        <h2 id="notes-title">Notes</h2>
        {notes ? (
          <dl>
            <dt>Point at</dt>
            <dd>
              <Markdown text={notes.point} />
            </dd>
            <dt>Say</dt>
            <dd>
              <Markdown text={notes.say} />
            </dd>
            <dt>Ask the room</dt>
            <dd>
              <Markdown text={notes.ask} />
            </dd>
            <dt>Answer</dt>
            <dd>
              {/* Keyed by step: each step's answer starts hidden. */}
              <details key={step.id} data-testid="speaker-answer">
                <summary>Show answer</summary>
                <Markdown text={notes.answer} />
              </details>
            </dd>
          </dl>
        ) : (
          <p>
            <em>No notes for this step.</em>
          </p>
        )}
      </section>
    </>
  );
}
