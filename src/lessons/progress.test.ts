import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_CHALLENGES,
  MAX_ENTRIES_PER_LESSON,
  MAX_LESSONS,
  answerCheckpoint,
  checkpointProgress,
  emptyProgress,
  lessonProgress,
  lessonSummary,
  mergeProgress,
  parseProgress,
  recordChallenge,
  resumeStep,
  serializeProgress,
  visitStep,
  type LessonShape,
  type Progress,
} from './progress';

const L3 = '03-across-nodes';

/** A lesson of `steps` steps `s0`, `s1`, … with a checkpoint on the steps listed. */
function lessonOf(id: string, steps: number, withCheckpoints: readonly number[] = []): LessonShape {
  return {
    id,
    steps: Array.from({ length: steps }, (_, i) => ({
      id: `s${i}`,
      ...(withCheckpoints.includes(i) ? { checkpoint: { kind: 'predict-verdict' } } : {}),
    })),
  };
}

const status = (p: Progress, lesson: LessonShape) => lessonSummary(p, lesson).status;

function parsed(text: string): Progress {
  const r = parseProgress(text);
  if (!r.ok) throw new Error(r.error);
  return r.progress;
}

function errorOf(value: unknown): string {
  const r = parseProgress(typeof value === 'string' ? value : JSON.stringify(value));
  if (r.ok) throw new Error('expected an error');
  return r.error;
}

const VALID_LESSON = {
  step: 2,
  visited: [0, 1, 2],
  checkpoints: { 'predict-drop': { answered: 'dropped', correct: true, attempts: 2 } },
};
const VALID = {
  version: 2,
  lessons: { [L3]: VALID_LESSON },
  challenge: { answered: 3, correct: 1, seeds: { '17': { score: 2, of: 3 } } },
};
const VALID_V1 = { version: 1, lessons: { [L3]: { ...VALID_LESSON, done: true } } };

describe('visitStep', () => {
  it('starts a lesson, remembers the step to resume at and the steps seen', () => {
    const lesson = lessonOf(L3, 5);
    let p = emptyProgress();
    expect(status(p, lesson)).toBe('not-started');
    expect(resumeStep(p, L3)).toBe(0);
    p = visitStep(p, L3, 0, 5);
    p = visitStep(p, L3, 3, 5);
    p = visitStep(p, L3, 1, 5);
    expect(status(p, lesson)).toBe('in-progress');
    expect(lessonProgress(p, L3)).toEqual({ step: 1, visited: [0, 1, 3], checkpoints: {} });
    expect(resumeStep(p, L3)).toBe(1);
  });

  it('reaching the last step does not finish a lesson with checkpoints', () => {
    const lesson = lessonOf(L3, 5, [1, 3]);
    let p = emptyProgress();
    for (let i = 0; i < 5; i++) p = visitStep(p, L3, i, 5);
    expect(lessonSummary(p, lesson)).toEqual({
      status: 'in-progress',
      stepsVisited: 5,
      steps: 5,
      checkpointsCorrect: 0,
      checkpoints: 2,
      resumeStep: 4,
      checkpointsLeft: [1, 3],
    });
  });

  it('never mutates its input and returns the same object when nothing changes', () => {
    const p0 = emptyProgress();
    const p1 = visitStep(p0, L3, 2, 5);
    expect(p0).toEqual(emptyProgress());
    const snapshot = JSON.stringify(p1);
    const p2 = visitStep(p1, L3, 3, 5);
    expect(JSON.stringify(p1)).toBe(snapshot);
    expect(p2).not.toBe(p1);
    expect(visitStep(p2, L3, 3, 5)).toBe(p2);
  });

  it('clamps an out-of-range step and ignores a lesson without steps', () => {
    const p = emptyProgress();
    expect(lessonProgress(visitStep(p, L3, 99, 5), L3)).toMatchObject({ step: 4, visited: [4] });
    expect(lessonProgress(visitStep(p, L3, -3, 5), L3)).toMatchObject({ step: 0, visited: [0] });
    expect(lessonProgress(visitStep(p, L3, 1.7, 5), L3)).toMatchObject({ step: 1 });
    expect(visitStep(p, L3, 0, 0)).toBe(p);
    expect(visitStep(p, L3, Number.NaN, 5)).toBe(p);
  });

  it('keeps other lessons untouched', () => {
    const p = visitStep(visitStep(emptyProgress(), 'a', 1, 3), 'b', 0, 3);
    expect(Object.keys(p.lessons).sort()).toEqual(['a', 'b']);
    expect(lessonProgress(p, 'a')?.step).toBe(1);
  });
});

describe('lessonSummary', () => {
  it('a lesson with checkpoints is done when every latest answer is right, visited or not', () => {
    const lesson = lessonOf(L3, 4, [0, 2]);
    let p = visitStep(emptyProgress(), L3, 0, 4);
    p = answerCheckpoint(p, L3, 's0', 'dropped', true);
    p = answerCheckpoint(p, L3, 's2', 'delivered', false);
    expect(lessonSummary(p, lesson)).toMatchObject({
      status: 'in-progress',
      stepsVisited: 1,
      checkpointsCorrect: 1,
      checkpoints: 2,
      checkpointsLeft: [2],
    });
    p = answerCheckpoint(p, L3, 's2', 'dropped', true);
    expect(lessonSummary(p, lesson)).toMatchObject({
      status: 'done',
      checkpointsCorrect: 2,
      checkpointsLeft: [],
    });
    // The latest answer counts: a right answer changed to a wrong one is no longer right.
    p = answerCheckpoint(p, L3, 's0', 'delivered', false);
    expect(lessonSummary(p, lesson)).toMatchObject({ status: 'in-progress', checkpointsLeft: [0] });
  });

  it('a lesson without checkpoints is done when every step was visited', () => {
    const lesson = lessonOf(L3, 3);
    let p = visitStep(emptyProgress(), L3, 2, 3);
    expect(lessonSummary(p, lesson)).toMatchObject({ status: 'in-progress', stepsVisited: 1 });
    p = visitStep(visitStep(p, L3, 0, 3), L3, 1, 3);
    expect(lessonSummary(p, lesson)).toMatchObject({
      status: 'done',
      stepsVisited: 3,
      steps: 3,
      checkpoints: 0,
      checkpointsCorrect: 0,
    });
  });

  it('counts against the lesson as it is now: gone steps and checkpoints do not count', () => {
    let p = visitStep(visitStep(emptyProgress(), L3, 7, 8), L3, 1, 8);
    p = answerCheckpoint(p, L3, 'removed-step', 'x', true);
    const shorter = lessonOf(L3, 3, [1]);
    expect(lessonSummary(p, shorter)).toMatchObject({
      status: 'in-progress',
      stepsVisited: 1,
      checkpointsCorrect: 0,
      resumeStep: 1,
    });
    p = visitStep(p, L3, 7, 8);
    expect(lessonSummary(p, shorter).resumeStep).toBe(2);
  });

  it('an answer alone starts a lesson; own properties only', () => {
    const p = answerCheckpoint(emptyProgress(), L3, 's1', 'x', false);
    expect(status(p, lessonOf(L3, 3, [1]))).toBe('in-progress');
    expect(resumeStep(p, L3)).toBe(0);
    const proto = lessonOf('constructor', 2, [0]);
    expect(lessonSummary(emptyProgress(), proto)).toMatchObject({
      status: 'not-started',
      checkpointsLeft: [0],
    });
    const tricky = { id: 'x', steps: [{ id: 'toString', checkpoint: {} }] };
    expect(lessonSummary(visitStep(emptyProgress(), 'x', 0, 1), tricky).checkpointsLeft).toEqual([
      0,
    ]);
    expect(checkpointProgress(emptyProgress(), '__proto__', 'toString')).toBeUndefined();
  });
});

describe('answerCheckpoint', () => {
  it('records the latest answer, whether it was right, and counts the attempts', () => {
    let p = visitStep(emptyProgress(), L3, 2, 5);
    p = answerCheckpoint(p, L3, 'predict', 'delivered', false);
    expect(checkpointProgress(p, L3, 'predict')).toEqual({
      answered: 'delivered',
      correct: false,
      attempts: 1,
    });
    const before = p;
    p = answerCheckpoint(p, L3, 'predict', 'dropped', true);
    expect(checkpointProgress(p, L3, 'predict')).toEqual({
      answered: 'dropped',
      correct: true,
      attempts: 2,
    });
    expect(checkpointProgress(before, L3, 'predict')?.attempts).toBe(1);
    expect(lessonProgress(p, L3)?.step).toBe(2);
  });
});

describe('recordChallenge', () => {
  it('counts every grading, the fully right ones, and keeps the latest grade per key', () => {
    const p0 = emptyProgress();
    let p = recordChallenge(p0, '17', 1, 4);
    expect(p.challenge).toEqual({ answered: 1, correct: 0, seeds: { '17': { score: 1, of: 4 } } });
    p = recordChallenge(p, '17', 4, 4);
    p = recordChallenge(p, 'lesson:05/s3', 2, 2);
    expect(p.challenge).toEqual({
      answered: 3,
      correct: 2,
      seeds: { '17': { score: 4, of: 4 }, 'lesson:05/s3': { score: 2, of: 2 } },
    });
    expect(p0).toEqual(emptyProgress());
    expect(p.lessons).toBe(p0.lessons);
  });

  it.each([
    ['a score above of', 'k', 5, 4],
    ['a negative score', 'k', -1, 4],
    ['a fractional score', 'k', 0.5, 1],
    ['no parts', 'k', 0, 0],
    ['NaN', 'k', Number.NaN, 3],
    ['a blank key', '  ', 1, 1],
    ['an over-long key', 'k'.repeat(201), 1, 1],
  ])('ignores %s', (_what, key, score, of) => {
    const p = emptyProgress();
    expect(recordChallenge(p, key, score, of)).toBe(p);
  });

  it(`remembers at most ${MAX_CHALLENGES} keys, forgetting the oldest`, () => {
    let p = emptyProgress();
    for (let i = 0; i <= MAX_CHALLENGES; i++) p = recordChallenge(p, `c${i}`, 1, 1);
    expect(Object.keys(p.challenge.seeds)).toHaveLength(MAX_CHALLENGES);
    expect(p.challenge.seeds.c0).toBeUndefined();
    expect(p.challenge.seeds[`c${MAX_CHALLENGES}`]).toEqual({ score: 1, of: 1 });
    expect(p.challenge.answered).toBe(MAX_CHALLENGES + 1);
    expect(parsed(serializeProgress(p))).toEqual(p);
  });
});

describe('serializeProgress / parseProgress', () => {
  it('round-trips and writes pretty, sorted JSON at version 2', () => {
    let p = visitStep(emptyProgress(), 'b-lesson', 1, 3);
    p = visitStep(p, 'a-lesson', 0, 3);
    p = answerCheckpoint(p, 'a-lesson', 'z', 'dropped', true);
    p = answerCheckpoint(p, 'a-lesson', 'y', 'delivered', false);
    p = recordChallenge(recordChallenge(p, 'seed-9', 1, 2), 'seed-1', 2, 2);
    const text = serializeProgress(p);
    expect(text.endsWith('\n')).toBe(true);
    expect(text).toMatch(/^\{\n {2}"version": 2,\n {2}"lessons": \{\n {4}"a-lesson"/);
    expect(text.indexOf('"a-lesson"')).toBeLessThan(text.indexOf('"b-lesson"'));
    expect(text.indexOf('"y"')).toBeLessThan(text.indexOf('"z"'));
    expect(text.indexOf('"seed-1"')).toBeLessThan(text.indexOf('"seed-9"'));
    expect(text).not.toContain('"done"');
    expect(parsed(text)).toEqual(p);
  });

  it('accepts a valid file and sorts the visited steps', () => {
    const p = parsed(
      JSON.stringify({ ...VALID, lessons: { x: { ...VALID_LESSON, visited: [2, 0] } } }),
    );
    expect(lessonProgress(p, 'x')?.visited).toEqual([0, 2]);
    const v = parsed(JSON.stringify(VALID));
    expect(checkpointProgress(v, L3, 'predict-drop')?.attempts).toBe(2);
    expect(v.challenge.seeds['17']).toEqual({ score: 2, of: 3 });
    expect(
      parsed('{"version":2,"lessons":{},"challenge":{"answered":0,"correct":0,"seeds":{}}}'),
    ).toEqual(emptyProgress());
  });

  it('reads a version 1 file: done is recomputed, not trusted, and the challenge starts empty', () => {
    const p = parsed(JSON.stringify(VALID_V1));
    expect(p.version).toBe(2);
    expect(lessonProgress(p, L3)).toEqual(VALID_LESSON);
    expect(p.challenge).toEqual(emptyProgress().challenge);
    // The file said done (it reached a last step), but one of the two checkpoints was never answered.
    expect(lessonSummary(p, lessonOf(L3, 3, [1]))).toMatchObject({ status: 'in-progress' });
    const withIds = { id: L3, steps: [{ id: 'predict-drop', checkpoint: {} }, { id: 'b' }] };
    expect(status(p, withIds)).toBe('done');
    // done:false with every checkpoint right is done now.
    const notDone = { version: 1, lessons: { [L3]: { ...VALID_LESSON, done: false } } };
    expect(status(parsed(JSON.stringify(notDone)), withIds)).toBe('done');
    expect(parsed('{"version":1,"lessons":{}}')).toEqual(emptyProgress());
    // Written back at version 2.
    expect(JSON.parse(serializeProgress(p))).toMatchObject({ version: 2, challenge: {} });
  });

  it('keeps a lesson id like __proto__ as plain data', () => {
    const text =
      '{"version":1,"lessons":{"__proto__":{"step":1,"done":false,"visited":[1],"checkpoints":{}}}}';
    const p = parsed(text);
    expect(Object.getPrototypeOf(p.lessons)).toBe(Object.prototype);
    expect(resumeStep(p, '__proto__')).toBe(1);
    expect(parsed(serializeProgress(p))).toEqual(p);
    const merged = mergeProgress(emptyProgress(), p);
    expect(Object.getPrototypeOf(merged.lessons)).toBe(Object.prototype);
    expect(resumeStep(merged, '__proto__')).toBe(1);
    const seeds = parsed(
      '{"version":2,"lessons":{},"challenge":{"answered":1,"correct":1,"seeds":{"__proto__":{"score":1,"of":1}}}}',
    ).challenge.seeds;
    expect(Object.getPrototypeOf(seeds)).toBe(Object.prototype);
    expect(Object.hasOwn(seeds, '__proto__')).toBe(true);
  });

  const lesson = VALID_LESSON;
  const withLesson = (l: unknown) => ({ ...VALID, lessons: { [L3]: l } });
  const withChallenge = (c: unknown) => ({ ...VALID, challenge: c });
  const seed = (s: unknown) => withChallenge({ answered: 1, correct: 0, seeds: { k: s } });
  const withCheckpoint = (c: unknown) => withLesson({ ...lesson, checkpoints: { s: c } });
  const cases: [string, unknown, RegExp][] = [
    ['not JSON', '{"version": 1,', /invalid JSON/],
    ['empty text', '', /invalid JSON/],
    ['an array', [], /the file: expected an object, got an array/],
    ['null', null, /the file: expected an object, got null/],
    ['no version', { lessons: {} }, /the file: missing "version"/],
    [
      'a newer version',
      { ...VALID, version: 3 },
      /unsupported version 3 \(this app reads versions 1 and 2\)/,
    ],
    ['a string version', { ...VALID, version: '2' }, /version: expected 1 or 2, got "2"/],
    ['version 2 without a challenge', { version: 2, lessons: {} }, /the file: missing "challenge"/],
    [
      'version 1 with a challenge',
      { ...VALID_V1, challenge: VALID.challenge },
      /unknown field "challenge"/,
    ],
    [
      'a version 1 lesson without done',
      { version: 1, lessons: { [L3]: VALID_LESSON } },
      /\["03-across-nodes"\]: missing "done"/,
    ],
    [
      'a version 2 lesson with done',
      withLesson({ ...lesson, done: true }),
      /\["03-across-nodes"\]: unknown field "done"/,
    ],
    ['an unknown top-level field', { ...VALID, extra: 1 }, /the file: unknown field "extra"/],
    [
      'lessons as an array',
      { ...VALID, lessons: [] },
      /^.*lessons: expected an object, got an array$/,
    ],
    [
      'a lesson not an object',
      withLesson(3),
      /lessons\["03-across-nodes"\]: expected an object, got 3/,
    ],
    ['a missing step', withLesson({ visited: [], checkpoints: {} }), /missing "step"/],
    [
      'a negative step',
      withLesson({ ...lesson, step: -1 }),
      /\.step: expected a whole number ≥ 0, got -1/,
    ],
    ['a fractional step', withLesson({ ...lesson, step: 1.5 }), /\.step: .* got 1\.5/],
    ['a string step', withLesson({ ...lesson, step: '2' }), /\.step: .* got "2"/],
    [
      'a version 1 done not boolean',
      { version: 1, lessons: { [L3]: { ...lesson, done: 'yes' } } },
      /\.done: expected true or false, got "yes"/,
    ],
    [
      'visited not an array',
      withLesson({ ...lesson, visited: {} }),
      /\.visited: expected an array/,
    ],
    [
      'a bad visited entry',
      withLesson({ ...lesson, visited: [0, 1, -1] }),
      /\.visited\[2\]: .* got -1/,
    ],
    [
      'a duplicate visited entry',
      withLesson({ ...lesson, visited: [0, 1, 1] }),
      /\.visited\[2\]: step 1 is listed twice/,
    ],
    [
      'an unknown lesson field',
      withLesson({ ...lesson, notes: 'x' }),
      /\["03-across-nodes"\]: unknown field "notes"/,
    ],
    [
      'an empty lesson id',
      { ...VALID, lessons: { '': lesson } },
      /lessons\[""\]: a lesson id must not be empty/,
    ],
    [
      'checkpoints as an array',
      withLesson({ ...lesson, checkpoints: [] }),
      /\.checkpoints: expected an object/,
    ],
    [
      'a checkpoint missing its answer',
      withCheckpoint({ correct: true, attempts: 1 }),
      /checkpoints\["s"\]: missing "answered"/,
    ],
    [
      'a numeric answer',
      withCheckpoint({ answered: 1, correct: true, attempts: 1 }),
      /\.answered: expected a string, got 1/,
    ],
    [
      'correct not boolean',
      withCheckpoint({ answered: 'a', correct: 1, attempts: 1 }),
      /\.correct: expected true or false/,
    ],
    [
      'zero attempts',
      withCheckpoint({ answered: 'a', correct: true, attempts: 0 }),
      /\.attempts: expected a whole number ≥ 1, got 0/,
    ],
    [
      'an unknown checkpoint field',
      withCheckpoint({ answered: 'a', correct: true, attempts: 1, at: 0 }),
      /unknown field "at"/,
    ],
    ['a challenge not an object', withChallenge([]), /challenge: expected an object, got an array/],
    [
      'a challenge missing its seeds',
      withChallenge({ answered: 0, correct: 0 }),
      /challenge: missing "seeds"/,
    ],
    [
      'a negative answered count',
      withChallenge({ answered: -1, correct: 0, seeds: {} }),
      /challenge\.answered: expected a whole number ≥ 0, got -1/,
    ],
    [
      'more correct than answered',
      withChallenge({ answered: 1, correct: 2, seeds: {} }),
      /challenge\.correct: 2 is more than the 1 answered/,
    ],
    [
      'a score above of',
      seed({ score: 4, of: 3 }),
      /challenge\.seeds\["k"\]\.score: expected a whole number from 0 to 3 \(of\), got 4/,
    ],
    ['no parts', seed({ score: 0, of: 0 }), /seeds\["k"\]\.of: expected a whole number from 1/],
    ['a string score', seed({ score: '1', of: 2 }), /\.score: .* got "1"/],
    [
      'an unknown grade field',
      seed({ score: 1, of: 2, at: 0 }),
      /seeds\["k"\]: unknown field "at"/,
    ],
    [
      'a blank challenge key',
      withChallenge({ answered: 1, correct: 0, seeds: { ' ': { score: 0, of: 1 } } }),
      /seeds\[" "\]: a challenge key must be 1 to 200 characters/,
    ],
  ];
  it.each(cases)('rejects %s with an error naming the problem', (_name, value, message) => {
    const error = errorOf(value);
    expect(error).toMatch(message);
  });

  it('never throws on arbitrary JSON or text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
        const r = parseProgress(text);
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) expect(r.error.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe('mergeProgress', () => {
  it('keeps the furthest step and the union of visited steps', () => {
    const a = visitStep(visitStep(emptyProgress(), L3, 1, 6), L3, 3, 6);
    const b = visitStep(visitStep(visitStep(emptyProgress(), L3, 0, 6), L3, 5, 6), L3, 2, 6);
    const m = mergeProgress(a, b);
    expect(lessonProgress(m, L3)).toEqual({ step: 3, visited: [0, 1, 2, 3, 5], checkpoints: {} });
  });

  it('takes the right answer of either side, else more attempts, with the larger attempt count', () => {
    let a = answerCheckpoint(emptyProgress(), L3, 'one', 'x', false);
    a = answerCheckpoint(a, L3, 'one', 'y', true);
    a = answerCheckpoint(a, L3, 'tie', 'wrong', false);
    a = answerCheckpoint(a, L3, 'only-a', 'a', true);
    a = answerCheckpoint(a, L3, 'right-once', 'r', true);
    let b = answerCheckpoint(emptyProgress(), L3, 'one', 'z', false);
    b = answerCheckpoint(b, L3, 'tie', 'right', true);
    b = answerCheckpoint(b, L3, 'only-b', 'b', false);
    for (const w of ['w1', 'w2', 'w3']) b = answerCheckpoint(b, L3, 'right-once', w, false);
    const cps = lessonProgress(mergeProgress(a, b), L3)?.checkpoints;
    expect(cps).toEqual({
      one: { answered: 'y', correct: true, attempts: 2 },
      tie: { answered: 'right', correct: true, attempts: 1 },
      'only-a': { answered: 'a', correct: true, attempts: 1 },
      'only-b': { answered: 'b', correct: false, attempts: 1 },
      'right-once': { answered: 'r', correct: true, attempts: 3 },
    });
  });

  it('keeps lessons found on one side only, and leaves both inputs untouched', () => {
    const a = visitStep(emptyProgress(), 'a', 1, 3);
    const b = answerCheckpoint(visitStep(emptyProgress(), 'b', 2, 3), 'b', 's2', 'x', true);
    const [sa, sb] = [JSON.stringify(a), JSON.stringify(b)];
    const m = mergeProgress(a, b);
    expect(status(m, lessonOf('a', 3, [2]))).toBe('in-progress');
    expect(status(m, lessonOf('b', 3, [2]))).toBe('done');
    expect([JSON.stringify(a), JSON.stringify(b)]).toEqual([sa, sb]);
  });

  it('challenge: the larger totals (no double count on re-import), the better grade per key', () => {
    let a = recordChallenge(emptyProgress(), 'x', 1, 3);
    a = recordChallenge(a, 'y', 2, 2);
    let b = recordChallenge(emptyProgress(), 'x', 3, 3);
    b = recordChallenge(recordChallenge(b, 'y', 0, 2), 'z', 1, 2);
    expect(mergeProgress(a, b).challenge).toEqual({
      answered: 3,
      correct: 1,
      seeds: { x: { score: 3, of: 3 }, y: { score: 2, of: 2 }, z: { score: 1, of: 2 } },
    });
    expect(mergeProgress(a, parsed(serializeProgress(a)))).toEqual(a);
  });

  // Progress built by the public operations, over a few ids including awkward ones.
  const ids = ['01-two', L3, 'constructor', '__proto__'] as const;
  const shapes = ids.map((id, i) => lessonOf(id, 8, i % 2 === 0 ? [1, 2] : []));
  const op = fc.oneof(
    fc.record({
      kind: fc.constant('visit' as const),
      id: fc.constantFrom(...ids),
      step: fc.nat(7),
      total: fc.integer({ min: 1, max: 8 }),
    }),
    fc.record({
      kind: fc.constant('answer' as const),
      id: fc.constantFrom(...ids),
      stepId: fc.constantFrom('s1', 's2', 'toString'),
      answer: fc.constantFrom('delivered', 'dropped'),
      correct: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant('challenge' as const),
      key: fc.constantFrom('1', '17', 'valueOf'),
      of: fc.integer({ min: 1, max: 4 }),
      score: fc.nat(4),
    }),
  );
  const progressArb = fc
    .array(op, { maxLength: 25 })
    .map((ops) =>
      ops.reduce(
        (p, o) =>
          o.kind === 'visit'
            ? visitStep(p, o.id, o.step, o.total)
            : o.kind === 'answer'
              ? answerCheckpoint(p, o.id, o.stepId, o.answer, o.correct)
              : recordChallenge(p, o.key, Math.min(o.score, o.of), o.of),
        emptyProgress(),
      ),
    );

  it('property: serialize then parse gives the same progress', () => {
    fc.assert(
      fc.property(progressArb, (p) => {
        expect(parsed(serializeProgress(p))).toEqual(p);
      }),
    );
  });

  it('property: merging is idempotent, has the empty progress as identity, and keeps statuses monotone', () => {
    fc.assert(
      fc.property(progressArb, progressArb, (a, b) => {
        expect(mergeProgress(a, a)).toEqual(a);
        expect(mergeProgress(a, emptyProgress())).toEqual(a);
        expect(mergeProgress(emptyProgress(), a)).toEqual(a);
        const m = mergeProgress(a, b);
        const rank = { 'not-started': 0, 'in-progress': 1, done: 2 };
        for (const shape of shapes) {
          const r = rank[status(m, shape)];
          expect(r).toBeGreaterThanOrEqual(
            Math.max(rank[status(a, shape)], rank[status(b, shape)]),
          );
          const [sm, sa, sb] = [m, a, b].map((p) => lessonSummary(p, shape));
          expect(sm!.checkpointsCorrect).toBeGreaterThanOrEqual(
            Math.max(sa!.checkpointsCorrect, sb!.checkpointsCorrect),
          );
          expect(resumeStep(m, shape.id)).toBe(
            Math.max(resumeStep(a, shape.id), resumeStep(b, shape.id)),
          );
        }
        // The merge of two valid records is itself a valid file.
        expect(parsed(serializeProgress(m))).toEqual(m);
      }),
    );
  });
});

describe('progress import is linear and bounded (issue 13)', () => {
  const file = (visited: unknown[], checkpoints: Record<string, unknown> = {}) =>
    JSON.stringify({ version: 1, lessons: { l: { step: 0, done: false, visited, checkpoints } } });

  it('refuses 100,000 visited steps at once with a message that says why', () => {
    const started = performance.now();
    const r = parseProgress(file(Array.from({ length: 100_000 }, (_, i) => i)));
    expect(performance.now() - started).toBeLessThan(500);
    expect(r).toEqual({
      ok: false,
      error: `Not a valid progress file: lessons["l"].visited: 100000 steps, more than the ${MAX_ENTRIES_PER_LESSON} a lesson may have`,
    });
  });

  it('reads the most a lesson may hold, shuffled, and still finds a duplicate', () => {
    const steps = Array.from(
      { length: MAX_ENTRIES_PER_LESSON },
      (_, i) => (i * 7919) % MAX_ENTRIES_PER_LESSON,
    );
    const r = parseProgress(file(steps));
    expect(r.ok && r.progress.lessons.l!.visited).toEqual(
      Array.from({ length: MAX_ENTRIES_PER_LESSON }, (_, i) => i),
    );
    const dup = parseProgress(file([...steps.slice(0, 10), steps[3]]));
    expect(dup).toMatchObject({ ok: false, error: expect.stringContaining('visited[10]: step') });
  });

  it('refuses too many checkpoints and too many lessons', () => {
    const cps = Object.fromEntries(
      Array.from({ length: MAX_ENTRIES_PER_LESSON + 1 }, (_, i) => [
        `s${i}`,
        { answered: 'a', correct: true, attempts: 1 },
      ]),
    );
    expect(parseProgress(file([], cps))).toMatchObject({
      ok: false,
      error: expect.stringContaining(`${MAX_ENTRIES_PER_LESSON + 1} checkpoints, more than`),
    });
    const lessons = Object.fromEntries(
      Array.from({ length: MAX_LESSONS + 1 }, (_, i) => [
        `l${i}`,
        { step: 0, done: false, visited: [], checkpoints: {} },
      ]),
    );
    expect(parseProgress(JSON.stringify({ version: 1, lessons }))).toMatchObject({
      ok: false,
      error: expect.stringContaining(`${MAX_LESSONS + 1} lessons, more than`),
    });
  });
});
