/**
 * The learner's progress, kept in the browser and exportable as a file.
 */
import { useCallback, useEffect, useState } from 'react';
import {
  answerCheckpoint,
  emptyProgress,
  mergeProgress,
  parseProgress,
  serializeProgress,
  visitStep,
  type Progress,
} from '../lessons/progress';

export const PROGRESS_KEY = 'packetwalk.progress';

function readStored(): Progress {
  try {
    const text = window.localStorage.getItem(PROGRESS_KEY);
    if (!text) return emptyProgress();
    const r = parseProgress(text);
    return r.ok ? r.progress : emptyProgress();
  } catch {
    return emptyProgress();
  }
}

export function useProgress() {
  const [progress, setProgress] = useState<Progress>(readStored);
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
    /** Merges an exported file in; returns an error message when the file is not progress. */
    importText: useCallback((text: string): string | null => {
      const r = parseProgress(text);
      if (!r.ok) return r.error;
      setProgress((p) => mergeProgress(p, r.progress));
      return null;
    }, []),
    exportText: () => serializeProgress(progress),
  };
}
