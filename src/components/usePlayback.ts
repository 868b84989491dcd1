/**
 * One packet-lifecycle actor per CNI panel, kept in step by the shared step of the view: each actor
 * stands at that step, clamped to its own walk, so the snapshot of each says where its packet is.
 * Playback advances the shared step on a timer at the chosen speed until both walks have ended.
 */
import { useActorRef, useSelector } from '@xstate/react';
import { useEffect } from 'react';
import type { Hop, Stage } from '../datapath/hop';
import { BASE_STEP_MS, packetMachine } from '../machines/packetMachine';
import { useAppStore } from '../store';

const NO_HOPS: readonly Hop[] = [];

export interface PanelPlayback {
  readonly index: number;
  readonly stage: Stage;
  readonly final: boolean;
}

/** The lifecycle actor of one panel, following the shared step. */
export function usePanelActor(hops: readonly Hop[] | undefined, step: number): PanelPlayback {
  const actor = useActorRef(packetMachine, { input: { hops: hops ?? NO_HOPS } });
  useEffect(() => {
    actor.send({ type: 'LOAD', hops: hops ?? NO_HOPS });
  }, [actor, hops]);
  useEffect(() => {
    actor.send({ type: 'JUMP', index: step });
  }, [actor, step, hops]);
  const index = useSelector(actor, (s) => s.context.index);
  const stage = useSelector(actor, (s) => (s.value as { stage: Stage }).stage);
  const final = useSelector(actor, (s) => s.hasTag('final'));
  return { index, stage, final };
}

/** Advances the shared step while playing; stops at the end of the longer walk. */
export function usePlaybackClock(longest: number): void {
  const playing = useAppStore((s) => s.playing);
  const speed = useAppStore((s) => s.speed);
  const step = useAppStore((s) => s.view.step);
  const setStep = useAppStore((s) => s.setStep);
  const setPlaying = useAppStore((s) => s.setPlaying);
  useEffect(() => {
    if (!playing) return;
    if (step >= longest - 1) {
      setPlaying(false);
      return;
    }
    const timer = setTimeout(() => setStep(step + 1), BASE_STEP_MS / speed);
    return () => clearTimeout(timer);
  }, [playing, speed, step, longest, setStep, setPlaying]);
}
