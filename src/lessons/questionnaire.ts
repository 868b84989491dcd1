/**
 * Scoring lesson 13's questionnaire: the points of the chosen options, per CNI, and the reasons.
 */
import type { Cni, Questionnaire } from './types';

export interface Recommendation {
  readonly scores: Readonly<Record<Cni, number>>;
  /** The CNI with more points, or null for a tie (it depends on what matters most to you). */
  readonly pick: Cni | null;
  /** The reasons of the chosen options that gave points, most points first. */
  readonly reasons: readonly { readonly cni: Cni; readonly why: string }[];
  readonly answered: number;
}

/** `answers` maps question id to the chosen option's index. */
export function recommend(
  q: Questionnaire,
  answers: Readonly<Record<string, number>>,
): Recommendation {
  const scores: Record<Cni, number> = { calico: 0, cilium: 0 };
  const reasons: { cni: Cni; why: string; points: number }[] = [];
  let answered = 0;
  for (const question of q.questions) {
    const option = question.options[answers[question.id] ?? -1];
    if (!option) continue;
    answered++;
    scores.calico += option.points.calico;
    scores.cilium += option.points.cilium;
    const gap = option.points.calico - option.points.cilium;
    if (gap !== 0)
      reasons.push({ cni: gap > 0 ? 'calico' : 'cilium', why: option.why, points: Math.abs(gap) });
  }
  reasons.sort((a, b) => b.points - a.points);
  const pick =
    scores.calico === scores.cilium ? null : scores.calico > scores.cilium ? 'calico' : 'cilium';
  return { scores, pick, reasons: reasons.map(({ cni, why }) => ({ cni, why })), answered };
}
