/**
 * The learner's progress through the lessons: pure data and pure, immutable updates (no DOM, no
 * storage). The player keeps it in the browser; export writes `serializeProgress`, import reads a file
 * with `parseProgress` (strict: a clear error naming what is wrong, never a throw) and folds it in with
 * `mergeProgress`.
 *
 * Updates return a new object, or the same object when nothing changed (so a React/zustand consumer
 * does not re-render for a no-op). Lookups use own properties only, so a lesson id such as
 * `constructor` never reads Object.prototype.
 */

export interface CheckpointProgress {
  /** The learner's latest answer. */
  readonly answered: string;
  /** Whether that latest answer was right. */
  readonly correct: boolean;
  /** How many times the learner answered (at least 1). */
  readonly attempts: number;
}

export interface LessonProgress {
  /** The step index to resume at (the last step visited). */
  readonly step: number;
  /** The learner reached the last step. Never goes back to false. */
  readonly done: boolean;
  /** Step indices seen, ascending, without duplicates. */
  readonly visited: readonly number[];
  /** Keyed by step id (LessonStep.id). */
  readonly checkpoints: Readonly<Record<string, CheckpointProgress>>;
}

export interface Progress {
  readonly version: 1;
  /** Keyed by lesson id (the folder name, e.g. `03-across-nodes`). */
  readonly lessons: Readonly<Record<string, LessonProgress>>;
}

export type LessonStatus = 'not-started' | 'in-progress' | 'done';

export type ParseProgressResult =
  | { readonly ok: true; readonly progress: Progress }
  | { readonly ok: false; readonly error: string };

/**
 * Bounds on what a progress file may hold: a lesson has tens of steps, so anything near these is
 * not progress but a mistake or an attack, refused with a clear message instead of parsed slowly.
 */
export const MAX_ENTRIES_PER_LESSON = 1000;
export const MAX_LESSONS = 1000;

const EMPTY_LESSON: LessonProgress = { step: 0, done: false, visited: [], checkpoints: {} };

export function emptyProgress(): Progress {
  return { version: 1, lessons: {} };
}

/** The progress of one lesson, or undefined when the learner never opened it. */
export function lessonProgress(progress: Progress, lessonId: string): LessonProgress | undefined {
  return own(progress.lessons, lessonId);
}

function withLesson(progress: Progress, lessonId: string, lesson: LessonProgress): Progress {
  return { ...progress, lessons: { ...progress.lessons, [lessonId]: lesson } };
}

/**
 * The learner is at `step` (0-based) of a lesson of `totalSteps` steps: remember it as the step to
 * resume at, add it to the visited steps, and mark the lesson done when it is the last step.
 * An out-of-range or fractional step is clamped/truncated into [0, totalSteps - 1]; with no steps
 * (totalSteps < 1) nothing changes.
 */
export function visitStep(
  progress: Progress,
  lessonId: string,
  step: number,
  totalSteps: number,
): Progress {
  if (!Number.isFinite(totalSteps) || totalSteps < 1 || Number.isNaN(step)) return progress;
  const last = Math.floor(totalSteps) - 1;
  const at = Math.min(last, Math.max(0, Math.trunc(step)));
  const before = own(progress.lessons, lessonId);
  const prev = before ?? EMPTY_LESSON;
  const done = prev.done || at === last;
  const seen = prev.visited.includes(at);
  if (before && prev.step === at && prev.done === done && seen) return progress;
  const visited = seen ? prev.visited : [...prev.visited, at].sort((x, y) => x - y);
  return withLesson(progress, lessonId, { ...prev, step: at, done, visited });
}

/**
 * Records an answer to the checkpoint of step `stepId`: the latest answer and whether it was right,
 * and one more attempt. Opening a lesson's checkpoint counts as starting the lesson.
 */
export function answerCheckpoint(
  progress: Progress,
  lessonId: string,
  stepId: string,
  answer: string,
  correct: boolean,
): Progress {
  const prev = own(progress.lessons, lessonId) ?? EMPTY_LESSON;
  const attempts = (own(prev.checkpoints, stepId)?.attempts ?? 0) + 1;
  return withLesson(progress, lessonId, {
    ...prev,
    checkpoints: { ...prev.checkpoints, [stepId]: { answered: answer, correct, attempts } },
  });
}

export function lessonStatus(progress: Progress, lessonId: string): LessonStatus {
  const lesson = own(progress.lessons, lessonId);
  if (!lesson) return 'not-started';
  return lesson.done ? 'done' : 'in-progress';
}

/**
 * The step index to resume a lesson at (0 when never opened). With `totalSteps`, the index is clamped
 * to the lesson as it is now (a lesson may have lost steps since the progress was saved).
 */
export function resumeStep(progress: Progress, lessonId: string, totalSteps?: number): number {
  const step = own(progress.lessons, lessonId)?.step ?? 0;
  if (totalSteps === undefined) return step;
  return Math.max(0, Math.min(step, Math.floor(totalSteps) - 1));
}

/** Pretty JSON for an exported file: lessons and checkpoints in sorted order, a final newline. */
export function serializeProgress(progress: Progress): string {
  const lessons = sortedEntries(progress.lessons).map(([id, l]) => {
    const checkpoints = sortedEntries(l.checkpoints).map(([stepId, c]) => [
      stepId,
      { answered: c.answered, correct: c.correct, attempts: c.attempts },
    ]);
    const lesson = { step: l.step, done: l.done, visited: [...l.visited] };
    return [id, { ...lesson, checkpoints: Object.fromEntries(checkpoints) }];
  });
  const file = { version: progress.version, lessons: Object.fromEntries(lessons) };
  return JSON.stringify(file, null, 2) + '\n';
}

/**
 * Merges two progress records (e.g. the browser's and an imported file), lesson by lesson: the
 * furthest step to resume at, done if either is, the union of the visited steps, and for each
 * checkpoint the record with more attempts (on a tie the correct one, then `a`'s).
 */
export function mergeProgress(a: Progress, b: Progress): Progress {
  const lessons = mergeRecords(a.lessons, b.lessons, mergeLesson);
  return { version: 1, lessons };
}

function mergeLesson(a: LessonProgress, b: LessonProgress): LessonProgress {
  return {
    step: Math.max(a.step, b.step),
    done: a.done || b.done,
    visited: [...new Set([...a.visited, ...b.visited])].sort((x, y) => x - y),
    checkpoints: mergeRecords(a.checkpoints, b.checkpoints, (ca, cb) =>
      preferB(ca, cb) ? cb : ca,
    ),
  };
}

/** The union of two records; a key in both is merged. Built from entries, so keys stay own data. */
function mergeRecords<T>(
  a: Readonly<Record<string, T>>,
  b: Readonly<Record<string, T>>,
  merge: (x: T, y: T) => T,
): Record<string, T> {
  const entries = new Map<string, T>(Object.entries(a));
  for (const [key, vb] of Object.entries(b)) {
    const va = entries.get(key);
    entries.set(key, va === undefined ? vb : merge(va, vb));
  }
  return Object.fromEntries(entries);
}

function preferB(a: CheckpointProgress, b: CheckpointProgress): boolean {
  if (a.attempts !== b.attempts) return b.attempts > a.attempts;
  return b.correct && !a.correct;
}

// ---------------------------------------------------------------------------------------------
// Parsing an imported file

class Invalid extends Error {}

/**
 * Reads an exported progress file. Strict: every field must be present with the right type, no
 * unknown field is accepted, and the error names the path of the first problem
 * (e.g. `lessons["03-across-nodes"].visited[2]: expected a whole number ≥ 0, got -1`).
 */
export function parseProgress(text: string): ParseProgressResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `Not a progress file: invalid JSON (${(e as Error).message})` };
  }
  try {
    return { ok: true, progress: readProgress(data) };
  } catch (e) {
    if (e instanceof Invalid)
      return { ok: false, error: `Not a valid progress file: ${e.message}` };
    return { ok: false, error: `Not a valid progress file: ${String(e)}` };
  }
}

function readProgress(data: unknown): Progress {
  const root = readObject(data, 'the file', ['version', 'lessons']);
  if (root.version !== 1) {
    throw new Invalid(
      typeof root.version === 'number'
        ? `version: unsupported version ${root.version} (this app reads version 1)`
        : `version: expected 1, got ${describe(root.version)}`,
    );
  }
  const lessonsData = readRecord(root.lessons, 'lessons');
  const lessonCount = Object.keys(lessonsData).length;
  if (lessonCount > MAX_LESSONS) {
    throw new Invalid(
      `lessons: ${lessonCount} lessons, more than the ${MAX_LESSONS} a progress file may hold`,
    );
  }
  const lessons: [string, LessonProgress][] = [];
  for (const [id, value] of Object.entries(lessonsData)) {
    const path = `lessons[${JSON.stringify(id)}]`;
    if (id.trim() === '') throw new Invalid(`${path}: a lesson id must not be empty`);
    lessons.push([id, readLesson(value, path)]);
  }
  // Object.fromEntries defines own properties, so an id like "__proto__" stays plain data.
  return { version: 1, lessons: Object.fromEntries(lessons) };
}

function readLesson(data: unknown, path: string): LessonProgress {
  const o = readObject(data, path, ['step', 'done', 'visited', 'checkpoints']);
  const step = readIndex(o.step, `${path}.step`);
  const done = readBoolean(o.done, `${path}.done`);
  if (!Array.isArray(o.visited)) {
    throw new Invalid(
      `${path}.visited: expected an array of step indices, got ${describe(o.visited)}`,
    );
  }
  if (o.visited.length > MAX_ENTRIES_PER_LESSON) {
    throw new Invalid(
      `${path}.visited: ${o.visited.length} steps, more than the ${MAX_ENTRIES_PER_LESSON} a lesson may have`,
    );
  }
  // A Set: each step is checked once (an array's includes made this quadratic).
  const seen = new Set<number>();
  o.visited.forEach((v: unknown, i) => {
    const index = readIndex(v, `${path}.visited[${i}]`);
    if (seen.has(index)) {
      throw new Invalid(`${path}.visited[${i}]: step ${index} is listed twice`);
    }
    seen.add(index);
  });
  const visited = [...seen].sort((x, y) => x - y);
  const checkpointsData = readRecord(o.checkpoints, `${path}.checkpoints`);
  const checkpointCount = Object.keys(checkpointsData).length;
  if (checkpointCount > MAX_ENTRIES_PER_LESSON) {
    throw new Invalid(
      `${path}.checkpoints: ${checkpointCount} checkpoints, more than the ${MAX_ENTRIES_PER_LESSON} a lesson may have`,
    );
  }
  const checkpoints: [string, CheckpointProgress][] = [];
  for (const [stepId, value] of Object.entries(checkpointsData)) {
    const cpath = `${path}.checkpoints[${JSON.stringify(stepId)}]`;
    if (stepId.trim() === '') throw new Invalid(`${cpath}: a step id must not be empty`);
    checkpoints.push([stepId, readCheckpoint(value, cpath)]);
  }
  return { step, done, visited, checkpoints: Object.fromEntries(checkpoints) };
}

function readCheckpoint(data: unknown, path: string): CheckpointProgress {
  const o = readObject(data, path, ['answered', 'correct', 'attempts']);
  if (typeof o.answered !== 'string') {
    throw new Invalid(`${path}.answered: expected a string, got ${describe(o.answered)}`);
  }
  const correct = readBoolean(o.correct, `${path}.correct`);
  const attempts = o.attempts;
  if (typeof attempts !== 'number' || !Number.isSafeInteger(attempts) || attempts < 1) {
    throw new Invalid(`${path}.attempts: expected a whole number ≥ 1, got ${describe(attempts)}`);
  }
  return { answered: o.answered, correct, attempts };
}

/** An object with exactly the `keys` (all required, nothing else). */
function readObject(data: unknown, path: string, keys: readonly string[]): Record<string, unknown> {
  const o = readRecord(data, path);
  const missing = keys.filter((k) => !Object.hasOwn(o, k));
  if (missing.length > 0) {
    throw new Invalid(`${path}: missing ${missing.map((k) => `"${k}"`).join(', ')}`);
  }
  const unknown = Object.keys(o).filter((k) => !keys.includes(k));
  if (unknown.length > 0) {
    throw new Invalid(
      `${path}: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')} (expected only ${keys.join(', ')})`,
    );
  }
  return o;
}

function readRecord(data: unknown, path: string): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new Invalid(`${path}: expected an object, got ${describe(data)}`);
  }
  return data as Record<string, unknown>;
}

function readIndex(data: unknown, path: string): number {
  if (typeof data !== 'number' || !Number.isSafeInteger(data) || data < 0) {
    throw new Invalid(`${path}: expected a whole number ≥ 0, got ${describe(data)}`);
  }
  return data;
}

function readBoolean(data: unknown, path: string): boolean {
  if (typeof data !== 'boolean') {
    throw new Invalid(`${path}: expected true or false, got ${describe(data)}`);
  }
  return data;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return String(v);
}

function sortedEntries<T>(record: Readonly<Record<string, T>>): [string, T][] {
  return Object.entries(record).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
}

function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
