import { afterEach, describe, expect, it } from 'vitest';
import { createAppStore, DEFAULT_VIEW, encodeView, LINK_TEXT_MAX } from '../store';
import { createWorkerApi } from '../worker/api';
import { createEngineClient } from '../worker/client';
import { EDITS_KEY_PREFIX, linkDraftKey, startController, type ControllerEnv } from './controller';
import { LESSONS } from './lessons';
import { loadedLessons } from './lessonSource';

function env(hash: string, saved: Map<string, string>) {
  const e: ControllerEnv & { location: { hash: string } } = {
    lessons: loadedLessons(LESSONS),
    location: { hash },
    history: {
      replaceState: (_d: unknown, _t: string, url?: string | URL | null) =>
        void (e.location.hash = String(url)),
      pushState: (_d: unknown, _t: string, url?: string | URL | null) =>
        void (e.location.hash = String(url)),
    },
    storage: {
      getItem: (k) => saved.get(k) ?? null,
      setItem: (k, v) => void saved.set(k, v),
      removeItem: (k) => void saved.delete(k),
    },
  };
  return e;
}

const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((s) => s()));

function start(hash: string, saved: Map<string, string>) {
  const store = createAppStore();
  const client = createEngineClient({
    startWorker: () => null,
    loadFallback: async () => createWorkerApi(),
  });
  const browser = env(hash, saved);
  const stop = startController(store, client, browser);
  stops.push(() => {
    stop();
    client.dispose();
  });
  return Object.assign(store, { location: browser.location });
}

const MINE = '# my own edit\nkind: Namespace\n';
const THEIRS = '# the link author’s edit\nkind: Namespace\n';
const KEY = EDITS_KEY_PREFIX + DEFAULT_VIEW.scenarioId;
const linkTo = (text: string) => `#/walk?${encodeView({ ...DEFAULT_VIEW, scenarioText: text })}`;

describe('a link that carries its own edit (yaml=)', () => {
  it('opens as a separate draft and never overwrites the saved edit, also when edited further', () => {
    const saved = new Map([[KEY, MINE]]);
    const store = start(linkTo(THEIRS), saved);
    expect(store.getState().view.scenarioText).toBe(THEIRS);
    expect(saved.get(KEY)).toBe(MINE);
    expect(saved.get(linkDraftKey(DEFAULT_VIEW.scenarioId))).toBe(THEIRS);
    expect(store.getState().notice).toMatch(/separate draft.*saved edit .* is kept/);
    store.getState().setScenarioText(THEIRS + '# more\n');
    expect(saved.get(KEY)).toBe(MINE);
    expect(saved.get(linkDraftKey(DEFAULT_VIEW.scenarioId))).toBe(THEIRS + '# more\n');
    // Reset leaves the link's draft and returns to the user's own edit.
    store.getState().setScenarioText(null);
    expect(store.getState().view.scenarioText).toBe(MINE);
    expect(saved.get(KEY)).toBe(MINE);
    expect(saved.has(linkDraftKey(DEFAULT_VIEW.scenarioId))).toBe(false);
  });

  it('is kept as the edit when there was none to lose, as before', () => {
    const saved = new Map<string, string>();
    const store = start(linkTo(THEIRS), saved);
    store.getState().setScenarioText(THEIRS + '# more\n');
    expect(saved.get(KEY)).toBe(THEIRS + '# more\n');
    expect(store.getState().notice).toBeNull();
  });
});

describe('an edit too long for a link (LINK_TEXT_MAX)', () => {
  const BIG = `${MINE}#${'x'.repeat(LINK_TEXT_MAX)}\n`;

  it('stays out of the URL, and a reload brings it back from the saved edits', () => {
    const saved = new Map<string, string>();
    const store = start('', saved);
    store.getState().setScenarioText(BIG);
    expect(store.location.hash).not.toMatch(/yaml=|edits=/);
    expect(saved.get(KEY)).toBe(BIG);
    const reloaded = start(store.location.hash, saved);
    expect(reloaded.getState().view.scenarioText).toBe(BIG);
  });

  it("as a link's draft, reopens as that draft on reload, the saved edit still kept apart", () => {
    const saved = new Map([[KEY, MINE]]);
    const store = start(linkTo(THEIRS), saved);
    store.getState().setScenarioText(BIG);
    expect(store.location.hash).not.toContain('yaml=');
    expect(store.location.hash).toContain('edits=draft');
    expect(saved.get(linkDraftKey(DEFAULT_VIEW.scenarioId))).toBe(BIG);
    const reloaded = start(store.location.hash, saved);
    expect(reloaded.getState().view.scenarioText).toBe(BIG);
    expect(saved.get(KEY)).toBe(MINE);
    // Reset still leaves the draft for the user's own edit.
    reloaded.getState().setScenarioText(null);
    expect(reloaded.getState().view.scenarioText).toBe(MINE);
    expect(saved.has(linkDraftKey(DEFAULT_VIEW.scenarioId))).toBe(false);
  });
});
