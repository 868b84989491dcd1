import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppStore } from '../store';
import { createWorkerApi } from '../worker/api';
import { createEngineClient } from '../worker/client';
import { startQueries } from './queries';

const SEED = readFileSync('lessons/scenarios/seed-policies.yaml', 'utf8');
const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((s) => s()));

describe('fix query', () => {
  it('answers a fix request over the editor’s text, and applying it makes the walk deliver', async () => {
    const client = createEngineClient({
      startWorker: () => null,
      loadFallback: async () => createWorkerApi(),
    });
    const store = createAppStore();
    const edited = `# edited by hand\n${SEED}`;
    store.getState().setScenarioText(edited);
    store.getState().setPacket({
      from: 'shop/debug',
      to: 'shop/backend',
      port: 8080,
      protocol: 'TCP',
    });
    stops.push(startQueries(store, client), () => client.dispose());
    await expect
      .poll(() => store.getState().walks.calico, { timeout: 20_000 })
      .toMatchObject({ ok: true, result: { verdict: 'dropped' } });
    const walked = store.getState().walks.calico!;
    const probe = walked.ok ? walked.result.probe! : null;
    store.getState().requestFix({ probe: probe!, cni: 'calico', dialect: 'k8s' });
    await expect.poll(() => store.getState().fixAnswer, { timeout: 20_000 }).not.toBeNull();
    const answer = store.getState().fixAnswer!;
    if (!answer.ok) throw new Error(answer.error);
    // The fix edits the text the editor holds, the hand edit included.
    expect(answer.text.startsWith('# edited by hand\n')).toBe(true);
    store.getState().setScenarioText(answer.text);
    await expect
      .poll(() => store.getState().walks.calico, { timeout: 20_000 })
      .toMatchObject({ ok: true, result: { verdict: 'delivered' } });
  });
});
