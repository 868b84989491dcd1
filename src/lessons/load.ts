/**
 * Reads every lesson under a folder: Node only (the CLI and tests); the app bundles the files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LESSON_DIR, parseLesson, type ParseOptions } from './parse';
import { LessonReplayer } from './replay';
import type { Lesson, LessonProblem } from './types';

export function readSharedScenarios(root: string): Record<string, string> {
  const dir = join(root, 'scenarios');
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.yaml')) out[name.slice(0, -5)] = readFileSync(join(dir, name), 'utf8');
  }
  return out;
}

/**
 * Every lesson has its notes.yaml (issue 14), so `npm run lessons:check` and the lesson tests
 * require speaker notes on every step of every lesson.
 */
export const LESSON_CHECK_OPTIONS: ParseOptions = { requireNotes: true };

/** Parses and replays every lesson; returns the lessons that parsed and every problem found. */
export function checkLessons(
  root: string,
  options: ParseOptions = LESSON_CHECK_OPTIONS,
): { lessons: Lesson[]; problems: LessonProblem[] } {
  const lessons: Lesson[] = [];
  const problems: LessonProblem[] = [];
  const replayer = new LessonReplayer(readSharedScenarios(root));
  const folders = readdirSync(root)
    .filter((n) => statSync(join(root, n)).isDirectory() && n !== 'scenarios')
    .sort();
  for (const id of folders) {
    const path = join(root, id);
    if (!LESSON_DIR.test(id)) {
      problems.push({
        file: path,
        line: 1,
        column: 1,
        message: 'a lesson folder is named NN-slug',
      });
      continue;
    }
    const files: Record<string, string> = {};
    for (const name of readdirSync(path)) files[name] = readFileSync(join(path, name), 'utf8');
    const parsed = parseLesson({ id, path, files }, options);
    problems.push(...parsed.problems);
    if (parsed.lesson) {
      lessons.push(parsed.lesson);
      problems.push(...replayer.replay(parsed.lesson, path));
    }
  }
  const ids = new Set(lessons.map((l) => l.id));
  for (const l of lessons) {
    for (const pre of l.prerequisites) {
      if (!ids.has(pre)) {
        problems.push({
          file: join(root, l.id, 'lesson.md'),
          line: 1,
          column: 1,
          message: `prerequisite "${pre}" is not a lesson folder`,
        });
      }
    }
  }
  const numbers = lessons.map((l) => l.number);
  numbers.forEach((n, i) => {
    if (numbers.indexOf(n) !== i)
      problems.push({
        file: join(root, lessons[i]!.id),
        line: 1,
        column: 1,
        message: `lesson number ${n} is used twice`,
      });
  });
  return { lessons, problems };
}
