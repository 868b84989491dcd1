import 'fake-indexeddb/auto';
import { createStore } from 'idb-keyval';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppStore, DEFAULT_VIEW, encodeView, type AppStore } from '../store';
import { createWorkerApi } from '../worker/api';
import { createEngineClient } from '../worker/client';
import { EDITS_KEY_PREFIX, linkDraftKey, startController, type ControllerEnv } from './controller';
import { openEditStorage, type ListableStorage } from './editStorage';
import {
  checkName,
  copyName,
  freshId,
  LIBRARY_KEY_PREFIX,
  openUserScenarioLink,
  parseRecord,
  readLibrary,
  slugOf,
  startLibrary,
} from './library';
import { LESSONS } from './lessons';
import { loadedLessons } from './lessonSource';
import { BUILT_IN_SCENARIOS } from './scenarios';

const SEED = BUILT_IN_SCENARIOS[0]!;
const TWO = BUILT_IN_SCENARIOS[1]!;

let dbCount = 0;
/** A browser profile: the library's database and the edits' (a Map, as the controller sees it). */
function profile() {
  return {
    idb: createStore(`library-test-${++dbCount}`, 'scenarios'),
    edits: new Map<string, string>(),
  };
}
type Profile = ReturnType<typeof profile>;

const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((s) => s()));

const flush = (s: ListableStorage) => (s as ListableStorage & { flush(): Promise<void> }).flush();

/** Opens the library of a profile into a fresh store, as App.tsx does at start-up. */
async function open(p: Profile, store: AppStore = createAppStore(), t = { now: 1000 }) {
  const storage = await openEditStorage({
    prefix: LIBRARY_KEY_PREFIX,
    idb: p.idb,
    local: undefined,
  });
  const edits = {
    getItem: (k: string) => p.edits.get(k) ?? null,
    setItem: (k: string, v: string) => void p.edits.set(k, v),
    removeItem: (k: string) => void p.edits.delete(k),
  };
  stops.push(
    startLibrary(store, {
      storage,
      edits,
      editKeys: (id) => [EDITS_KEY_PREFIX + id, linkDraftKey(id)],
      now: () => t.now++,
    }),
  );
  const actions = store.getState().libraryActions!;
  return { store, storage, actions, edits };
}

describe('names and ids', () => {
  it('makes a link-safe id of a name, unlike the ids taken', () => {
    expect(slugOf('My cluster')).toBe('my-cluster');
    expect(slugOf('  Équipe: prod / staging!! ')).toBe('equipe-prod-staging');
    expect(slugOf('☃☃')).toBe('scenario');
    expect(freshId('My cluster', new Set())).toBe('my:my-cluster');
    expect(freshId('My cluster', new Set(['my:my-cluster', 'my:my-cluster-2']))).toBe(
      'my:my-cluster-3',
    );
  });

  it('refuses an empty, too long or already used name (case aside), and says so', () => {
    expect(checkName('  My   cluster ', [])).toEqual({ name: 'My cluster' });
    expect(checkName('   ', [])).toEqual({ error: 'Give the scenario a name.' });
    expect(checkName('x'.repeat(81), [])).toEqual({
      error: 'A name has at most 80 characters (this one has 81).',
    });
    expect(checkName('my CLUSTER', ['My cluster'])).toEqual({
      error: 'A scenario named "my CLUSTER" already exists.',
    });
    expect(copyName('Lab', ['Lab'])).toBe('Copy of Lab');
    expect(copyName('Lab', ['Lab', 'Copy of Lab', 'Copy of Lab (2)'])).toBe('Copy of Lab (3)');
  });

  it('reads a stored record, or says what is wrong with it', () => {
    const key = `${LIBRARY_KEY_PREFIX}my:lab`;
    const good = { id: 'my:lab', name: 'Lab', text: 'kind: Pod\n', created: 1, updated: 2 };
    expect(parseRecord(key, JSON.stringify(good))).toEqual(good);
    expect(parseRecord(key, '{')).toBe(`${key}: not JSON`);
    expect(parseRecord(key, JSON.stringify({ ...good, id: 'lab' }))).toBe(
      `${key}: "id" is not a my:… id`,
    );
    expect(parseRecord(key, JSON.stringify({ ...good, id: 'my:other' }))).toBe(
      `${key}: "id" my:other does not match its key`,
    );
    expect(parseRecord(key, JSON.stringify({ ...good, text: 3 }))).toBe(
      `${key}: "text" is not a string`,
    );
  });
});

describe('the library', () => {
  it('saves the edited scenario under a name, opens it, and finds it again after a reload', async () => {
    const p = profile();
    const { store, storage, actions } = await open(p);
    store.getState().setScenarioText(`# my edit\n${SEED.text}`);
    expect(actions.saveAs('')).toEqual({ error: 'Give the scenario a name.' });
    expect(actions.saveAs(SEED.title)).toEqual({
      error: `A scenario named "${SEED.title}" already exists.`,
    });
    expect(actions.saveAs('My cluster')).toEqual({ id: 'my:my-cluster' });
    expect(store.getState().view.scenarioId).toBe('my:my-cluster');
    expect(store.getState().view.scenarioText).toBeNull();
    await flush(storage);

    const again = await open(p);
    expect(again.store.getState().userScenarios).toEqual([
      {
        id: 'my:my-cluster',
        name: 'My cluster',
        text: `# my edit\n${SEED.text}`,
        created: 1000,
        updated: 1000,
      },
    ]);
  });

  it('renames and duplicates (a built-in with its edits too); a built-in cannot be renamed', async () => {
    const p = profile();
    const { store, storage, actions } = await open(p);
    actions.saveAs('Lab');
    expect(actions.rename('my:lab', 'Lab two')).toBeNull();
    expect(actions.rename(SEED.id, 'Mine')).toEqual({
      error: 'Only your own scenarios can be renamed.',
    });
    expect(actions.rename('my:lab', TWO.title)).toEqual({
      error: `A scenario named "${TWO.title}" already exists.`,
    });
    // The id stays (links keep working), the name changes.
    expect(store.getState().userScenarios.map((s) => [s.id, s.name])).toEqual([
      ['my:lab', 'Lab two'],
    ]);
    p.edits.set(EDITS_KEY_PREFIX + TWO.id, '# edited two\n');
    const copy = actions.duplicate(TWO.id);
    const copy2 = actions.duplicate(TWO.id);
    await flush(storage);
    const list = (await open(p)).store.getState().userScenarios;
    expect(list.map((s) => [s.id, s.name, s.text])).toEqual([
      ['my:lab', 'Lab two', SEED.text],
      [copy, `Copy of ${TWO.title}`, '# edited two\n'],
      [copy2, `Copy of ${TWO.title} (2)`, '# edited two\n'],
    ]);
  });

  it('deletes with an undo: Undo brings it back (and reopens it); the window closing drops it and its edits', async () => {
    const p = profile();
    const { store, storage, actions } = await open(p);
    actions.saveAs('Lab');
    store.getState().setScenarioText('# lab edit\n');
    p.edits.set(EDITS_KEY_PREFIX + 'my:lab', '# lab edit\n');
    actions.remove('my:lab');
    expect(store.getState().view.scenarioId).toBe(DEFAULT_VIEW.scenarioId);
    expect(store.getState().undoOffer?.message).toBe('Deleted "Lab".');
    // Kept (marked) while the Undo is on offer.
    expect(store.getState().userScenarios[0]?.trashed).toBe(true);
    store.getState().settleUndo(store.getState().undoOffer!.key, 'undo');
    expect(store.getState().userScenarios[0]?.trashed).toBeUndefined();
    expect(store.getState().view.scenarioId).toBe('my:lab');

    actions.remove('my:lab');
    store.getState().settleUndo(store.getState().undoOffer!.key, 'expire');
    expect(store.getState().userScenarios).toEqual([]);
    expect(p.edits.has(EDITS_KEY_PREFIX + 'my:lab')).toBe(false);
    await flush(storage);
    expect((await open(p)).store.getState().userScenarios).toEqual([]);
  });

  it('drops at start-up a scenario deleted in a tab closed before its Undo ran out', async () => {
    const p = profile();
    const { actions, storage } = await open(p);
    actions.saveAs('Keep');
    actions.saveAs('Gone');
    actions.remove('my:gone');
    await flush(storage);
    const again = await open(p);
    expect(again.store.getState().userScenarios.map((s) => s.id)).toEqual(['my:keep']);
    await flush(again.storage);
    expect(readLibrary(again.storage).scenarios.map((s) => s.id)).toEqual(['my:keep']);
  });

  it('a second offer closes the first: its deletion is done', async () => {
    const { store, actions } = await open(profile());
    actions.saveAs('A');
    actions.saveAs('B');
    actions.remove('my:a');
    actions.remove('my:b');
    expect(store.getState().userScenarios.map((s) => [s.id, !!s.trashed])).toEqual([
      ['my:b', true],
    ]);
  });
});

describe('a link to a user scenario', () => {
  const view = { ...DEFAULT_VIEW, scenarioId: 'my:team-lab' };
  it('opens it when the library has it', () => {
    const record = { id: 'my:team-lab', name: 'Team lab', text: 'x', created: 1, updated: 1 };
    expect(openUserScenarioLink(view, [record], 5)).toEqual({ view });
  });
  it('adds one this browser lacks from the text in the link', () => {
    const opened = openUserScenarioLink({ ...view, scenarioText: 'kind: Pod\n' }, [], 5);
    expect(opened.view).toEqual(view);
    expect(opened.library).toEqual([
      {
        id: 'my:team-lab',
        name: 'Team lab (from a link)',
        text: 'kind: Pod\n',
        created: 5,
        updated: 5,
      },
    ]);
    expect(opened.notice).toMatch(/"my:team-lab" was not in this browser's library: it is added/);
  });
  it('without text, opens the default scenario and says why', () => {
    const opened = openUserScenarioLink(view, [], 5);
    expect(opened.view.scenarioId).toBe(DEFAULT_VIEW.scenarioId);
    expect(opened.notice).toMatch(/"my:team-lab", which is not in this browser's library/);
  });

  it('through the controller: the engine loads the library text of a my: link', async () => {
    const p = profile();
    const { store } = await open(p);
    const text = TWO.text.replace(/^/, '# team lab\n');
    store
      .getState()
      .setUserScenarios([{ id: 'my:team-lab', name: 'Team lab', text, created: 1, updated: 1 }]);
    const hash = `#/walk?${encodeView({ ...DEFAULT_VIEW, scenarioId: 'my:team-lab' })}`;
    const env: ControllerEnv & { location: { hash: string } } = {
      lessons: loadedLessons(LESSONS),
      location: { hash },
      history: {
        replaceState: (_d, _t, url) => void (env.location.hash = String(url)),
        pushState: (_d, _t, url) => void (env.location.hash = String(url)),
      },
      storage: {
        getItem: (k) => p.edits.get(k) ?? null,
        setItem: (k, v) => void p.edits.set(k, v),
        removeItem: (k) => void p.edits.delete(k),
      },
    };
    const client = createEngineClient({
      startWorker: () => null,
      loadFallback: async () => createWorkerApi(),
    });
    stops.push(startController(store, client, env), () => client.dispose());
    expect(store.getState().view.scenarioId).toBe('my:team-lab');
    expect(store.getState().notice).toBeNull();
    await expect
      .poll(() => store.getState().loadedScenario?.id, { timeout: 5000 })
      .toBe('my:team-lab');
    // two-node-basic's pods, from the library's text (not the default scenario's).
    expect(store.getState().cluster?.pods.map((pod) => pod.name)).toEqual([
      'pod-a',
      'pod-b',
      'pod-c',
    ]);
    expect(env.location.hash).toContain('scenario=my:team-lab&');
    expect(env.location.hash).not.toContain('yaml=');
  });
});
