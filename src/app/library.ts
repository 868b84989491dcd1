/**
 * The scenario library (issue 18): the user's own scenarios, each named, kept in the browser's
 * IndexedDB (a database of its own, through the same memory-first storage as the edits,
 * editStorage.ts, so localStorage is the fallback), each with its edits (kept as a built-in's are,
 * under the edits key of its id).
 *
 * The store holds the library in memory (`userScenarios`); every change made there is written
 * behind it here, so the controller can read a link's `scenario=my:…` synchronously. A deleted
 * scenario stays in the store, marked trashed, while its Undo is on offer; only when the offer
 * ends is it dropped (and its edits with it). One still trashed when the tab closed is dropped at
 * the next start.
 */
import { createStore, type UseStore } from 'idb-keyval';
import {
  DEFAULT_VIEW,
  isUserScenarioId,
  USER_SCENARIO_PREFIX,
  type AppStore,
  type LibraryActions,
  type UserScenario,
  type ViewState,
} from '../store';
import type { ListableStorage } from './editStorage';
import { scenarioText } from './queries';
import { BUILT_IN_SCENARIOS } from './scenarios';

export const LIBRARY_KEY_PREFIX = 'packetwalk.library.';
export const NAME_MAX_CHARS = 80;

export function browserLibraryIdb(): UseStore | null {
  try {
    return typeof indexedDB === 'undefined' ? null : createStore('packetwalk-library', 'scenarios');
  } catch {
    return null;
  }
}

/** The id part of a name: lower case letters, digits and dashes ("My cluster" -> "my-cluster"). */
export function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents go, their letters stay ("É" -> "e")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
  return slug || 'scenario';
}

/** A new id for `name`, unlike every id in `taken` (`my:my-cluster`, then `my:my-cluster-2`…). */
export function freshId(name: string, taken: ReadonlySet<string>): string {
  const base = `${USER_SCENARIO_PREFIX}${slugOf(name)}`;
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

const sameName = (a: string, b: string) =>
  a.localeCompare(b, undefined, { sensitivity: 'base' }) === 0;

/** The name as it will be kept, or why it cannot be. */
export function checkName(
  name: string,
  names: readonly string[],
): { name: string } | { error: string } {
  const trimmed = name.trim().replace(/\s+/g, ' ');
  if (!trimmed) return { error: 'Give the scenario a name.' };
  if (trimmed.length > NAME_MAX_CHARS)
    return {
      error: `A name has at most ${NAME_MAX_CHARS} characters (this one has ${trimmed.length}).`,
    };
  if (names.some((n) => sameName(n, trimmed)))
    return { error: `A scenario named "${trimmed}" already exists.` };
  return { name: trimmed };
}

/** "Copy of X", then "Copy of X (2)"… */
export function copyName(name: string, names: readonly string[]): string {
  const base = `Copy of ${name}`.slice(0, NAME_MAX_CHARS);
  if (!names.some((n) => sameName(n, base))) return base;
  for (let n = 2; ; n++) {
    const next = `${base.slice(0, NAME_MAX_CHARS - 5)} (${n})`;
    if (!names.some((m) => sameName(m, next))) return next;
  }
}

/** A stored record, or why it is unreadable. */
export function parseRecord(key: string, json: string): UserScenario | string {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return `${key}: not JSON`;
  }
  const r = value as Partial<Record<keyof UserScenario, unknown>> | null;
  if (!r || typeof r !== 'object') return `${key}: not an object`;
  if (typeof r.id !== 'string' || !isUserScenarioId(r.id)) return `${key}: "id" is not a my:… id`;
  if (LIBRARY_KEY_PREFIX + r.id !== key) return `${key}: "id" ${r.id} does not match its key`;
  if (typeof r.name !== 'string' || !r.name.trim()) return `${key}: "name" is missing`;
  if (typeof r.text !== 'string') return `${key}: "text" is not a string`;
  const time = (t: unknown) => (typeof t === 'number' && Number.isFinite(t) ? t : 0);
  return {
    id: r.id,
    name: r.name,
    text: r.text,
    created: time(r.created),
    updated: time(r.updated),
    ...(r.trashed === true ? { trashed: true } : {}),
  };
}

/** The records kept, oldest first; unreadable ones are left where they are and reported. */
export function readLibrary(storage: Pick<ListableStorage, 'keys' | 'getItem'>): {
  scenarios: UserScenario[];
  problems: string[];
} {
  const scenarios: UserScenario[] = [];
  const problems: string[] = [];
  for (const key of storage.keys()) {
    if (!key.startsWith(LIBRARY_KEY_PREFIX)) continue;
    const parsed = parseRecord(key, storage.getItem(key) ?? '');
    if (typeof parsed === 'string') problems.push(parsed);
    else scenarios.push(parsed);
  }
  scenarios.sort((a, b) => a.created - b.created || a.id.localeCompare(b.id));
  return { scenarios, problems };
}

/** A record for a link's `my:` scenario this browser does not have, named from its id. */
export function linkScenario(id: string, text: string, now: number): UserScenario {
  const words = id.slice(USER_SCENARIO_PREFIX.length).replace(/-/g, ' ');
  const name = `${words.charAt(0).toUpperCase()}${words.slice(1)} (from a link)`;
  return { id, name, text, created: now, updated: now };
}

/**
 * A link names a user scenario: open it from the library; one this browser does not have is added
 * from the text the link carries (nothing is lost), or, with no text, the default scenario opens and
 * the notice says why.
 */
export function openUserScenarioLink(
  view: ViewState,
  library: readonly UserScenario[],
  now: number,
): { view: ViewState; library?: UserScenario[]; notice?: string } {
  const id = view.scenarioId;
  if (!isUserScenarioId(id) || library.some((s) => s.id === id && !s.trashed)) return { view };
  if (view.scenarioText === null) {
    return {
      view: { ...view, scenarioId: DEFAULT_VIEW.scenarioId, packet: null, step: 0 },
      notice:
        `This link opens the scenario "${id}", which is not in this browser's library (it was saved in ` +
        'another browser, and the link does not carry its text), so the default scenario is shown.',
    };
  }
  const record = linkScenario(id, view.scenarioText, now);
  return {
    view: { ...view, scenarioText: null },
    library: [...library.filter((s) => s.id !== id), record],
    notice: `The scenario "${id}" was not in this browser's library: it is added, as "${record.name}", from the text in the link.`,
  };
}

export interface LibraryEnv {
  /** Where the records are kept (openEditStorage with LIBRARY_KEY_PREFIX over its own database). */
  readonly storage: Pick<ListableStorage, 'keys' | 'getItem' | 'setItem' | 'removeItem'>;
  /** The edits, and the keys a scenario's edits are kept under (dropped with the scenario). */
  readonly edits: Pick<Storage, 'getItem' | 'removeItem'> | undefined;
  readonly editKeys: (id: string) => readonly string[];
  readonly now?: () => number;
}

/**
 * Reads the library into the store, writes the store's changes behind it, and provides the
 * library's operations to the views. Returns the unsubscribe.
 */
export function startLibrary(store: AppStore, env: LibraryEnv): () => void {
  const now = env.now ?? Date.now;
  const get = store.getState;
  const { scenarios, problems } = readLibrary(env.storage);
  const drop = (id: string) => {
    env.storage.removeItem(LIBRARY_KEY_PREFIX + id);
    for (const key of env.editKeys(id)) env.edits?.removeItem(key);
  };
  // Deleted in a tab that closed before its Undo ran out: gone now.
  for (const s of scenarios) if (s.trashed) drop(s.id);
  get().setUserScenarios(scenarios.filter((s) => !s.trashed));
  if (problems.length > 0)
    get().setNotice(
      `Some saved scenarios could not be read (${problems.join('; ')}); they are left as they were.`,
    );

  const unsubscribe = store.subscribe((state, previous) => {
    if (state.userScenarios === previous.userScenarios) return;
    const before = new Map(previous.userScenarios.map((s) => [s.id, s]));
    for (const s of state.userScenarios) {
      if (before.get(s.id) !== s) env.storage.setItem(LIBRARY_KEY_PREFIX + s.id, JSON.stringify(s));
      before.delete(s.id);
    }
    for (const id of before.keys()) drop(id);
  });

  const live = () => get().userScenarios.filter((s) => !s.trashed);
  const names = (except?: string) => [
    ...BUILT_IN_SCENARIOS.map((s) => s.title),
    ...live()
      .filter((s) => s.id !== except)
      .map((s) => s.name),
  ];
  const taken = () =>
    new Set([...BUILT_IN_SCENARIOS.map((s) => s.id), ...get().userScenarios.map((s) => s.id)]);
  const update = (id: string, change: (s: UserScenario) => UserScenario | null) =>
    get().setUserScenarios(
      get().userScenarios.flatMap((s) => {
        if (s.id !== id) return [s];
        const next = change(s);
        return next ? [next] : [];
      }),
    );
  /** A scenario's latest text: the edits (the editor's, for the one on screen), else as saved. */
  const textOf = (id: string): string => {
    const s = get();
    if (id === s.view.scenarioId) return scenarioText(s.view, s.generation, s.userScenarios);
    const [editKey] = env.editKeys(id);
    const edited = editKey === undefined ? null : (env.edits?.getItem(editKey) ?? null);
    if (edited !== null) return edited;
    return scenarioText({ ...s.view, scenarioId: id, scenarioText: null }, null, s.userScenarios);
  };
  const add = (name: string, text: string): string => {
    const t = now();
    const id = freshId(name, taken());
    get().setUserScenarios([...get().userScenarios, { id, name, text, created: t, updated: t }]);
    return id;
  };
  const open = (id: string) => {
    if (get().route.page !== 'walk') get().setRoute({ page: 'walk' });
    if (get().view.scenarioId !== id) get().setScenario(id);
  };

  const actions: LibraryActions = {
    saveAs(name) {
      const checked = checkName(name, names());
      if ('error' in checked) return checked;
      const text = textOf(get().view.scenarioId);
      if (text === '')
        return { error: 'The scenario on screen has no text yet (it is still being generated).' };
      const id = add(checked.name, text);
      open(id);
      return { id };
    },
    open,
    rename(id, name) {
      const current = live().find((s) => s.id === id);
      if (!current) return { error: 'Only your own scenarios can be renamed.' };
      const checked = checkName(name, names(id));
      if ('error' in checked) return checked;
      if (checked.name !== current.name)
        update(id, (s) => ({ ...s, name: checked.name, updated: now() }));
      return null;
    },
    duplicate(id) {
      const source =
        live().find((s) => s.id === id)?.name ??
        BUILT_IN_SCENARIOS.find((s) => s.id === id)?.title ??
        id;
      return add(copyName(source, names()), textOf(id));
    },
    remove(id) {
      const record = live().find((s) => s.id === id);
      if (!record) return;
      const wasOpen = get().view.scenarioId === id;
      update(id, (s) => ({ ...s, trashed: true }));
      if (wasOpen) get().setScenario(DEFAULT_VIEW.scenarioId);
      get().offerUndo({
        message: `Deleted "${record.name}".`,
        undo: () => {
          update(id, (s) => {
            const restored: UserScenario = { ...s };
            delete (restored as { trashed?: boolean }).trashed;
            return restored;
          });
          if (wasOpen) open(id);
        },
        expire: () => update(id, (s) => (s.trashed ? null : s)),
      });
    },
  };
  get().setLibraryActions(actions);
  return () => {
    unsubscribe();
    get().setLibraryActions(null);
  };
}
