/**
 * Where one CNI panel's packet stands: the timeline's shared step (the one clock, machines/
 * timeline.ts), clamped to this panel's walk. A pure function of the hops and the step, so a shorter
 * walk simply waits at its last hop while the longer one plays on.
 */
import { useMemo } from 'react';
import type { Hop } from '../datapath/hop';
import { positionAt, type HopPosition } from '../machines/stage';
import { useTimelineSelector } from '../store';

const NO_HOPS: readonly Hop[] = [];

export type PanelPlayback = HopPosition;

export function usePanelPlayback(hops: readonly Hop[] | undefined): PanelPlayback {
  const step = useTimelineSelector((s) => s.context.step);
  return useMemo(() => positionAt(hops ?? NO_HOPS, step), [hops, step]);
}
