import { describe, expect, it } from 'vitest';
import { serializeProgress, visitStep, emptyProgress } from '../lessons/progress';
import { PROGRESS_KEY, readStoredProgress, UNREADABLE_PROGRESS_KEY } from './useProgress';

function mapStorage(entries: [string, string][] = []) {
  const data = new Map(entries);
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  };
}

describe('stored progress that cannot be read', () => {
  it.each([
    ['corrupt', '{"version":1,"lessons":', /invalid JSON/],
    [
      'from a newer version',
      JSON.stringify({ version: 3, lessons: {}, badges: [] }),
      /unsupported version 3/,
    ],
  ])('is kept aside, not replaced, when %s', (_what, text, error) => {
    const storage = mapStorage([[PROGRESS_KEY, text]]);
    const first = readStoredProgress(storage);
    expect(first.progress).toEqual(emptyProgress());
    expect(first.unreadable).toEqual({ text, error: expect.stringMatching(error) });
    expect(JSON.parse(storage.data.get(UNREADABLE_PROGRESS_KEY)!)).toEqual(first.unreadable);
    // The app then writes fresh progress; the copy aside is still offered on the next visit.
    storage.setItem(PROGRESS_KEY, serializeProgress(visitStep(emptyProgress(), 'l', 0, 3)));
    const next = readStoredProgress(storage);
    expect(next.progress.lessons.l?.visited).toEqual([0]);
    expect(next.unreadable?.text).toBe(text);
  });

  it('reads good progress and sets nothing aside', () => {
    const good = serializeProgress(visitStep(emptyProgress(), 'l', 1, 3));
    const storage = mapStorage([[PROGRESS_KEY, good]]);
    const r = readStoredProgress(storage);
    expect(r.progress.lessons.l?.step).toBe(1);
    expect(r.unreadable).toBeNull();
    expect(storage.data.has(UNREADABLE_PROGRESS_KEY)).toBe(false);
  });
});

describe('stored progress from version 1', () => {
  it('is read and migrated, not set aside', () => {
    const v1 = JSON.stringify({
      version: 1,
      lessons: {
        l: {
          step: 2,
          done: true,
          visited: [0, 1, 2],
          checkpoints: { s1: { answered: 'dropped', correct: true, attempts: 1 } },
        },
      },
    });
    const storage = mapStorage([[PROGRESS_KEY, v1]]);
    const r = readStoredProgress(storage);
    expect(r.unreadable).toBeNull();
    expect(r.progress.version).toBe(2);
    expect(r.progress.lessons.l).toEqual({
      step: 2,
      visited: [0, 1, 2],
      checkpoints: { s1: { answered: 'dropped', correct: true, attempts: 1 } },
    });
    expect(JSON.parse(serializeProgress(r.progress)).version).toBe(2);
  });
});
