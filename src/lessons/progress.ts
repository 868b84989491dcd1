/**
 * The learner's progress through the lessons: pure data and pure, immutable updates (no DOM, no
 * storage). The player keeps it in the browser; export writes `serializeProgress`, import reads a file
 * with `parseProgress` (strict: a clear error naming what is wrong, never a throw) and folds it in with
 * `mergeProgress`.
 *
 * Whether a lesson is done is never stored: `lessonSummary` derives it from the lesson as it is now
 * (done = every checkpoint answered correctly; a lesson without checkpoints: every step visited), so
 * pressing Next through a lesson does not finish it. Format version 2 (this one) dropped version 1's
 * stored `done` flag and added the challenge scores; version 1 files are still read (their `done` is
 * ignored and recomputed).
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
  /** Step indices seen, ascending, without duplicates. */
  readonly visited: readonly number[];
  /** Keyed by step id (LessonStep.id). */
  readonly checkpoints: Readonly<Record<string, CheckpointProgress>>;
}

/** The latest grade of one challenge: `score` parts right out of `of`. */
export interface ChallengeScore {
  readonly score: number;
  readonly of: number;
}

/** Challenge mode's score: every graded challenge counts, fully right ones count as correct. */
export interface ChallengeProgress {
  /** How many challenges were graded (each grading counts, a retry too). */
  readonly answered: number;
  /** How many of those gradings had every part right (score === of). */
  readonly correct: number;
  /** The latest grade per challenge, keyed by the caller's challenge key (e.g. a seed). */
  readonly seeds: Readonly<Record<string, ChallengeScore>>;
}

export interface Progress {
  readonly version: 2;
  /** Keyed by lesson id (the folder name, e.g. `03-across-nodes`). */
  readonly lessons: Readonly<Record<string, LessonProgress>>;
  readonly challenge: ChallengeProgress;
}

export type LessonStatus = 'not-started' | 'in-progress' | 'done';

/** The format version `serializeProgress` writes; `parseProgress` also reads version 1. */
export const PROGRESS_VERSION = 2;

export type ParseProgressResult =
  | { readonly ok: true; readonly progress: Progress }
  | { readonly ok: false; readonly error: string };

/**
 * Bounds on what a progress file may hold: a lesson has tens of steps, so anything near these is
 * not progress but a mistake or an attack, refused with a clear message instead of parsed slowly.
 */
export const MAX_ENTRIES_PER_LESSON = 1000;
export const MAX_LESSONS = 1000;
/** Challenges remembered by key; recording one more forgets the oldest key. */
export const MAX_CHALLENGES = 1000;
/** The most parts one challenge may grade, and the longest challenge key. */
export const MAX_CHALLENGE_PARTS = 1000;
export const MAX_CHALLENGE_KEY = 200;

const EMPTY_LESSON: LessonProgress = { step: 0, visited: [], checkpoints: {} };
const EMPTY_CHALLENGE: ChallengeProgress = { answered: 0, correct: 0, seeds: {} };

export function emptyProgress(): Progress {
  return { version: 2, lessons: {}, challenge: EMPTY_CHALLENGE };
}

/** The progress of one lesson, or undefined when the learner never opened it. */
export function lessonProgress(progress: Progress, lessonId: string): LessonProgress | undefined {
  return own(progress.lessons, lessonId);
}

/** The stored answer to the checkpoint of step `stepId`, or undefined when never answered. */
export function checkpointProgress(
  progress: Progress,
  lessonId: string,
  stepId: string,
): CheckpointProgress | undefined {
  const lesson = own(progress.lessons, lessonId);
  return lesson && own(lesson.checkpoints, stepId);
}

function withLesson(progress: Progress, lessonId: string, lesson: LessonProgress): Progress {
  return { ...progress, lessons: { ...progress.lessons, [lessonId]: lesson } };
}

/**
 * The learner is at `step` (0-based) of a lesson of `totalSteps` steps: remember it as the step to
 * resume at and add it to the visited steps (visiting never finishes a lesson: see lessonSummary).
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
  const seen = prev.visited.includes(at);
  if (before && prev.step === at && seen) return progress;
  const visited = seen ? prev.visited : [...prev.visited, at].sort((x, y) => x - y);
  return withLesson(progress, lessonId, { ...prev, step: at, visited });
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

/** What lessonSummary needs of a lesson (a Lesson fits). */
export interface LessonShape {
  readonly id: string;
  readonly steps: readonly { readonly id: string; readonly checkpoint?: unknown }[];
}

export interface LessonSummary {
  readonly status: LessonStatus;
  /** Steps of the lesson as it is now that the learner opened. */
  readonly stepsVisited: number;
  readonly steps: number;
  /** Checkpoints whose latest answer is right. */
  readonly checkpointsCorrect: number;
  readonly checkpoints: number;
  /** The step index to resume at, within the lesson. */
  readonly resumeStep: number;
  /** Step indices (ascending) whose checkpoint is not answered correctly yet. */
  readonly checkpointsLeft: readonly number[];
}

/**
 * Where the learner stands in a lesson: not started (never opened), done (every checkpoint's latest
 * answer right; a lesson without checkpoints, every step visited), else in progress; with the
 * counts the list and the lesson end show. Computed against the lesson as it is now, so steps or
 * checkpoints removed since the progress was saved do not count.
 */
export function lessonSummary(progress: Progress, lesson: LessonShape): LessonSummary {
  const record = own(progress.lessons, lesson.id);
  const steps = lesson.steps.length;
  const lp = record ?? EMPTY_LESSON;
  const stepsVisited = lp.visited.filter((i) => i < steps).length;
  const checkpointsLeft: number[] = [];
  let checkpoints = 0;
  lesson.steps.forEach((s, i) => {
    if (s.checkpoint === undefined) return;
    checkpoints += 1;
    if (own(lp.checkpoints, s.id)?.correct !== true) checkpointsLeft.push(i);
  });
  const finished = checkpoints > 0 ? checkpointsLeft.length === 0 : stepsVisited === steps;
  const status: LessonStatus = !record ? 'not-started' : finished ? 'done' : 'in-progress';
  return {
    status,
    stepsVisited,
    steps,
    checkpointsCorrect: checkpoints - checkpointsLeft.length,
    checkpoints,
    resumeStep: resumeStep(progress, lesson.id, steps),
    checkpointsLeft,
  };
}

/**
 * Records a graded challenge under `key`: one more answered, one more correct when every part was
 * right, and `score` of `of` as that key's latest grade. Called by challenge mode with grades the
 * models computed; a grade that is not one (not whole numbers, of < 1, score outside [0, of], an
 * empty or over-long key) changes nothing. Past MAX_CHALLENGES keys the oldest key is forgotten
 * (the totals stay).
 */
export function recordChallenge(
  progress: Progress,
  key: string,
  score: number,
  of: number,
): Progress {
  if (!validChallengeKey(key) || challengeScoreProblem(score, of) !== null) return progress;
  const c = progress.challenge;
  const entries = Object.entries(c.seeds).filter(([k]) => k !== key);
  while (entries.length >= MAX_CHALLENGES) entries.shift();
  entries.push([key, { score, of }]);
  return {
    ...progress,
    challenge: {
      answered: c.answered + 1,
      correct: c.correct + (score === of ? 1 : 0),
      seeds: Object.fromEntries(entries),
    },
  };
}

const validChallengeKey = (key: string): boolean =>
  key.trim() !== '' && key.length <= MAX_CHALLENGE_KEY;

/** Why `score` of `of` is not a grade, or null when it is one. */
function challengeScoreProblem(score: unknown, of: unknown): string | null {
  if (typeof of !== 'number' || !Number.isSafeInteger(of) || of < 1 || of > MAX_CHALLENGE_PARTS)
    return `of: expected a whole number from 1 to ${MAX_CHALLENGE_PARTS}, got ${describe(of)}`;
  if (typeof score !== 'number' || !Number.isSafeInteger(score) || score < 0 || score > of)
    return `score: expected a whole number from 0 to ${of} (of), got ${describe(score)}`;
  return null;
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
    const lesson = { step: l.step, visited: [...l.visited] };
    return [id, { ...lesson, checkpoints: Object.fromEntries(checkpoints) }];
  });
  const { answered, correct, seeds } = progress.challenge;
  const challenge = {
    answered,
    correct,
    seeds: Object.fromEntries(
      sortedEntries(seeds).map(([k, v]) => [k, { score: v.score, of: v.of }]),
    ),
  };
  const file = { version: PROGRESS_VERSION, lessons: Object.fromEntries(lessons), challenge };
  return JSON.stringify(file, null, 2) + '\n';
}

/**
 * Merges two progress records (e.g. the browser's and an imported file), lesson by lesson: the
 * furthest step to resume at, the union of the visited steps, and for each checkpoint the right
 * answer if either side has one (else the one with more attempts, on a tie `a`'s) with the larger
 * attempt count, so a merge never takes a finished lesson back to in progress. Challenge totals take the larger of
 * each (a file exported from this browser and imported back must not count twice); a challenge key
 * on both sides keeps the better grade (on a tie `a`'s).
 */
export function mergeProgress(a: Progress, b: Progress): Progress {
  const lessons = mergeRecords(a.lessons, b.lessons, mergeLesson);
  const seeds = mergeRecords(a.challenge.seeds, b.challenge.seeds, (x, y) =>
    y.score * x.of > x.score * y.of ? y : x,
  );
  const challenge = {
    answered: Math.max(a.challenge.answered, b.challenge.answered),
    correct: Math.max(a.challenge.correct, b.challenge.correct),
    seeds: Object.fromEntries(Object.entries(seeds).slice(-MAX_CHALLENGES)),
  };
  return { version: 2, lessons, challenge };
}

function mergeLesson(a: LessonProgress, b: LessonProgress): LessonProgress {
  return {
    step: Math.max(a.step, b.step),
    visited: [...new Set([...a.visited, ...b.visited])].sort((x, y) => x - y),
    checkpoints: mergeRecords(a.checkpoints, b.checkpoints, (ca, cb) => {
      const kept = preferB(ca, cb) ? cb : ca;
      const attempts = Math.max(ca.attempts, cb.attempts);
      return kept.attempts === attempts ? kept : { ...kept, attempts };
    }),
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

/** A right answer wins (so a merge never undoes a done lesson), then the one with more attempts. */
function preferB(a: CheckpointProgress, b: CheckpointProgress): boolean {
  if (a.correct !== b.correct) return b.correct;
  return b.attempts > a.attempts;
}

// ---------------------------------------------------------------------------------------------
// Parsing an imported file

class Invalid extends Error {}

/**
 * Reads an exported progress file, version 2 or version 1 (migrated: its lessons' `done` flags are
 * dropped, since done is recomputed from the checkpoints, and the challenge score starts empty).
 * Strict: every field must be present with the right type, no unknown field is accepted, and the
 * error names the path of the first problem
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
  const file = readRecord(data, 'the file');
  if (!Object.hasOwn(file, 'version')) throw new Invalid('the file: missing "version"');
  const version = file.version;
  if (version !== 1 && version !== 2) {
    throw new Invalid(
      typeof version === 'number'
        ? `version: unsupported version ${version} (this app reads versions 1 and 2)`
        : `version: expected 1 or 2, got ${describe(version)}`,
    );
  }
  const root = readObject(
    data,
    'the file',
    version === 1 ? ['version', 'lessons'] : ['version', 'lessons', 'challenge'],
  );
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
    lessons.push([id, readLesson(value, path, version)]);
  }
  const challenge = version === 1 ? EMPTY_CHALLENGE : readChallenge(root.challenge, 'challenge');
  // Object.fromEntries defines own properties, so an id like "__proto__" stays plain data.
  return { version: 2, lessons: Object.fromEntries(lessons), challenge };
}

function readLesson(data: unknown, path: string, version: 1 | 2): LessonProgress {
  const keys = ['step', 'visited', 'checkpoints'];
  const o = readObject(data, path, version === 1 ? [...keys, 'done'] : keys);
  const step = readIndex(o.step, `${path}.step`);
  // Version 1's done (set by reaching the last step) is checked for shape, then not trusted.
  if (version === 1) readBoolean(o.done, `${path}.done`);
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
  return { step, visited, checkpoints: Object.fromEntries(checkpoints) };
}

function readChallenge(data: unknown, path: string): ChallengeProgress {
  const o = readObject(data, path, ['answered', 'correct', 'seeds']);
  const answered = readIndex(o.answered, `${path}.answered`);
  const correct = readIndex(o.correct, `${path}.correct`);
  if (correct > answered) {
    throw new Invalid(`${path}.correct: ${correct} is more than the ${answered} answered`);
  }
  const seedsData = readRecord(o.seeds, `${path}.seeds`);
  const count = Object.keys(seedsData).length;
  if (count > MAX_CHALLENGES) {
    throw new Invalid(
      `${path}.seeds: ${count} challenges, more than the ${MAX_CHALLENGES} a progress file may hold`,
    );
  }
  const seeds: [string, ChallengeScore][] = [];
  for (const [key, value] of Object.entries(seedsData)) {
    const spath = `${path}.seeds[${JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key)}]`;
    if (!validChallengeKey(key)) {
      throw new Invalid(
        `${spath}: a challenge key must be 1 to ${MAX_CHALLENGE_KEY} characters, not blank`,
      );
    }
    const s = readObject(value, spath, ['score', 'of']);
    const problem = challengeScoreProblem(s.score, s.of);
    if (problem !== null) throw new Invalid(`${spath}.${problem}`);
    seeds.push([key, { score: s.score as number, of: s.of as number }]);
  }
  return { answered, correct, seeds: Object.fromEntries(seeds) };
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
