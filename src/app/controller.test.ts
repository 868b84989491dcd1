import { afterEach, describe, expect, it } from 'vitest';
import { createAppStore, encodeView, DEFAULT_VIEW } from '../store';
import { createWorkerApi } from '../worker/api';
import { createEngineClient, type EngineClient, type EngineMethod } from '../worker/client';
import { EDITS_KEY_PREFIX, startController, type ControllerEnv } from './controller';
import { LESSONS } from './lessons';
import { lazyLessons, loadedLessons } from './lessonSource';

/** A browser stand-in: a hash, a history that records, a Map for localStorage. */
function fakeEnv(hash = '') {
  const saved = new Map<string, string>();
  const urls: string[] = [];
  /** The entries Back walks through: pushState adds one, replaceState rewrites the last. */
  const entries: string[] = [hash];
  let listener: (() => void) | undefined;
  const env: ControllerEnv & { location: { hash: string } } = {
    lessons: loadedLessons(LESSONS),
    location: { hash },
    history: {
      replaceState: (_d: unknown, _t: string, url?: string | URL | null) => {
        urls.push(String(url));
        entries[entries.length - 1] = String(url);
        env.location.hash = String(url);
      },
      pushState: (_d: unknown, _t: string, url?: string | URL | null) => {
        urls.push(String(url));
        entries.push(String(url));
        env.location.hash = String(url);
      },
    },
    storage: {
      getItem: (k) => saved.get(k) ?? null,
      setItem: (k, v) => void saved.set(k, v),
      removeItem: (k) => void saved.delete(k),
    },
    onHashChange: (l) => {
      listener = l;
      return () => (listener = undefined);
    },
  };
  return {
    env,
    saved,
    urls,
    entries,
    navigate: (h: string) => ((env.location.hash = h), listener?.()),
    /** The browser's Back button: the previous entry's hash, then hashchange. */
    back: () => {
      entries.pop();
      env.location.hash = entries.at(-1) ?? '';
      listener?.();
    },
  };
}

const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((s) => s()));

function start(hash = '') {
  const store = createAppStore();
  const client = createEngineClient({
    startWorker: () => null,
    loadFallback: async () => createWorkerApi(),
  });
  const browser = fakeEnv(hash);
  stops.push(startController(store, client, browser.env), () => client.dispose());
  const settled = () =>
    expect
      .poll(() => store.getState().walks.calico?.ok && store.getState().walks.cilium?.ok, {
        timeout: 5000,
      })
      .toBe(true);
  return { store, browser, settled };
}

describe('controller', () => {
  it('loads the default scenario, picks a cross-node packet and walks it in both CNIs', async () => {
    const { store, settled, browser } = start();
    await settled();
    const s = store.getState();
    expect(s.cluster?.pods).toHaveLength(5);
    expect(s.view.packet).toEqual({
      from: 'shop/frontend',
      to: 'shop/backend',
      port: 8080,
      protocol: 'TCP',
    });
    expect(browser.urls.at(-1)).toMatch(/^#\/walk\?scenario=seed-policies/);
  });

  it('pushes a history entry per view and replaces it for a hop; Back returns to the last view', async () => {
    const { store, settled, browser } = start();
    await settled();
    expect(browser.entries).toHaveLength(1);
    store.getState().setStep(2);
    expect(browser.entries).toHaveLength(1);
    expect(browser.entries[0]).toContain('step=2');
    store.getState().setRoute({ page: 'lessons' });
    expect(browser.entries).toEqual([expect.stringContaining('step=2'), '#/lessons']);
    store.getState().setRoute({ page: 'lesson', lessonId: '03-across-nodes', step: 0 });
    store.getState().setRoute({ page: 'lesson', lessonId: '03-across-nodes', step: 1 });
    expect(browser.entries.slice(1)).toEqual([
      '#/lessons',
      '#/lessons/03-across-nodes/1',
      '#/lessons/03-across-nodes/2',
    ]);
    browser.back();
    expect(store.getState().route).toMatchObject({ page: 'lesson', step: 0 });
    browser.back();
    expect(store.getState().route).toEqual({ page: 'lessons' });
    // Opening a view from the URL (Back) wrote no entry of its own.
    expect(browser.entries).toHaveLength(2);
    browser.back();
    expect(store.getState().route).toEqual({ page: 'walk' });
    expect(store.getState().view.step).toBe(2);
  });

  it('opens a deep link at its step and keeps it', async () => {
    const view = {
      ...DEFAULT_VIEW,
      packet: { from: 'shop/api', to: 'shop/database', port: 5432, protocol: 'TCP' as const },
      step: 4,
    };
    const { store, settled } = start(`#/walk?${encodeView(view)}`);
    await settled();
    expect(store.getState().view).toMatchObject({ step: 4, packet: view.packet });
  });

  it('says when a link does not decode and opens the default', async () => {
    const { store, settled } = start('#/walk?layout=sideways');
    await settled();
    expect(store.getState().notice).toMatch(/unknown layout "sideways"/);
    expect(store.getState().view.layout).toBe('compare');
  });

  it('keeps edits in the browser, applies valid ones and keeps the last good state on errors', async () => {
    const { store, settled, browser } = start();
    await settled();
    const text = (await import('./scenarios')).BUILT_IN_SCENARIOS[0]!.text;
    store
      .getState()
      .setScenarioText(
        `${text}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: extra, namespace: shop}\nspec: {nodeName: node-1, containers: [{name: c, image: x}]}\n`,
      );
    expect(browser.saved.get(`${EDITS_KEY_PREFIX}seed-policies`)).toContain('name: extra');
    await expect.poll(() => store.getState().cluster?.pods.length, { timeout: 5000 }).toBe(6);
    store.getState().setScenarioText('kind: [broken');
    await expect
      .poll(() => store.getState().diagnostics.some((d) => d.severity === 'error'), {
        timeout: 5000,
      })
      .toBe(true);
    expect(store.getState().cluster?.pods.length).toBe(6);
    store.getState().setScenarioText(null);
    expect(browser.saved.has(`${EDITS_KEY_PREFIX}seed-policies`)).toBe(false);
    await expect.poll(() => store.getState().cluster?.pods.length, { timeout: 5000 }).toBe(5);
  });

  it('follows a link pasted into the same tab', async () => {
    const { store, settled, browser } = start();
    await settled();
    browser.navigate(`#/walk?${encodeView({ ...DEFAULT_VIEW, scenarioId: 'multi-rack' })}`);
    await expect.poll(() => store.getState().cluster?.nodes.length, { timeout: 5000 }).toBe(6);
  });
});

/**
 * An engine whose answers to `held` methods wait until the test releases them, in any order; every
 * other call goes straight to a real engine.
 */
function slowEngine(held: readonly EngineMethod[]) {
  const real = createEngineClient({
    startWorker: () => null,
    loadFallback: async () => createWorkerApi(),
  });
  const waiting: { method: EngineMethod; args: unknown[]; release: () => Promise<void> }[] = [];
  const client: EngineClient = {
    call: (method, ...args) => {
      if (!held.includes(method)) return real.call(method, ...args);
      return new Promise((resolve, reject) => {
        waiting.push({
          method,
          args,
          // Resolves once the answer has been handed over and everything it set off has run.
          release: () =>
            real
              .call(method, ...args)
              .then(resolve, reject)
              .then(() => new Promise<void>((done) => setTimeout(done, 0))),
        });
      });
    },
    request: (method, args) => client.call(method, ...args),
    cancel: () => real.cancel(),
    mode: () => real.mode(),
    dispose: () => real.dispose(),
  };
  return { client, waiting };
}

function startSlow(held: readonly EngineMethod[]) {
  const store = createAppStore();
  const { client, waiting } = slowEngine(held);
  stops.push(startController(store, client, fakeEnv().env), () => client.dispose());
  return { store, waiting };
}

describe('controller with lessons loaded on demand', () => {
  it('a lesson link pasted before the lessons are here opens its step once they are', async () => {
    let release: () => void = () => {};
    const arrived = new Promise<void>((r) => (release = r));
    const store = createAppStore();
    const client = createEngineClient({
      startWorker: () => null,
      loadFallback: async () => createWorkerApi(),
    });
    const browser = fakeEnv();
    const env = { ...browser.env, lessons: lazyLessons(() => arrived.then(() => LESSONS)) };
    stops.push(startController(store, client, env), () => client.dispose());
    browser.navigate('#/lessons/03-across-nodes/2');
    // Not yet: the link waits for the lessons instead of being read as an unknown lesson.
    expect(store.getState().route).toEqual({ page: 'walk' });
    release();
    await expect
      .poll(() => store.getState().route)
      .toEqual({ page: 'lesson', lessonId: '03-across-nodes', step: 1 });
  });
});

describe('a lesson link opening while its lessons fail to load', () => {
  it('leaves its Loading line for the visualizer, with a notice saying why', async () => {
    const store = createAppStore({ route: { page: 'opening' } });
    const client = createEngineClient({
      startWorker: () => null,
      loadFallback: async () => createWorkerApi(),
    });
    const browser = fakeEnv('#/present/03-across-nodes/2');
    const failing = lazyLessons(() => Promise.reject(new Error('chunk failed')));
    stops.push(startController(store, client, { ...browser.env, lessons: failing }), () =>
      client.dispose(),
    );
    await expect.poll(() => store.getState().route).toEqual({ page: 'walk' });
    expect(store.getState().notice).toContain('The lessons could not be loaded');
  });
});

describe('engine queries: a slow reply for old inputs never overwrites a newer one', () => {
  it('drops the matrix for the old port when it arrives after the matrix for the new port', async () => {
    const { store, waiting } = startSlow(['matrix']);
    await expect.poll(() => store.getState().cluster, { timeout: 5000 }).not.toBeNull();
    store.getState().togglePanel('matrix');
    store.getState().setMatrixPort(5432);
    expect(waiting.map((w) => w.args)).toEqual([[{}], [{ port: 5432 }]]);
    const [old, fresh] = waiting;
    await fresh!.release();
    const forNewPort = store.getState().matrix;
    expect(forNewPort?.length).toBeGreaterThan(0);
    expect(forNewPort!.every((v) => v.probe.port === 5432)).toBe(true);
    await old!.release();
    expect(store.getState().matrix).toBe(forNewPort);
  });

  it('drops the walk of the old packet when it arrives after the walk of the new one', async () => {
    const { store, waiting } = startSlow(['walk']);
    await expect.poll(() => waiting.length, { timeout: 5000 }).toBe(1);
    const first = store.getState().view.packet!;
    const other = { from: 'shop/api', to: 'shop/database', port: 5432, protocol: 'TCP' as const };
    store.getState().setPacket(other);
    expect(waiting).toHaveLength(2);
    await waiting[1]!.release();
    const walked = () => {
      const outcome = store.getState().walks.calico;
      return outcome?.ok ? outcome.result.title : outcome?.error;
    };
    expect(walked()).toMatch(/database/);
    await waiting[0]!.release();
    expect(walked()).toMatch(/database/);
    // The answer for the current packet still arrives when it is the slow one.
    store.getState().setPacket(first);
    store.getState().setPacket(other);
    await waiting[3]!.release();
    await waiting[2]!.release();
    expect(walked()).toMatch(/database/);
  });

  it('draws the scenes the worker built for the current modes, never an older answer', async () => {
    const { store, waiting } = startSlow(['scenes']);
    await expect.poll(() => waiting.length, { timeout: 5000 }).toBe(1);
    // Nothing is drawn before the engine answers: the main thread builds no scene of its own.
    expect(store.getState().scenes).toEqual({});
    store.getState().setCilium({ ...store.getState().view.cilium, routing: 'geneve' });
    expect(waiting).toHaveLength(2);
    await waiting[1]!.release();
    const tunnel = () => store.getState().scenes.cilium?.tunnel?.device;
    expect(tunnel()).toBe('cilium_geneve');
    expect(store.getState().scenes.calico?.cni).toBe('calico');
    await waiting[0]!.release();
    expect(tunnel()).toBe('cilium_geneve');
  });
});
