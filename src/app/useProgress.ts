/**
 * The learner's progress, kept in the browser and exportable as a file.
 */
import { useCallback, useEffect, useState } from 'react';
import {
  answerCheckpoint,
  emptyProgress,
  mergeProgress,
  parseProgress,
  recordChallenge,
  serializeProgress,
  visitStep,
  type Progress,
} from '../lessons/progress';

export const PROGRESS_KEY = 'packetwalk.progress';
/** Where stored progress this app cannot read is kept aside instead of being replaced. */
export const UNREADABLE_PROGRESS_KEY = 'packetwalk.progress.unreadable';

/** Stored progress this version could not read (corrupt, or written by a newer version). */
export interface UnreadableProgress {
  readonly text: string;
  readonly error: string;
}

type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/**
 * Reads the stored progress once. Unreadable progress is never silently replaced: it is copied to
 * UNREADABLE_PROGRESS_KEY first (so it survives the empty progress written next) and returned, so
 * the list can say so and offer it for export.
 */
export function readStoredProgress(storage: StorageLike | undefined): {
  progress: Progress;
  unreadable: UnreadableProgress | null;
} {
  let unreadable: UnreadableProgress | null = null;
  try {
    const aside = storage?.getItem(UNREADABLE_PROGRESS_KEY);
    const text = storage?.getItem(PROGRESS_KEY);
    if (text) {
      const r = parseProgress(text);
      if (r.ok) return { progress: r.progress, unreadable: asideOf(aside) };
      storage!.setItem(UNREADABLE_PROGRESS_KEY, JSON.stringify({ text, error: r.error }));
      unreadable = { text, error: r.error };
    } else unreadable = asideOf(aside);
  } catch {
    // Private mode or a full quota: what could not be read stays where it was.
  }
  return { progress: emptyProgress(), unreadable };
}

function asideOf(stored: string | null | undefined): UnreadableProgress | null {
  if (!stored) return null;
  try {
    const o = JSON.parse(stored) as Partial<UnreadableProgress>;
    return typeof o.text === 'string' && typeof o.error === 'string'
      ? { text: o.text, error: o.error }
      : null;
  } catch {
    return null;
  }
}

function storage(): StorageLike | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

export function useProgress() {
  // Read once per mount (a lazy initial state), not at every render.
  const [initial] = useState(() => readStoredProgress(storage()));
  const [progress, setProgress] = useState<Progress>(initial.progress);
  const [unreadable, setUnreadable] = useState(initial.unreadable);
  useEffect(() => {
    try {
      window.localStorage.setItem(PROGRESS_KEY, serializeProgress(progress));
    } catch {
      // Private mode or a full quota: progress still holds for this session.
    }
  }, [progress]);
  return {
    progress,
    visit: useCallback(
      (lessonId: string, step: number, total: number) =>
        setProgress((p) => visitStep(p, lessonId, step, total)),
      [],
    ),
    answer: useCallback(
      (lessonId: string, stepId: string, answer: string, correct: boolean) =>
        setProgress((p) => answerCheckpoint(p, lessonId, stepId, answer, correct)),
      [],
    ),
    /** Challenge mode: a challenge graded `score` of `of` (see recordChallenge). */
    recordChallenge: useCallback(
      (key: string, score: number, of: number) =>
        setProgress((p) => recordChallenge(p, key, score, of)),
      [],
    ),
    /** Merges an exported file in; returns an error message when the file is not progress. */
    importText: useCallback((text: string): string | null => {
      const r = parseProgress(text);
      if (!r.ok) return r.error;
      setProgress((p) => mergeProgress(p, r.progress));
      return null;
    }, []),
    exportText: () => serializeProgress(progress),
    /** Progress kept aside because it could not be read, until the learner dismisses it. */
    unreadable,
    dismissUnreadable: useCallback(() => {
      storage()?.removeItem(UNREADABLE_PROGRESS_KEY);
      setUnreadable(null);
    }, []),
  };
}
