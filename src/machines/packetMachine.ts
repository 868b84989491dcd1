/**
 * The packet-lifecycle machine: one packet, one CNI. It has a state per lifecycle stage, so a
 * snapshot says where the packet is. Context holds the hops of the walk (computed by datapath/) and
 * the index of the current one. The clock that moves the visualizer lives in ./timeline.ts; the
 * panels read their stage with `positionAt` (./stage.ts), which this machine's states agree with.
 *
 * `delivered` and `dropped` are the walk's ends (tag `final`) but not xstate `type: 'final'` states:
 * a final state would stop the actor, and a student must still be able to step back from the end.
 */
import { assign, setup } from 'xstate';
import { isFinalStage, STAGES, type Hop, type Stage } from '../datapath/hop';
import { hopIndexAt, stageAt } from './stage';

export interface PacketContext {
  readonly hops: readonly Hop[];
  readonly index: number;
}

export type PacketEvent =
  | { type: 'STEP' }
  | { type: 'BACK' }
  | { type: 'RESET' }
  | { type: 'JUMP'; index: number }
  | { type: 'LOAD'; hops: readonly Hop[] };

export interface PacketInput {
  readonly hops: readonly Hop[];
  readonly index?: number;
}

const STAGE_STATES = Object.fromEntries(
  STAGES.map((stage) => [stage, isFinalStage(stage) ? { tags: ['final'] } : {}]),
) as Record<Stage, { tags?: string[] }>;

export const packetMachine = setup({
  types: {
    context: {} as PacketContext,
    events: {} as PacketEvent,
    input: {} as PacketInput,
  },
  guards: {
    atStage: ({ context }, params: { stage: Stage }) =>
      stageAt(context.hops, context.index) === params.stage,
    canStepForward: ({ context }) => context.index < context.hops.length - 1,
    canStepBack: ({ context }) => context.index > 0,
  },
  actions: {
    stepForward: assign({ index: ({ context }) => context.index + 1 }),
    stepBack: assign({ index: ({ context }) => context.index - 1 }),
    reset: assign({ index: 0 }),
    jump: assign({
      index: ({ context, event }) =>
        event.type === 'JUMP' ? hopIndexAt(context.hops, event.index) : context.index,
    }),
    // A new walk (another mode, another policy) keeps the position when it still exists.
    load: assign(({ context, event }) =>
      event.type === 'LOAD'
        ? { hops: event.hops, index: hopIndexAt(event.hops, context.index) }
        : {},
    ),
  },
}).createMachine({
  id: 'packet',
  context: ({ input }) => ({
    hops: input.hops,
    index: hopIndexAt(input.hops, input.index ?? 0),
  }),
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
});
