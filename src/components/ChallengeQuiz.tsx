import { useMemo, useState } from 'react';
import type { WalkResult, WalkVerdict } from '../datapath/walk';
import type { Cni } from '../engine/model';
import type { WalkOutcome } from '../store';
import {
  gradeChallenge,
  hopChoices,
  type ChallengeGrade,
  type HopChoice,
  type Prediction,
} from '../lessons/challenge';
import { CNI_TITLE, stagePhrase } from '../scene/words';
import './Challenge.css';

export type Predictions = Partial<Record<Cni, Prediction>>;

export interface ChallengeQuizProps {
  /** Distinguishes the radio groups of two quizzes on one page. */
  readonly id: string;
  readonly cnis: readonly Cni[];
  /** The walks of the challenge's packet, as the models computed them. */
  readonly walks: Partial<Record<Cni, WalkResult>>;
  /** Shuffles the hop choices (the same seed, the same order). */
  readonly seed: number;
  readonly prediction: Predictions;
  readonly onPredict: (prediction: Predictions) => void;
  /** The grade once checked; the quiz then shows the answers and the walk. */
  readonly grade: ChallengeGrade | null;
  readonly onCheck: () => void;
  readonly onRetry: () => void;
  /** Stands the visualizer at a hop (a click on the revealed walk). */
  readonly onGoTo?: (cni: Cni, hopIndex: number) => void;
}

/** The walks that came out, of the CNIs asked (a walk that failed is left out). */
export function okWalks(
  outcomes: Partial<Record<Cni, WalkOutcome>>,
  cnis: readonly Cni[],
): Partial<Record<Cni, WalkResult>> {
  const out: Partial<Record<Cni, WalkResult>> = {};
  for (const c of cnis) {
    const w = outcomes[c];
    if (w?.ok) out[c] = w.result;
  }
  return out;
}

/**
 * The state of one challenge's quiz (the prediction, checked or not, the grade), as the props
 * ChallengeQuiz takes; `onGraded` hears each check's grade with the prediction it graded.
 */
export function useChallengeQuiz(
  walks: Partial<Record<Cni, WalkResult>>,
  initial: Predictions | null,
  onGraded?: (grade: ChallengeGrade, prediction: Predictions) => void,
) {
  const [prediction, setPrediction] = useState<Predictions>(initial ?? {});
  const [checked, setChecked] = useState(initial !== null);
  const grade = useMemo(
    () => (checked ? gradeChallenge(prediction, walks) : null),
    [checked, prediction, walks],
  );
  return {
    checked,
    quiz: {
      walks,
      prediction,
      onPredict: setPrediction,
      grade,
      onCheck: () => {
        setChecked(true);
        onGraded?.(gradeChallenge(prediction, walks), prediction);
      },
      onRetry: () => setChecked(false),
    },
  };
}

const VERDICT_WORD: Record<WalkVerdict, string> = { delivered: 'Delivered', dropped: 'Dropped' };

const where = (c: HopChoice): string =>
  c.stage === 'dropped' || c.stage === 'delivered'
    ? `on ${c.node}`
    : `${stagePhrase(c.stage)} on ${c.node}`;

const mark = (right: boolean | null | undefined) =>
  right === undefined || right === null ? null : (
    <span className={`challenge-mark ${right ? 'right' : 'wrong'}`}>
      {right ? '✓ right' : '✗ wrong'}
    </span>
  );

/**
 * The predictions of a challenge, per CNI: delivered or dropped, and the hop that decides it. Once
 * checked it marks each part, names the models' answer and shows the walk with the deciding hop
 * highlighted.
 */
export function ChallengeQuiz(props: ChallengeQuizProps) {
  const { id, cnis, walks, seed, prediction, onPredict, grade, onCheck, onRetry } = props;
  const choices = useMemo(
    () => Object.fromEntries(cnis.map((c) => [c, hopChoices(walks, c, seed)])),
    [cnis, walks, seed],
  ) as Record<Cni, HopChoice[]>;
  const complete = cnis.every(
    (c) =>
      prediction[c]?.verdict !== undefined &&
      (choices[c].length === 0 || prediction[c]?.hop !== undefined),
  );
  const set = (cni: Cni, part: Prediction) =>
    onPredict({ ...prediction, [cni]: { ...prediction[cni], ...part } });
  return (
    <div className="challenge-quiz" data-testid="challenge-quiz">
      {/* One live region, always here: the grade is announced, and "Try again" sits beside it. */}
      <div className={`challenge-actions top${grade ? ' graded' : ''}`}>
        {grade && (
          <button type="button" onClick={onRetry}>
            Try again
          </button>
        )}
        <p role="status" aria-live="polite" className="challenge-result">
          {grade
            ? `${grade.score} of ${grade.of} right${grade.score === grade.of ? ': every part!' : '.'}`
            : ''}
        </p>
      </div>
      <div className="challenge-cnis">
        {cnis.map((cni) => {
          const g = grade?.perCni[cni];
          const p = prediction[cni] ?? {};
          return (
            <fieldset key={cni} className={`challenge-cni ${cni}`} data-cni={cni}>
              <legend>{CNI_TITLE[cni]}</legend>
              <fieldset className="challenge-part">
                <legend>Will it be delivered? {mark(g?.verdictCorrect)}</legend>
                <div className="challenge-verdicts">
                  {(['delivered', 'dropped'] as const).map((v) => (
                    <label
                      key={v}
                      className={`challenge-choice${g && g.answer.verdict === v ? ' answer' : ''}`}
                    >
                      <input
                        type="radio"
                        name={`${id}-${cni}-verdict`}
                        value={v}
                        checked={p.verdict === v}
                        disabled={grade !== null}
                        onChange={() => set(cni, { verdict: v })}
                      />
                      {VERDICT_WORD[v]}
                    </label>
                  ))}
                </div>
              </fieldset>
              {choices[cni].length > 0 && (
                <fieldset className="challenge-part">
                  <legend>Where is that decided? {mark(g?.hopCorrect)}</legend>
                  {choices[cni].map((c) => (
                    <label
                      key={c.key}
                      className={`challenge-choice hop${g?.answer.hop?.key === c.key ? ' answer' : ''}`}
                    >
                      <input
                        type="radio"
                        name={`${id}-${cni}-hop`}
                        value={c.key}
                        checked={p.hop === c.key}
                        disabled={grade !== null}
                        onChange={() => set(cni, { hop: c.key })}
                      />
                      <span>
                        <code>{c.table}</code>
                        <small>{where(c)}</small>
                      </span>
                    </label>
                  ))}
                </fieldset>
              )}
              {g && walks[cni] && (
                <RevealedWalk
                  cni={cni}
                  result={walks[cni]}
                  decided={g.answer.hopIndex}
                  {...(props.onGoTo ? { onGoTo: props.onGoTo } : {})}
                />
              )}
            </fieldset>
          );
        })}
      </div>
      {grade === null && (
        <div className="challenge-actions">
          <button type="button" className="primary" disabled={!complete} onClick={onCheck}>
            Check my prediction
          </button>
          {!complete && <p className="challenge-hint">Answer every part, then check.</p>}
        </div>
      )}
    </div>
  );
}

/** The walk as the models took it, the deciding hop highlighted; a click stands the picture there. */
function RevealedWalk({
  cni,
  result,
  decided,
  onGoTo,
}: {
  cni: Cni;
  result: WalkResult;
  decided: number;
  onGoTo?: (cni: Cni, hopIndex: number) => void;
}) {
  return (
    <div className="challenge-walk">
      <p>
        The {CNI_TITLE[cni]} walk: <strong>{result.verdict}</strong>
        {result.dropReason ? ` (${result.dropReason})` : ''}
      </p>
      <ol>
        {result.hops.map((h, i) => (
          <li
            key={i}
            className={i === decided ? 'deciding' : undefined}
            aria-current={i === decided ? 'step' : undefined}
          >
            <button type="button" className="link" onClick={() => onGoTo?.(cni, i)}>
              {stagePhrase(h.stage)} · {h.node}
              {h.table ? (
                <>
                  {' '}
                  · <code>{h.table}</code>
                </>
              ) : null}
            </button>
            {i === decided && <span className="challenge-decided"> decided here</span>}
          </li>
        ))}
      </ol>
    </div>
  );
}
