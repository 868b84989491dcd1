import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SWEEP_COUNTS } from '../engine/sweep';
import { createAppStore, type ScaleSweepState } from '../store';
import { createWorkerApi } from '../worker/api';
import { EngineCallError, type EngineClient } from '../worker/client';
import { scaleQuery, sweepPacketOf } from './scaleQuery';

const SEED = readFileSync('lessons/scenarios/seed-policies.yaml', 'utf8');

/** The real worker API in this thread, as a client: `request` calls it with its callbacks. */
function inThreadClient() {
  const api = createWorkerApi();
  const summary = api.load([{ name: 'seed-policies.yaml', text: SEED }]);
  const client = {
    request: (method: string, args: unknown[]) =>
      Promise.resolve(
        (api as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!(...args),
      ),
  } as unknown as EngineClient;
  return { client, cluster: summary.cluster! };
}

describe('scaleQuery', () => {
  it('streams each sample into the store and ends done', async () => {
    const { client, cluster } = inThreadClient();
    const store = createAppStore();
    const partials: ScaleSweepState[] = [];
    const packet = {
      from: 'shop/frontend',
      to: 'shop/backend',
      port: 8080,
      protocol: 'TCP' as const,
    };
    const result = await scaleQuery.run(client, [cluster, packet, true, 0], {
      signal: new AbortController().signal,
      partial: (r) => r && partials.push(r),
      store,
    });
    expect(result!.status).toBe('done');
    expect(result!.packet).toEqual(packet);
    expect(result!.samples.map((s) => s.added)).toEqual(SWEEP_COUNTS);
    // One partial before the first step, then one per step; samples arrive one at a time.
    const counts = partials.map((p) => p.samples.length);
    expect(counts[0]).toBe(0);
    expect(counts.at(-1)).toBe(SWEEP_COUNTS.length);
    for (let i = 1; i < counts.length; i++)
      expect(counts[i]! - counts[i - 1]!).toBeLessThanOrEqual(1);
    expect(partials.at(-1)!.done).toBe(partials.at(-1)!.total);
  });

  it('stops before its next sample when the user asks, keeping what it measured', async () => {
    const { client, cluster } = inThreadClient();
    const store = createAppStore();
    const result = await scaleQuery.run(client, [cluster, null, true, 0], {
      signal: new AbortController().signal,
      partial: (r) => {
        if (r && r.samples.length === 2) store.getState().stopScaleSweep();
      },
      store,
    });
    expect(result!.status).toBe('stopped');
    expect(result!.samples.length).toBe(2);
  });

  it('says stopped, not failed, when the worker was cancelled under it', async () => {
    const { cluster } = inThreadClient();
    const cancelled = {
      request: () => Promise.reject(new EngineCallError('Cancelled the job.', 'cancel')),
    } as unknown as EngineClient;
    const crashed = {
      request: () =>
        Promise.reject(new EngineCallError('The policy worker crashed: boom', 'crash')),
    } as unknown as EngineClient;
    const ask = (client: EngineClient) =>
      scaleQuery.run(client, [cluster, null, true, 0], {
        signal: new AbortController().signal,
        partial: () => {},
        store: createAppStore(),
      });
    expect((await ask(cancelled))!.status).toBe('stopped');
    const failed = (await ask(crashed))!;
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('crashed: boom');
  });

  it('asks nothing while the panel is closed, and measures only pod-to-pod port packets', async () => {
    const { client, cluster } = inThreadClient();
    const store = createAppStore();
    const closed = await scaleQuery.run(client, [cluster, null, false, 0], {
      signal: new AbortController().signal,
      partial: () => {},
      store,
    });
    expect(closed).toBeNull();
    expect(sweepPacketOf({ from: 'a/b', to: 'c/d', port: 0, protocol: 'ICMP' })).toBeNull();
    expect(
      sweepPacketOf({ from: 'a/b', to: 'c/d', port: 80, protocol: 'TCP', reply: true }),
    ).toBeNull();
  });
});
