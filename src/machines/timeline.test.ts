import { afterEach, describe, expect, it, vi } from 'vitest';
import { createActor, fromCallback, initialTransition, transition } from 'xstate';
import {
  BASE_STEP_MS,
  hopDuration,
  MAX_SPEED,
  MIN_SPEED,
  timelineMachine,
  type TimelineEvent,
  type TimelineInput,
} from './timeline';

const start = (input: TimelineInput) => initialTransition(timelineMachine, input)[0];
const send = (snapshot: ReturnType<typeof start>, ...events: TimelineEvent[]) =>
  events.reduce((s, e) => transition(timelineMachine, s, e)[0], snapshot);

describe('timeline (transitions)', () => {
  it('steps forward to the last hop and back to the first, never past either', () => {
    let s = start({ maxStep: 2 });
    expect(s.value).toBe('paused');
    s = send(s, { type: 'STEP' }, { type: 'STEP' }, { type: 'STEP' });
    expect(s.context.step).toBe(2);
    expect(s.can({ type: 'STEP' })).toBe(false);
    s = send(s, { type: 'BACK' }, { type: 'BACK' }, { type: 'BACK' });
    expect(s.context.step).toBe(0);
    expect(s.can({ type: 'BACK' })).toBe(false);
  });

  it('goes to a step, clamped to the walk; SET_LENGTH clamps the step it stands at', () => {
    let s = start({ maxStep: 9 });
    s = send(s, { type: 'GO_TO', step: 99 });
    expect(s.context.step).toBe(9);
    s = send(s, { type: 'GO_TO', step: -3 });
    expect(s.context.step).toBe(0);
    s = send(s, { type: 'GO_TO', step: 6.7 }, { type: 'SET_LENGTH', maxStep: 4 });
    expect(s.context).toMatchObject({ step: 4, maxStep: 4 });
    s = send(s, { type: 'SET_LENGTH', maxStep: 12 });
    expect(s.context.step).toBe(4);
  });

  it('keeps a step asked for while no walk is known, and clamps it when the length arrives', () => {
    let s = start({ step: 20 });
    expect(s.context).toMatchObject({ step: 20, maxStep: null });
    // Nothing to play or step into yet.
    expect(s.can({ type: 'PLAY' })).toBe(false);
    expect(s.can({ type: 'STEP' })).toBe(false);
    s = send(s, { type: 'GO_TO', step: 25 });
    expect(s.context.step).toBe(25);
    s = send(s, { type: 'SET_LENGTH', maxStep: 11 });
    expect(s.context.step).toBe(11);
  });

  it('plays, pauses and toggles; a one-hop walk has nothing to play', () => {
    let s = start({ maxStep: 5 });
    s = send(s, { type: 'PLAY' });
    expect(s.value).toBe('playing');
    s = send(s, { type: 'TOGGLE' });
    expect(s.value).toBe('paused');
    s = send(s, { type: 'TOGGLE' }, { type: 'PAUSE' });
    expect(s.value).toBe('paused');
    expect(send(start({ maxStep: 0 }), { type: 'PLAY' }).value).toBe('paused');
  });

  it('replays from the start when played at the end; reset pauses at the first hop', () => {
    let s = start({ maxStep: 3, step: 3 });
    s = send(s, { type: 'PLAY' });
    expect(s.value).toBe('playing');
    expect(s.context.step).toBe(0);
    s = send(s, { type: 'STEP' }, { type: 'RESET' });
    expect(s.value).toBe('paused');
    expect(s.context.step).toBe(0);
  });

  it('stops playing when a step, a go-to or a shorter walk reaches the end', () => {
    const playing = send(start({ maxStep: 3, step: 1 }), { type: 'PLAY' });
    expect(send(playing, { type: 'GO_TO', step: 3 }).value).toBe('paused');
    expect(send(playing, { type: 'SET_LENGTH', maxStep: 1 }).value).toBe('paused');
    expect(send(playing, { type: 'STEP' }, { type: 'STEP' }).value).toBe('paused');
    expect(send(playing, { type: 'STEP' }).value).toBe('playing');
  });

  it('clamps the speed to its range', () => {
    const s = start({});
    expect(send(s, { type: 'SET_SPEED', speed: 100 }).context.speed).toBe(MAX_SPEED);
    expect(send(s, { type: 'SET_SPEED', speed: 0 }).context.speed).toBe(MIN_SPEED);
    expect(send(s, { type: 'SET_SPEED', speed: Number.NaN }).context.speed).toBe(1);
    expect(hopDuration(2)).toBe(BASE_STEP_MS / 2);
  });
});

describe('timeline (running)', () => {
  afterEach(() => vi.useRealTimers());

  it('plays to the end at one hop per interval, then stops (real ticker, fake timers)', () => {
    vi.useFakeTimers();
    const actor = createActor(timelineMachine, { input: { maxStep: 4 } }).start();
    actor.send({ type: 'PLAY' });
    vi.advanceTimersByTime(BASE_STEP_MS - 1);
    expect(actor.getSnapshot().context.step).toBe(0);
    vi.advanceTimersByTime(1);
    expect(actor.getSnapshot().context.step).toBe(1);
    vi.advanceTimersByTime(BASE_STEP_MS * 10);
    const end = actor.getSnapshot();
    expect(end.context.step).toBe(4);
    expect(end.value).toBe('paused');
    // The ticker went with the playing state: no timer is left behind.
    expect(vi.getTimerCount()).toBe(0);
    // Play at the end replays from the start.
    actor.send({ type: 'PLAY' });
    expect(actor.getSnapshot().context.step).toBe(0);
    vi.advanceTimersByTime(BASE_STEP_MS * 2);
    expect(actor.getSnapshot().context.step).toBe(2);
    actor.stop();
  });

  it('changes the interval with the speed, also while playing (injected ticker)', () => {
    const intervals: number[] = [];
    let tick: (() => void) | undefined;
    const machine = timelineMachine.provide({
      actors: {
        ticker: fromCallback<TimelineEvent, { intervalMs: number }>(({ sendBack, input }) => {
          intervals.push(input.intervalMs);
          tick = () => sendBack({ type: 'TICK' });
          return () => (tick = undefined);
        }),
      },
    });
    const actor = createActor(machine, { input: { maxStep: 3, speed: 2 } }).start();
    expect(tick).toBeUndefined();
    actor.send({ type: 'PLAY' });
    expect(intervals).toEqual([BASE_STEP_MS / 2]);
    tick!();
    expect(actor.getSnapshot().context.step).toBe(1);
    actor.send({ type: 'SET_SPEED', speed: 0.5 });
    expect(intervals).toEqual([BASE_STEP_MS / 2, BASE_STEP_MS * 2]);
    expect(actor.getSnapshot().context.step).toBe(1);
    tick!();
    tick!();
    expect(actor.getSnapshot().value).toBe('paused');
    expect(actor.getSnapshot().context.step).toBe(3);
    // Pausing removed the ticker.
    expect(tick).toBeUndefined();
    actor.stop();
  });

  it('speed changes the real interval too (fake timers)', () => {
    vi.useFakeTimers();
    const actor = createActor(timelineMachine, { input: { maxStep: 9 } }).start();
    actor.send({ type: 'SET_SPEED', speed: 4 });
    actor.send({ type: 'PLAY' });
    vi.advanceTimersByTime(BASE_STEP_MS);
    expect(actor.getSnapshot().context.step).toBe(4);
    actor.send({ type: 'PAUSE' });
    vi.advanceTimersByTime(BASE_STEP_MS * 5);
    expect(actor.getSnapshot().context.step).toBe(4);
    actor.stop();
  });
});
