/**
 * The one clock of the visualizer: the shared step every CNI panel stands at, whether it plays, and
 * how fast. Each panel turns the step into its own hop with `positionAt` (./stage.ts).
 *
 * The ticker is an invoked callback actor of the `playing` state, so it exists only while playing and
 * is gone the moment playback stops (the habit of xstate's 7GUIs timer). Its interval comes from the
 * speed, as does the packet's move animation (`hopDuration`), so the two never disagree. Tests swap
 * the ticker with `.provide({ actors: { ticker } })` or drive the real one with fake timers.
 *
 * `maxStep` is the longest walk's last hop index, or null while no walk is known (a link opened before
 * its walk arrived, or a new walk still on its way): then a step asked for is kept as asked, and
 * SET_LENGTH clamps it once the length is known.
 */
import {
  assign,
  createActor,
  fromCallback,
  setup,
  type ActorRefFrom,
  type SnapshotFrom,
} from 'xstate';

export interface TimelineContext {
  readonly step: number;
  readonly maxStep: number | null;
  /** Hops per `BASE_STEP_MS` (1 = one hop every 1.2 s). */
  readonly speed: number;
}

export type TimelineEvent =
  | { type: 'STEP' }
  | { type: 'BACK' }
  | { type: 'PLAY' }
  | { type: 'PAUSE' }
  | { type: 'TOGGLE' }
  | { type: 'RESET' }
  | { type: 'GO_TO'; step: number }
  | { type: 'SET_SPEED'; speed: number }
  | { type: 'SET_LENGTH'; maxStep: number | null }
  /** From the ticker only. */
  | { type: 'TICK' };

export interface TimelineInput {
  readonly step?: number;
  readonly maxStep?: number | null;
  readonly speed?: number;
}

export const BASE_STEP_MS = 1200;
export const MIN_SPEED = 0.25;
export const MAX_SPEED = 4;

export const clampSpeed = (speed: number): number =>
  Number.isFinite(speed) ? Math.max(MIN_SPEED, Math.min(MAX_SPEED, speed)) : 1;

/** How long one hop lasts at a speed: the ticker's interval and the packet's move time derive from it. */
export const hopDuration = (speed: number): number => BASE_STEP_MS / clampSpeed(speed);

const clampStep = (step: number, maxStep: number | null): number => {
  const n = Number.isFinite(step) ? Math.max(0, Math.trunc(step)) : 0;
  return maxStep === null ? n : Math.min(n, maxStep);
};

const cleanMaxStep = (maxStep: number | null | undefined): number | null =>
  maxStep === null || maxStep === undefined || !Number.isFinite(maxStep)
    ? null
    : Math.max(0, Math.trunc(maxStep));

const canAdvance = (c: TimelineContext): boolean => c.maxStep !== null && c.step < c.maxStep;
const atEnd = (c: TimelineContext): boolean => c.maxStep !== null && c.step >= c.maxStep;
/** A walk of one hop (or none) has nothing to play. */
const canPlay = (c: TimelineContext): boolean => c.maxStep !== null && c.maxStep > 0;

export const timelineMachine = setup({
  types: {
    context: {} as TimelineContext,
    events: {} as TimelineEvent,
    input: {} as TimelineInput,
  },
  actors: {
    ticker: fromCallback<TimelineEvent, { intervalMs: number }>(({ sendBack, input }) => {
      const timer = setInterval(() => sendBack({ type: 'TICK' }), input.intervalMs);
      return () => clearInterval(timer);
    }),
  },
  guards: {
    canAdvance: ({ context }) => canAdvance(context),
    canStepBack: ({ context }) => context.step > 0,
    canPlay: ({ context }) => canPlay(context),
    atEnd: ({ context }) => atEnd(context),
  },
  actions: {
    advance: assign({ step: ({ context }) => context.step + 1 }),
    stepBack: assign({ step: ({ context }) => context.step - 1 }),
    toStart: assign({ step: 0 }),
    // At the end, Play replays from the start.
    rewindAtEnd: assign({ step: ({ context }) => (atEnd(context) ? 0 : context.step) }),
    goTo: assign({
      step: ({ context, event }) =>
        event.type === 'GO_TO' ? clampStep(event.step, context.maxStep) : context.step,
    }),
    setSpeed: assign({
      speed: ({ context, event }) =>
        event.type === 'SET_SPEED' ? clampSpeed(event.speed) : context.speed,
    }),
    setLength: assign(({ context, event }) => {
      if (event.type !== 'SET_LENGTH') return {};
      const maxStep = cleanMaxStep(event.maxStep);
      return { maxStep, step: clampStep(context.step, maxStep) };
    }),
  },
}).createMachine({
  id: 'timeline',
  context: ({ input }) => {
    const maxStep = cleanMaxStep(input.maxStep);
    return {
      maxStep,
      step: clampStep(input.step ?? 0, maxStep),
      speed: clampSpeed(input.speed ?? 1),
    };
  },
  initial: 'paused',
  on: {
    STEP: { guard: 'canAdvance', actions: 'advance' },
    BACK: { guard: 'canStepBack', actions: 'stepBack' },
    GO_TO: { actions: 'goTo' },
    RESET: { target: '.paused', actions: 'toStart' },
    SET_LENGTH: { actions: 'setLength' },
    SET_SPEED: { actions: 'setSpeed' },
  },
  states: {
    paused: {
      on: {
        PLAY: { guard: 'canPlay', target: 'playing', actions: 'rewindAtEnd' },
        TOGGLE: { guard: 'canPlay', target: 'playing', actions: 'rewindAtEnd' },
      },
    },
    playing: {
      // Reaching the end (by a tick, a step, a go-to or a shorter walk) stops the clock.
      always: { guard: 'atEnd', target: 'paused' },
      invoke: {
        src: 'ticker',
        input: ({ context }) => ({ intervalMs: hopDuration(context.speed) }),
      },
      on: {
        TICK: { guard: 'canAdvance', actions: 'advance' },
        PAUSE: 'paused',
        TOGGLE: 'paused',
        // A new speed restarts the ticker at the new interval.
        SET_SPEED: { target: 'playing', reenter: true, actions: 'setSpeed' },
      },
    },
  },
});

export type TimelineActor = ActorRefFrom<typeof timelineMachine>;
export type TimelineSnapshot = SnapshotFrom<typeof timelineMachine>;

/** A started timeline, for edges that do not run inside React (tests, a second app instance). */
export const createTimeline = (
  input: TimelineInput = {},
  machine: typeof timelineMachine = timelineMachine,
): TimelineActor => createActor(machine, { input }).start();

export const isPlaying = (snapshot: TimelineSnapshot): boolean => snapshot.matches('playing');
