import { useMemo } from 'react';
import type { Prediction } from '../lessons/challenge';
import type { CheckpointProgress } from '../lessons/progress';
import type { Checkpoint } from '../lessons/types';
import { selectWalks, useAppStore } from '../store';
import { ChallengeQuiz, okWalks, useChallengeQuiz, type Predictions } from './ChallengeQuiz';
import { Markdown } from './Markdown';

type ChallengeData = Extract<Checkpoint, { kind: 'challenge' }>;

/** A stored answer is the prediction as JSON; anything else (an older answer) is not restored. */
function readPrediction(stored: CheckpointProgress | undefined): Predictions | null {
  if (!stored) return null;
  try {
    const data: unknown = JSON.parse(stored.answered);
    if (typeof data !== 'object' || data === null) return null;
    const out: Predictions = {};
    for (const cni of ['calico', 'cilium'] as const) {
      const p = (data as Record<string, unknown>)[cni];
      if (typeof p !== 'object' || p === null) continue;
      const { verdict, hop } = p as Record<string, unknown>;
      const one: { -readonly [K in keyof Prediction]: Prediction[K] } = {};
      if (verdict === 'delivered' || verdict === 'dropped') one.verdict = verdict;
      if (typeof hop === 'string') one.hop = hop;
      out[cni] = one;
    }
    return out;
  } catch {
    return null;
  }
}

/**
 * A lesson's challenge checkpoint: the step's packet, predicted per CNI (verdict and deciding hop)
 * and graded against the walks the step shows. The answers are the models'; lessons:check proves
 * the step has a packet and that each walk has an answer to ask for.
 */
export function ChallengeCheckpoint({
  checkpoint,
  stored,
  onAnswer,
}: {
  checkpoint: ChallengeData;
  stored?: CheckpointProgress;
  onAnswer?: (answer: string, correct: boolean) => void;
}) {
  const all = useAppStore(selectWalks);
  const walks = useMemo(() => okWalks(all, checkpoint.cnis), [all, checkpoint.cnis]);
  const { quiz } = useChallengeQuiz(walks, readPrediction(stored), (g, prediction) =>
    onAnswer?.(JSON.stringify(prediction), g.score === g.of),
  );
  const ready = checkpoint.cnis.every((c) => walks[c]);
  const grade = quiz.grade;
  return (
    <section className="checkpoint challenge-checkpoint" aria-labelledby="checkpoint-question">
      <h3 id="checkpoint-question">{checkpoint.question}</h3>
      {ready ? (
        <ChallengeQuiz
          id="checkpoint-challenge"
          cnis={checkpoint.cnis}
          seed={checkpoint.seed}
          {...quiz}
        />
      ) : (
        <p role="status">Walking the packet…</p>
      )}
      {grade && grade.score === grade.of && <Markdown text={checkpoint.explanation} />}
    </section>
  );
}
