/**
 * The packet-lifecycle machine: one packet, one CNI. Its `stage` region has a state per lifecycle
 * stage, so a snapshot says where the packet is; its `playback` region plays or pauses. Context holds
 * the hops of the walk (computed by datapath/) and the index of the current one.
 *
 * `delivered` and `dropped` are the walk's ends (tag `final`) but not xstate `type: 'final'` states:
 * a final state would stop the actor, and a student must still be able to step back from the end.
 */
import { assign, raise, setup } from 'xstate';
import { STAGES, type Hop, type Stage } from '../datapath/hop';

export interface PacketContext {
  readonly hops: readonly Hop[];
  readonly index: number;
  /** Playback speed, hops per second at 1 = one hop per `BASE_STEP_MS`. */
  readonly speed: number;
}

export type PacketEvent =
  | { type: 'STEP' }
  | { type: 'BACK' }
  | { type: 'RESET' }
  | { type: 'JUMP'; index: number }
  | { type: 'PLAY' }
  | { type: 'PAUSE' }
  | { type: 'SET_SPEED'; speed: number }
  | { type: 'LOAD'; hops: readonly Hop[] };

export interface PacketInput {
  readonly hops: readonly Hop[];
  readonly index?: number;
  readonly speed?: number;
}

export const BASE_STEP_MS = 1200;
export const MIN_SPEED = 0.25;
export const MAX_SPEED = 4;

const clampIndex = (hops: readonly Hop[], index: number): number =>
  Math.max(0, Math.min(hops.length - 1, Math.trunc(index)));
const clampSpeed = (speed: number): number =>
  Number.isFinite(speed) ? Math.max(MIN_SPEED, Math.min(MAX_SPEED, speed)) : 1;

/** The stage of the current hop; an empty walk sits in the pod. */
export const currentStage = (ctx: PacketContext): Stage => ctx.hops[ctx.index]?.stage ?? 'in-pod';
export const atEnd = (ctx: PacketContext): boolean => ctx.index >= ctx.hops.length - 1;

const FINAL: readonly Stage[] = ['delivered', 'dropped'];
const STAGE_STATES = Object.fromEntries(
  STAGES.map((stage) => [stage, FINAL.includes(stage) ? { tags: ['final'] } : {}]),
) as Record<Stage, { tags?: string[] }>;

export const packetMachine = setup({
  types: {
    context: {} as PacketContext,
    events: {} as PacketEvent,
    input: {} as PacketInput,
  },
  guards: {
    atStage: ({ context }, params: { stage: Stage }) => currentStage(context) === params.stage,
    canStepForward: ({ context }) => !atEnd(context),
    canStepBack: ({ context }) => context.index > 0,
    atEnd: ({ context }) => atEnd(context),
  },
  actions: {
    stepForward: assign({ index: ({ context }) => context.index + 1 }),
    stepBack: assign({ index: ({ context }) => context.index - 1 }),
    reset: assign({ index: 0 }),
    jump: assign({
      index: ({ context, event }) =>
        event.type === 'JUMP' ? clampIndex(context.hops, event.index) : context.index,
    }),
    setSpeed: assign({
      speed: ({ context, event }) =>
        event.type === 'SET_SPEED' ? clampSpeed(event.speed) : context.speed,
    }),
    // A new walk (another mode, another policy) keeps the position when it still exists.
    load: assign(({ context, event }) =>
      event.type === 'LOAD'
        ? { hops: event.hops, index: clampIndex(event.hops, context.index) }
        : {},
    ),
  },
  delays: {
    tick: ({ context }) => BASE_STEP_MS / context.speed,
  },
}).createMachine({
  id: 'packet',
  type: 'parallel',
  context: ({ input }) => ({
    hops: input.hops,
    index: clampIndex(input.hops, input.index ?? 0),
    speed: clampSpeed(input.speed ?? 1),
  }),
  states: {
    stage: {
      initial: 'sync',
      on: {
        STEP: { guard: 'canStepForward', actions: 'stepForward', target: '.sync' },
        BACK: { guard: 'canStepBack', actions: 'stepBack', target: '.sync' },
        RESET: { actions: 'reset', target: '.sync' },
        JUMP: { actions: 'jump', target: '.sync' },
        LOAD: { actions: 'load', target: '.sync' },
      },
      states: {
        // Transient: settles in the state named by the current hop's stage.
        sync: {
          always: STAGES.map((stage) => ({
            guard: { type: 'atStage' as const, params: { stage } },
            target: stage,
          })),
        },
        ...STAGE_STATES,
      },
    },
    playback: {
      initial: 'paused',
      on: { SET_SPEED: { actions: 'setSpeed' } },
      states: {
        paused: {
          on: { PLAY: { guard: 'canStepForward', target: 'playing' } },
        },
        playing: {
          always: { guard: 'atEnd', target: 'paused' },
          on: { PAUSE: 'paused', RESET: 'paused' },
          after: {
            tick: { actions: raise({ type: 'STEP' }), target: 'playing', reenter: true },
          },
        },
      },
    },
  },
});
