import { describe, expect, it } from 'vitest';
import type { RegisterSWOptions } from 'virtual:pwa-register';
import { createPwaUpdates, type RegisterSW } from './pwa';

/**
 * A registerSW of vite-plugin-pwa's shape that records what the app passed and what it asked for,
 * so each test plays the worker's events (waiting, controlling) in the order a browser sends them.
 */
function harness() {
  let options: RegisterSWOptions | null = null;
  const calls = { skipWaiting: 0, reloads: 0, warnings: [] as string[] };
  const register: RegisterSW = (o) => {
    options = o;
    return async () => void calls.skipWaiting++;
  };
  const updates = createPwaUpdates(
    () => Promise.resolve(register),
    () => void calls.reloads++,
    (m) => calls.warnings.push(m),
  );
  const settled = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { updates, calls, settled, events: () => options! };
}

describe('the service worker update flow', () => {
  it('registers at once and says when the app is cached for offline use', async () => {
    const { updates, settled, events } = harness();
    await settled();
    expect(events().immediate).toBe(true);
    expect(updates.getState()).toEqual({ needRefresh: false, offlineReady: false });
    events().onOfflineReady!();
    expect(updates.getState().offlineReady).toBe(true);
  });

  it('tells the page that a new version waits, and reloads only after Reload', async () => {
    const { updates, calls, settled, events } = harness();
    await settled();
    let told = 0;
    updates.subscribe(() => told++);
    events().onNeedRefresh!();
    expect(updates.getState().needRefresh).toBe(true);
    expect(told).toBe(1);
    expect(calls.reloads).toBe(0);
    updates.reload();
    await settled();
    expect(calls.skipWaiting).toBe(1); // the waiting worker is asked to activate...
    expect(calls.reloads).toBe(0);
    events().onNeedReload!(); // ...takes control...
    expect(calls.reloads).toBe(1); // ...and only then this tab reloads.
  });

  it('never reloads a tab whose user did not ask (Reload pressed in another tab)', async () => {
    const { updates, calls, settled, events } = harness();
    await settled();
    events().onNeedRefresh!();
    updates.dismiss();
    expect(updates.getState().needRefresh).toBe(false);
    events().onNeedReload!(); // another tab activated the new version
    expect(calls.reloads).toBe(0);
    expect(updates.getState().needRefresh).toBe(true); // told again instead
    updates.reload(); // nothing is waiting any more: the reload is all that is left
    expect(calls.reloads).toBe(1);
    expect(calls.skipWaiting).toBe(0);
  });

  it('unsubscribes, and says so when the worker cannot be registered', async () => {
    const { updates, calls, settled, events } = harness();
    await settled();
    let told = 0;
    const stop = updates.subscribe(() => told++);
    stop();
    events().onNeedRefresh!();
    expect(told).toBe(0);
    events().onRegisterError!(new Error('SecurityError'));
    expect(calls.warnings).toEqual(['service worker not registered: Error: SecurityError']);
  });

  it('keeps the app running when the registration code does not load', async () => {
    const warnings: string[] = [];
    const updates = createPwaUpdates(
      () => Promise.reject(new Error('offline')),
      () => {},
      (m) => warnings.push(m),
    );
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(warnings).toEqual(['offline support did not load: Error: offline']);
    expect(() => updates.reload()).not.toThrow();
  });
});
