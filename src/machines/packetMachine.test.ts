import { describe, expect, it, vi } from 'vitest';
import { createActor, initialTransition, transition } from 'xstate';
import type { Hop, Stage } from '../datapath/hop';
import { BASE_STEP_MS, packetMachine } from './packetMachine';

const hop = (stage: Stage): Hop => ({
  stage,
  node: 'node-1',
  where: stage,
  headers: [],
  cost: { rules: 0, lookups: 0 },
  explanation: '',
});

const walk = (
  ['in-pod', 'egress-hook', 'routing', 'wire', 'ingress-hook', 'delivered'] as const
).map(hop);

describe('packetMachine', () => {
  it('starts in the stage of the first hop', () => {
    const [snapshot] = initialTransition(packetMachine, { hops: walk });
    expect(snapshot.value).toEqual({ stage: 'in-pod', playback: 'paused' });
  });

  it('names the stage of the current hop at every step and ends tagged final', () => {
    let [snapshot] = initialTransition(packetMachine, { hops: walk });
    for (let i = 1; i < walk.length; i++) {
      [snapshot] = transition(packetMachine, snapshot, { type: 'STEP' });
      expect(snapshot.context.index).toBe(i);
      expect(snapshot.matches({ stage: walk[i]!.stage })).toBe(true);
    }
    expect(snapshot.hasTag('final')).toBe(true);
    // Stepping past the end changes nothing.
    const [after] = transition(packetMachine, snapshot, { type: 'STEP' });
    expect(after.value).toEqual(snapshot.value);
    expect(after.context.index).toBe(walk.length - 1);
  });

  it('returns to the same snapshot after step then step back', () => {
    const [start] = initialTransition(packetMachine, { hops: walk, index: 2 });
    const [stepped] = transition(packetMachine, start, { type: 'STEP' });
    const [back] = transition(packetMachine, stepped, { type: 'BACK' });
    expect(back.value).toEqual(start.value);
    expect(back.context).toEqual(start.context);
  });

  it('jumps, clamping to the walk, and resets to the first hop', () => {
    let [snapshot] = initialTransition(packetMachine, { hops: walk });
    [snapshot] = transition(packetMachine, snapshot, { type: 'JUMP', index: 99 });
    expect(snapshot.matches({ stage: 'delivered' })).toBe(true);
    [snapshot] = transition(packetMachine, snapshot, { type: 'RESET' });
    expect(snapshot.context.index).toBe(0);
    expect(snapshot.matches({ stage: 'in-pod' })).toBe(true);
  });

  it('keeps the position when a new walk is loaded and it still exists', () => {
    let [snapshot] = initialTransition(packetMachine, { hops: walk, index: 3 });
    const dropped = [hop('in-pod'), hop('egress-hook'), hop('dropped')];
    [snapshot] = transition(packetMachine, snapshot, { type: 'LOAD', hops: dropped });
    expect(snapshot.context.index).toBe(2);
    expect(snapshot.matches({ stage: 'dropped' })).toBe(true);
  });

  it('plays to the end at the chosen speed, then pauses', () => {
    vi.useFakeTimers();
    try {
      const actor = createActor(packetMachine, { input: { hops: walk } }).start();
      actor.send({ type: 'SET_SPEED', speed: 2 });
      actor.send({ type: 'PLAY' });
      expect(actor.getSnapshot().matches({ playback: 'playing' })).toBe(true);
      vi.advanceTimersByTime(BASE_STEP_MS / 2);
      expect(actor.getSnapshot().context.index).toBe(1);
      vi.advanceTimersByTime((BASE_STEP_MS / 2) * 10);
      const end = actor.getSnapshot();
      expect(end.context.index).toBe(walk.length - 1);
      expect(end.matches({ playback: 'paused', stage: 'delivered' })).toBe(true);
      actor.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
