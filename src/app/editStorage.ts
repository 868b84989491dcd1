/**
 * Where the user's edits are kept: IndexedDB (through idb-keyval), whose quota is a share of the
 * disk rather than localStorage's 5 MB per origin, with localStorage only as a fallback for small
 * texts when IndexedDB is unavailable (some private modes) or refuses a write.
 *
 * The controller reads edits synchronously while it opens a link, so the edits are read once into
 * memory before it starts (`openEditStorage`), and every write goes to memory at once and to
 * IndexedDB behind it. A write that fails in both places is reported through `onProblem` in words;
 * the text stays in memory (and in the editor), never thrown into the editor's listener.
 */
import { createStore, del, entries, set, type UseStore } from 'idb-keyval';

/** What the controller needs: the synchronous part of the Storage interface. */
export interface EditStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Texts up to this size may fall back to localStorage; larger ones would only meet its quota. */
export const LOCAL_FALLBACK_MAX_CHARS = 256 * 1024;

export interface EditStorageOptions {
  /** Keys with this prefix are the edits (kept in IndexedDB, migrated out of localStorage). */
  readonly prefix: string;
  /** The IndexedDB store, or null where IndexedDB is unavailable. */
  readonly idb: UseStore | null;
  readonly local:
    Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'> | undefined;
  /** A write could not be kept anywhere (or could again, with null). */
  readonly onProblem?: (message: string | null) => void;
  /** How a problem names what was not kept ("Your edit" unless told). */
  readonly what?: string;
}

export function browserIdbStore(): UseStore | null {
  try {
    return typeof indexedDB === 'undefined' ? null : createStore('packetwalk', 'edits');
  } catch {
    return null;
  }
}

const size = (chars: number): string =>
  chars >= 1024 * 1024
    ? `${(chars / (1024 * 1024)).toFixed(1)} MB`
    : `${Math.max(1, Math.round(chars / 1024))} kB`;

const reason = (e: unknown): string =>
  e instanceof DOMException && e.name === 'QuotaExceededError'
    ? "the browser's storage quota is full"
    : e instanceof Error
      ? e.message
      : String(e);

/** The stored keys too (the scenario library lists its records). */
export interface ListableStorage extends EditStorage {
  keys(): string[];
}

export async function openEditStorage(options: EditStorageOptions): Promise<ListableStorage> {
  const { prefix, local, onProblem } = options;
  let idb = options.idb;
  const memory = new Map<string, string>();

  // Edits an older version kept in localStorage come along (and leave it once IndexedDB has them).
  const legacy: [string, string][] = [];
  try {
    for (let i = 0; local && i < local.length; i++) {
      const key = local.key(i);
      if (key?.startsWith(prefix)) legacy.push([key, local.getItem(key) ?? '']);
    }
  } catch {
    // localStorage unreadable: nothing to migrate.
  }
  for (const [k, v] of legacy) memory.set(k, v);
  if (idb) {
    try {
      for (const [k, v] of await entries<string, unknown>(idb)) {
        if (typeof k === 'string' && typeof v === 'string' && !memory.has(k)) memory.set(k, v);
      }
      for (const [k, v] of legacy) {
        await set(k, v, idb);
        local?.removeItem(k);
      }
    } catch {
      idb = null; // blocked or broken: keep to localStorage for this session
    }
  }

  /** The writes in flight, in order: a later one always lands after an earlier one. */
  let chain: Promise<void> = Promise.resolve();
  function persist(key: string, value: string | null): void {
    chain = chain.then(async () => {
      // A newer write of the same key is queued behind this one: let it do the work.
      if ((memory.get(key) ?? null) !== value) return;
      let idbError: unknown = null;
      if (idb) {
        try {
          if (value === null) await del(key, idb);
          else await set(key, value, idb);
          local?.removeItem(key);
          onProblem?.(null);
          return;
        } catch (e) {
          idbError = e;
        }
      }
      if (value === null) {
        local?.removeItem(key);
        return;
      }
      if (value.length <= LOCAL_FALLBACK_MAX_CHARS && local) {
        try {
          local.setItem(key, value);
          onProblem?.(null);
          return;
        } catch (e) {
          idbError ??= e;
        }
      }
      onProblem?.(
        `${options.what ?? 'Your edit'} (${size(value.length)}) could not be kept in this browser (${
          idbError ? reason(idbError) : 'IndexedDB is unavailable here'
        }). It is still in the editor and in this page's link: copy it somewhere safe before closing the tab.`,
      );
    });
  }

  return {
    keys: () => [...memory.keys()],
    getItem: (key) => memory.get(key) ?? null,
    setItem(key, value) {
      memory.set(key, value);
      persist(key, value);
    },
    removeItem(key) {
      memory.delete(key);
      persist(key, null);
    },
    /** Resolves once every write so far has landed (for tests). */
    flush: () => chain,
  } as ListableStorage & { flush(): Promise<void> };
}
