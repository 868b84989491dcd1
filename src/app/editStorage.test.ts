import 'fake-indexeddb/auto';
import { createStore, type UseStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { LOCAL_FALLBACK_MAX_CHARS, openEditStorage, type EditStorage } from './editStorage';

const PREFIX = 'packetwalk.edits.';

/** localStorage with its 5 MB wall: a write past it throws QuotaExceededError, as browsers do. */
function fakeLocalStorage(limitChars = 5 * 1024 * 1024) {
  const data = new Map<string, string>();
  const used = () => [...data].reduce((n, [k, v]) => n + k.length + v.length, 0);
  return {
    data,
    get length() {
      return data.size;
    },
    key: (i: number) => [...data.keys()][i] ?? null,
    getItem: (k: string) => data.get(k) ?? null,
    setItem(k: string, v: string) {
      if (used() - (data.get(k)?.length ?? 0) + k.length + v.length > limitChars)
        throw new DOMException('quota', 'QuotaExceededError');
      data.set(k, v);
    },
    removeItem: (k: string) => void data.delete(k),
  };
}

let dbCount = 0;
const freshIdb = () => createStore(`test-${++dbCount}`, 'edits');
const flush = (s: EditStorage) => (s as EditStorage & { flush(): Promise<void> }).flush();
const bigText = (chars: number) => {
  const line = '# a long comment line in a pasted manifest, kept as typed\n';
  return line.repeat(Math.ceil(chars / line.length)).slice(0, chars);
};

describe('edit storage', () => {
  it('keeps a 5 MB edit in IndexedDB across a reopen (a reload), where localStorage would refuse it', async () => {
    const idb = freshIdb();
    const local = fakeLocalStorage();
    const problems: (string | null)[] = [];
    const text = bigText(5 * 1024 * 1024 + 10);
    expect(() => local.setItem(PREFIX + 'x', text)).toThrow(/quota/);
    const first = await openEditStorage({
      prefix: PREFIX,
      idb,
      local,
      onProblem: (p) => problems.push(p),
    });
    first.setItem(PREFIX + 'seed-policies', text);
    expect(first.getItem(PREFIX + 'seed-policies')).toBe(text); // at once, before the write lands
    await flush(first);
    expect(problems.filter(Boolean)).toEqual([]);
    const reopened = await openEditStorage({ prefix: PREFIX, idb, local });
    expect(reopened.getItem(PREFIX + 'seed-policies')).toBe(text);
    reopened.removeItem(PREFIX + 'seed-policies');
    await flush(reopened);
    expect(
      (await openEditStorage({ prefix: PREFIX, idb, local })).getItem(PREFIX + 'seed-policies'),
    ).toBeNull();
  });

  it('moves edits an older version kept in localStorage into IndexedDB', async () => {
    const idb = freshIdb();
    const local = fakeLocalStorage();
    local.setItem(PREFIX + 'multi-rack', 'kind: Pod\n');
    local.setItem('packetwalk.theme', 'dark');
    const s = await openEditStorage({ prefix: PREFIX, idb, local });
    expect(s.getItem(PREFIX + 'multi-rack')).toBe('kind: Pod\n');
    expect(local.data.has(PREFIX + 'multi-rack')).toBe(false);
    expect(local.data.get('packetwalk.theme')).toBe('dark');
    expect(
      (await openEditStorage({ prefix: PREFIX, idb, local })).getItem(PREFIX + 'multi-rack'),
    ).toBe('kind: Pod\n');
  });

  it('when IndexedDB refuses a write: a small edit falls back to localStorage, a large one is reported and kept in memory', async () => {
    const real = freshIdb();
    const full: UseStore = (mode, callback) =>
      mode === 'readwrite'
        ? Promise.reject(new DOMException('full', 'QuotaExceededError'))
        : real(mode, callback);
    const local = fakeLocalStorage();
    const problems: (string | null)[] = [];
    const s = await openEditStorage({
      prefix: PREFIX,
      idb: full,
      local,
      onProblem: (p) => problems.push(p),
    });
    s.setItem(PREFIX + 'small', 'kind: Pod\n');
    await flush(s);
    expect(local.data.get(PREFIX + 'small')).toBe('kind: Pod\n');
    expect(problems).toEqual([null]);
    const large = bigText(LOCAL_FALLBACK_MAX_CHARS + 1);
    s.setItem(PREFIX + 'large', large);
    await flush(s);
    expect(problems.at(-1)).toMatch(
      /Your edit \(256 kB\) could not be kept in this browser \(the browser's storage quota is full\)\. It is still in the editor/,
    );
    expect(s.getItem(PREFIX + 'large')).toBe(large);
    expect(local.data.has(PREFIX + 'large')).toBe(false);
  });

  it('works from localStorage alone where IndexedDB is unavailable', async () => {
    const local = fakeLocalStorage();
    const s = await openEditStorage({ prefix: PREFIX, idb: null, local });
    s.setItem(PREFIX + 'a', 'x');
    await flush(s);
    expect(
      (await openEditStorage({ prefix: PREFIX, idb: null, local })).getItem(PREFIX + 'a'),
    ).toBe('x');
  });
});
