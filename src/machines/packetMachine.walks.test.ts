/**
 * The machine over real walks: for every example scenario, many packets and every mode of both CNIs,
 * stepping reaches a final state, each snapshot names the stage of its hop, and step back undoes step.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import type { WalkConfig } from '../datapath/config';
import { walk } from '../datapath/walk';
import { podKey } from '../engine/cluster';
import { loadManifests } from '../engine/parse/load';
import { createEngine } from '../engine/verdict';
import { packetMachine } from './packetMachine';
import { positionAt } from './stage';
import { sampledConfigs } from '../test/scenarios';

const SCENARIOS = ['two-node-basic', 'seed-policies', 'multi-rack'];

// A deterministic sample of the options registry's configurations that shows every value of every
// option (the whole product is walked in datapath/walk.test.ts).
const CONFIGS: WalkConfig[] = sampledConfigs(15);

describe.each(SCENARIOS)('packet machine over the walks of %s', { timeout: 30_000 }, (name) => {
  const text = readFileSync(`lessons/scenarios/${name}.yaml`, 'utf8');
  const engine = createEngine(loadManifests([{ name, text }]).cluster);
  const pods = engine.cluster.pods;
  // A few pairs: the first pod to every other, on each destination's first declared port (or 80).
  const packets = pods.slice(1).map((dst) => ({
    from: podKey(pods[0]!),
    to: podKey(dst),
    port: dst.ports[0]?.port ?? 80,
    protocol: dst.ports[0]?.protocol ?? ('TCP' as const),
  }));

  it('reaches delivered or dropped on every walk, each snapshot at its hop’s stage', () => {
    let walks = 0;
    for (const config of CONFIGS) {
      for (const packet of packets) {
        const result = walk(engine, config, packet);
        expect(result.hops.length).toBeGreaterThan(0);
        let [snapshot] = initialTransition(packetMachine, { hops: result.hops });
        expect(snapshot.matches(result.hops[0]!.stage)).toBe(true);
        for (let i = 1; i < result.hops.length; i++) {
          const [next] = transition(packetMachine, snapshot, { type: 'STEP' });
          expect(next.matches(result.hops[i]!.stage)).toBe(true);
          // The panels' pure answer agrees with the machine's state.
          expect(positionAt(result.hops, i).stage).toBe(next.value);
          const [back] = transition(packetMachine, next, { type: 'BACK' });
          expect(back.value).toEqual(snapshot.value);
          expect(back.context.index).toBe(snapshot.context.index);
          snapshot = next;
        }
        expect(snapshot.hasTag('final')).toBe(true);
        expect(snapshot.value).toBe(result.verdict);
        expect(positionAt(result.hops, Infinity).final).toBe(true);
        walks++;
      }
    }
    expect(walks).toBe(CONFIGS.length * packets.length);
  });
});
