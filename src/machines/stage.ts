/**
 * Where one CNI's packet stands at the shared step of the timeline: a pure function of its hops and
 * the step, so every panel, the lifecycle machine and the tests read the same answer.
 */
import { isFinalStage, type Hop, type Stage } from '../datapath/hop';

export interface HopPosition {
  /** The hop shown: the step, clamped to this walk (a shorter walk waits at its last hop). */
  readonly index: number;
  readonly stage: Stage;
  /** The walk has ended here (delivered or dropped). */
  readonly final: boolean;
}

export const hopIndexAt = (hops: readonly Hop[], step: number): number =>
  Math.max(0, Math.min(hops.length - 1, Math.trunc(step)));

/** The stage of the hop at the step; an empty walk sits in the pod. */
export const stageAt = (hops: readonly Hop[], step: number): Stage =>
  hops[hopIndexAt(hops, step)]?.stage ?? 'in-pod';

export function positionAt(hops: readonly Hop[], step: number): HopPosition {
  const index = hopIndexAt(hops, step);
  const stage = stageAt(hops, step);
  return { index, stage, final: isFinalStage(stage) };
}
