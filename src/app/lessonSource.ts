/**
 * The lessons load on demand (issue 15, lazy loading): their Markdown, YAML and scenarios and the
 * parser that reads them (YAML, the datapath to check claims) come in a chunk of their own, fetched
 * the first time a page needs them (the lesson list, a lesson, the fact check), never for the
 * visualizer's first screen.
 */
import type { Lesson } from '../lessons/types';

export interface LessonSource {
  /** The lessons once loaded, else null. */
  current(): readonly Lesson[] | null;
  /** Loads them (once; a failed load may be tried again). */
  load(): Promise<readonly Lesson[]>;
}

export function lazyLessons(
  importLessons: () => Promise<readonly Lesson[]> = () =>
    import('./lessons').then((m) => m.LESSONS),
): LessonSource {
  let lessons: readonly Lesson[] | null = null;
  let pending: Promise<readonly Lesson[]> | null = null;
  return {
    current: () => lessons,
    load: () =>
      (pending ??= importLessons().then(
        (loaded) => (lessons = loaded),
        (error: unknown) => {
          pending = null;
          throw error;
        },
      )),
  };
}

/** Lessons already in memory (the CLI's and the tests' bundled ones) as a source. */
export function loadedLessons(lessons: readonly Lesson[]): LessonSource {
  return { current: () => lessons, load: async () => lessons };
}

/** The one source of the app. */
export const appLessons: LessonSource = lazyLessons();

/** Whether a hash opens one lesson (its id must be known to read it): `#/lessons|present|speaker/<id>…`. */
export const opensLesson = (hash: string): boolean =>
  /^#\/(lessons|present|speaker)\/[^/]+/.test(hash);
