import { readFileSync } from 'node:fs';
import { expose } from 'comlink';
import { DEFAULT_CALICO_CONFIG, DEFAULT_CILIUM_CONFIG } from '../datapath/config';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWorkerApi as createEngineApi, type WorkerApi as EngineApi } from './api';
import { createEngineClient, type WorkerHandle } from './client';

/** A worker stand-in: the real engine behind a MessageChannel, with a switch to crash it. */
function fakeWorker(api: EngineApi = createEngineApi()) {
  const { port1, port2 } = new MessageChannel();
  expose(api, port1);
  let crash: (message: string) => void = () => {};
  let terminated = false;
  const handle: WorkerHandle = {
    endpoint: port2,
    onCrash: (cb) => {
      crash = cb;
    },
    terminate: () => {
      terminated = true;
      port1.close();
      port2.close();
    },
  };
  return { handle, crash: (m: string) => crash(m), isTerminated: () => terminated };
}

const clients: { dispose(): void }[] = [];
afterEach(() => clients.splice(0).forEach((c) => c.dispose()));

describe('engine client', () => {
  it('calls the engine in the worker', async () => {
    const w = fakeWorker();
    const client = createEngineClient({
      startWorker: () => w.handle,
      loadFallback: () => Promise.reject(new Error('fallback not expected')),
    });
    clients.push(client);
    expect(client.mode()).toBe('worker');
    const ok = await client.call(
      'matchLabelSelector',
      { app: 'web' },
      { matchLabels: { app: 'web' } },
    );
    expect(ok).toBe(true);
  });

  it('falls back to the main thread when no worker can start', async () => {
    const client = createEngineClient({
      startWorker: () => null,
      loadFallback: async () => createEngineApi(),
    });
    clients.push(client);
    expect(client.mode()).toBe('main-thread');
    expect((await client.call('hello')).inWorker).toBe(false);
  });

  it('restarts a crashed worker, replays the last state-setting call and reports the error', async () => {
    const started: ReturnType<typeof fakeWorker>[] = [];
    const replayed: unknown[][] = [];
    const errors: string[] = [];
    const client = createEngineClient({
      startWorker: () => {
        const api = createEngineApi();
        const original = api.matchLabelSelector;
        api.matchLabelSelector = (...args) => {
          replayed.push(args);
          return original(...args);
        };
        const w = fakeWorker(api);
        started.push(w);
        return w.handle;
      },
      loadFallback: () => Promise.reject(new Error('fallback not expected')),
      statefulMethods: ['matchLabelSelector'],
      onError: (m) => errors.push(m),
    });
    clients.push(client);
    await client.call('matchLabelSelector', { app: 'db' }, {});
    started[0]!.crash('out of memory');
    expect(started[0]!.isTerminated()).toBe(true);
    expect(started).toHaveLength(2);
    expect(errors[0]).toMatch(/crashed: out of memory.*Restarted/);
    expect(client.mode()).toBe('worker');
    expect(await client.call('hello')).toMatchObject({ version: 1 });
    // Once in the first worker, once replayed into the second.
    expect(replayed).toEqual([
      [{ app: 'db' }, {}],
      [{ app: 'db' }, {}],
    ]);
  });

  it('rejects calls in flight when the worker crashes, and gives up after repeated crashes', async () => {
    const errors: string[] = [];
    let last: ReturnType<typeof fakeWorker> | undefined;
    const client = createEngineClient({
      startWorker: () => {
        const api = createEngineApi();
        api.hello = () => new Promise<never>(() => {}) as never;
        last = fakeWorker(api);
        return last.handle;
      },
      loadFallback: async () => createEngineApi(),
      maxRestarts: 1,
      onError: (m) => errors.push(m),
    });
    clients.push(client);
    const inFlight = client.call('hello');
    last!.crash('boom');
    await expect(inFlight).rejects.toThrow(/crashed: boom/);
    last!.crash('boom again');
    expect(client.mode()).toBe('main-thread');
    expect(errors.at(-1)).toMatch(/main thread/);
    expect((await client.call('hello')).inWorker).toBe(false);
  });

  it('loads a scenario, keeps the last good one after a bad load and a crash, and reports matrix progress', async () => {
    const started: ReturnType<typeof fakeWorker>[] = [];
    const client = createEngineClient({
      startWorker: () => {
        started.push(fakeWorker());
        return started.at(-1)!.handle;
      },
      loadFallback: () => Promise.reject(new Error('fallback not expected')),
      statefulMethods: ['load'],
      isGoodState: (method, result) =>
        method !== 'load' || (result as { applied: boolean }).applied,
    });
    clients.push(client);
    const text = readFileSync('lessons/scenarios/seed-policies.yaml', 'utf8');
    const good = await client.call('load', [{ name: 'seed-policies.yaml', text }]);
    expect(good).toMatchObject({ applied: true, counts: { pods: 5, policies: 3 } });
    const badLoad = await client.call('load', [{ name: 'broken.yaml', text: 'kind: [\n' }]);
    expect(badLoad.applied).toBe(false);
    expect(badLoad.diagnostics[0]).toMatchObject({
      severity: 'error',
      pos: { file: 'broken.yaml' },
    });
    // The last good scenario is still the one answering.
    expect(badLoad.counts.pods).toBe(5);
    // A restarted worker is given the last good scenario, not the bad one.
    started[0]!.crash('killed');
    expect(started).toHaveLength(2);
    const progress: [number, number][] = [];
    const matrix = await client.call('matrix', {}, (done: number, total: number) => {
      progress.push([done, total]);
    });
    expect(matrix.verdicts).toHaveLength(16);
    expect(matrix.verdicts.every((v) => v.calico.agree && v.cilium.agree)).toBe(true);
    // The datapath walk runs in the worker over the same scenario, for both CNIs at once.
    const [calico, cilium] = await client.call(
      'walk',
      [
        { cni: 'calico', calico: DEFAULT_CALICO_CONFIG },
        { cni: 'cilium', cilium: DEFAULT_CILIUM_CONFIG },
      ],
      { from: 'shop/frontend', to: 'shop/backend', port: 8080, protocol: 'TCP' },
    );
    expect(calico).toMatchObject({ ok: true, result: { cni: 'calico', verdict: 'delivered' } });
    expect(cilium).toMatchObject({ ok: true, result: { cni: 'cilium', verdict: 'delivered' } });
    const bad = await client.call('walk', [{ cni: 'calico', calico: DEFAULT_CALICO_CONFIG }], {
      from: 'shop/nobody',
      to: 'shop/backend',
      port: 8080,
      protocol: 'TCP',
    });
    expect(bad[0]).toMatchObject({ ok: false, error: expect.stringContaining('unknown pod') });
    // The scenes (what each panel draws) come from the worker too, one per configuration asked.
    const [calicoScene, ciliumScene] = await client.call('scenes', [
      { cni: 'calico', calico: DEFAULT_CALICO_CONFIG },
      { cni: 'cilium', cilium: DEFAULT_CILIUM_CONFIG },
    ]);
    expect(calicoScene).toMatchObject({ cni: 'calico' });
    expect(ciliumScene).toMatchObject({ cni: 'cilium' });
    // Drawn from the last good scenario (the restarted worker got it back): its two nodes, its pods.
    expect(calicoScene!.nodes.map((n) => n.pods.length).reduce((a, b) => a + b, 0)).toBe(5);
    expect(ciliumScene!.nodes[0]!.layers.map((l) => l.label)).toContain('cilium_host');
    expect(calicoScene!.nodes[0]!.pods[0]!.veth).toMatch(/^cali/);
    // Callbacks cross the channel asynchronously; the final report names the whole matrix.
    await expect.poll(() => progress.at(-1)).toEqual([16, 16]);
  });
});

/** A worker stand-in that can go silent the way `self.close()` does: no error, no answer. */
function silentCapable(api: EngineApi = createEngineApi()) {
  const w = fakeWorker(api);
  return {
    ...w,
    // Closing the worker's side drops every later message, in both directions, without an event.
    goSilent: () => (w.handle.endpoint as MessagePort).close(),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Lets real macrotasks run (MessageChannel deliveries; setImmediate is never faked here) until
 * `ok()` holds, and fails after many turns instead of waiting on a clock.
 */
async function until(ok: () => boolean, turns = 1000): Promise<void> {
  for (let i = 0; i < turns && !ok(); i++) await new Promise((r) => setImmediate(r));
  expect(ok()).toBe(true);
}
const SEED = () => readFileSync('lessons/scenarios/seed-policies.yaml', 'utf8');

describe('engine client watchdog', () => {
  it('restarts a worker that stopped answering when a call misses its deadline, and replays the last good scenario', async () => {
    const started: ReturnType<typeof silentCapable>[] = [];
    const errors: string[] = [];
    const restarts: string[] = [];
    const client = createEngineClient({
      startWorker: () => {
        started.push(silentCapable());
        return started.at(-1)!.handle;
      },
      loadFallback: () => Promise.reject(new Error('fallback not expected')),
      statefulMethods: ['load'],
      isGoodState: (m, r) => m !== 'load' || (r as { applied: boolean }).applied,
      callTimeoutMs: 150,
      onError: (m) => errors.push(m),
      onRestart: (reason) => restarts.push(reason),
    });
    clients.push(client);
    await client.call('load', [{ name: 'seed.yaml', text: SEED() }]);
    started[0]!.goSilent();
    const edit = client.call('load', [{ name: 'seed.yaml', text: 'kind: [\n' }]);
    await expect(edit).rejects.toMatchObject({ reason: 'timeout' });
    expect(started[0]!.isTerminated()).toBe(true);
    expect(started).toHaveLength(2);
    expect(errors).toEqual([
      expect.stringMatching(
        /stopped responding \(loading the scenario took over 150 ms\); restarted it and reloaded your last good scenario/,
      ),
    ]);
    expect(restarts).toEqual(['timeout']);
    expect(client.mode()).toBe('worker');
    // The new worker holds the last good scenario: it answers questions that need one.
    const stats = await client.call('stats');
    expect(stats.calico).toBeDefined();
    const matrix = await client.call('matrix', { port: 8080 });
    expect(matrix.verdicts.length).toBeGreaterThan(0);
  });

  it('finds a silent worker by its heartbeat before any call waits on it', async () => {
    const started: ReturnType<typeof silentCapable>[] = [];
    const restarts: string[] = [];
    const client = createEngineClient({
      startWorker: () => {
        started.push(silentCapable());
        return started.at(-1)!.handle;
      },
      loadFallback: () => Promise.reject(new Error('fallback not expected')),
      heartbeatMs: 40,
      pingTimeoutMs: 80,
      onRestart: (reason) => restarts.push(reason),
    });
    clients.push(client);
    await sleep(150);
    expect(started).toHaveLength(1); // a live worker answers its pings
    started[0]!.goSilent();
    await expect.poll(() => started.length, { timeout: 2000 }).toBe(2);
    expect(restarts).toEqual(['timeout']);
    expect(await client.call('hello')).toMatchObject({ version: 1 });
  });

  it('lets a long job run while it reports progress, and cuts it off once it goes quiet', async () => {
    // The deadline runs on fake timers and the stand-in job reports only when the test opens its
    // gate, so the outcome depends on no real clock (messages still cross a real MessageChannel).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const gates: (() => void)[] = [];
      const gate = () => new Promise<void>((open) => gates.push(open));
      const jobs: { method: string; done?: number; total?: number }[][] = [];
      const started: ReturnType<typeof fakeWorker>[] = [];
      const client = createEngineClient({
        startWorker: () => {
          const api = createEngineApi();
          let calls = 0;
          api.matrix = (async (_options: unknown, onProgress?: (d: number, t: number) => void) => {
            calls++;
            for (let i = 1; i <= 6; i++) {
              await gate();
              // The second run goes quiet after its first report: its next gate never opens.
              if (calls === 1 || i === 1) await onProgress?.(i, 6);
            }
            return { verdicts: [], errors: [] };
          }) as unknown as typeof api.matrix;
          started.push(fakeWorker(api));
          return started.at(-1)!.handle;
        },
        loadFallback: () => Promise.reject(new Error('fallback not expected')),
        callTimeoutMs: 100,
        onJobs: (j) => jobs.push(j.map((x) => ({ ...x }))),
      });
      clients.push(client);
      const seen: number[] = [];
      let first: 'pending' | 'resolved' | 'rejected' = 'pending';
      const job = client.call('matrix', {}, (d: number) => void seen.push(d));
      job.then(
        () => (first = 'resolved'),
        () => (first = 'rejected'),
      );
      // Six reports 60 ms apart: 360 ms is past the 100 ms deadline, but each report starts it again.
      for (let i = 1; i <= 6; i++) {
        await until(() => gates.length === i);
        await vi.advanceTimersByTimeAsync(60);
        expect(first).toBe('pending');
        gates[i - 1]!();
        await until(() => seen.length === i);
      }
      await expect(job).resolves.toEqual({ verdicts: [], errors: [] });
      expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
      expect(
        jobs.some((j) => j[0]?.method === 'matrix' && j[0].done === 3 && j[0].total === 6),
      ).toBe(true);
      expect(jobs.at(-1)).toEqual([]);

      // The second run reports once, then nothing: it fails exactly when the deadline has passed
      // since that report, and the worker is replaced.
      let second: 'pending' | 'timeout' | 'other' = 'pending';
      const quiet = client.call('matrix', {}, () => {});
      quiet.then(
        () => (second = 'other'),
        (e: { reason?: string }) => (second = e.reason === 'timeout' ? 'timeout' : 'other'),
      );
      await until(() => gates.length === 7);
      gates[6]!();
      await until(() => jobs.at(-1)?.[0]?.done === 1);
      await vi.advanceTimersByTimeAsync(99);
      expect(second).toBe('pending');
      await vi.advanceTimersByTimeAsync(1);
      await until(() => second !== 'pending');
      expect(second).toBe('timeout');
      await expect(quiet).rejects.toMatchObject({ reason: 'timeout' });
      expect(started).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('cancels a call through an AbortSignal by restarting the worker with the last good state', async () => {
    const started: ReturnType<typeof fakeWorker>[] = [];
    const restarts: string[] = [];
    const client = createEngineClient({
      startWorker: () => {
        const api = createEngineApi();
        api.stats = (() => new Promise<never>(() => {})) as unknown as typeof api.stats;
        started.push(fakeWorker(api));
        return started.at(-1)!.handle;
      },
      loadFallback: () => Promise.reject(new Error('fallback not expected')),
      statefulMethods: ['load'],
      onRestart: (reason) => restarts.push(reason),
    });
    clients.push(client);
    await client.call('load', [{ name: 'seed.yaml', text: SEED() }]);
    const controller = new AbortController();
    const job = client.request('stats', [], { signal: controller.signal });
    controller.abort();
    await expect(job).rejects.toMatchObject({ name: 'AbortError', reason: 'cancel' });
    expect(started[0]!.isTerminated()).toBe(true);
    expect(restarts).toEqual(['cancel']);
    // The restarted worker has the scenario again.
    expect((await client.call('matrix', { port: 8080 })).verdicts.length).toBeGreaterThan(0);
    // An already aborted signal never reaches the worker.
    await expect(
      client.request('matrix', [{}], { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ reason: 'cancel' });
    expect(started).toHaveLength(2);
    // cancel() stops whatever is in flight.
    const other = client.call('stats');
    client.cancel();
    await expect(other).rejects.toMatchObject({ reason: 'cancel' });
    expect(started).toHaveLength(3);
  });

  it('stops asking again after repeated stalls, so an input that hangs every worker cannot loop', async () => {
    const restarts: string[] = [];
    const errors: string[] = [];
    const client = createEngineClient({
      startWorker: () => {
        const api = createEngineApi();
        api.stats = (() => new Promise<never>(() => {})) as unknown as typeof api.stats;
        return fakeWorker(api).handle;
      },
      loadFallback: () => Promise.reject(new Error('fallback not expected')),
      callTimeoutMs: 30,
      maxRestarts: 1,
      onRestart: (r) => restarts.push(r),
      onError: (m) => errors.push(m),
    });
    clients.push(client);
    await expect(client.call('stats')).rejects.toMatchObject({ reason: 'timeout' });
    await expect(client.call('stats')).rejects.toMatchObject({ reason: 'timeout' });
    expect(restarts).toEqual(['timeout']);
    expect(errors.at(-1)).toMatch(/2 times in a row/);
    // Still a worker, never the main thread (a hang there would freeze the page).
    expect(client.mode()).toBe('worker');
    expect(await client.call('hello')).toMatchObject({ version: 1 });
  });
});
