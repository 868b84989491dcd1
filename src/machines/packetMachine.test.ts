import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import type { Hop, Stage } from '../datapath/hop';
import { place } from '../datapath/place';
import { packetMachine } from './packetMachine';
import { positionAt, stageAt } from './stage';

const hop = (stage: Stage): Hop => ({
  stage,
  node: 'node-1',
  place: place.node('node-1'),
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
    expect(snapshot.value).toBe('in-pod');
  });

  it('names the stage of the current hop at every step and ends tagged final', () => {
    let [snapshot] = initialTransition(packetMachine, { hops: walk });
    for (let i = 1; i < walk.length; i++) {
      [snapshot] = transition(packetMachine, snapshot, { type: 'STEP' });
      expect(snapshot.context.index).toBe(i);
      expect(snapshot.matches(walk[i]!.stage)).toBe(true);
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
    expect(snapshot.matches('delivered')).toBe(true);
    [snapshot] = transition(packetMachine, snapshot, { type: 'RESET' });
    expect(snapshot.context.index).toBe(0);
    expect(snapshot.matches('in-pod')).toBe(true);
  });

  it('keeps the position when a new walk is loaded and it still exists', () => {
    let [snapshot] = initialTransition(packetMachine, { hops: walk, index: 3 });
    const dropped = [hop('in-pod'), hop('egress-hook'), hop('dropped')];
    [snapshot] = transition(packetMachine, snapshot, { type: 'LOAD', hops: dropped });
    expect(snapshot.context.index).toBe(2);
    expect(snapshot.matches('dropped')).toBe(true);
  });

  it('places a panel at the shared step: clamped to its walk, final at its end', () => {
    expect(positionAt(walk, 2)).toEqual({ index: 2, stage: 'routing', final: false });
    // A shorter walk waits at its last hop while the longer one goes on.
    expect(positionAt(walk, 40)).toEqual({ index: 5, stage: 'delivered', final: true });
    expect(positionAt([], 3)).toEqual({ index: 0, stage: 'in-pod', final: false });
    expect(stageAt(walk, -1)).toBe('in-pod');
  });
});
