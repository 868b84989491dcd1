import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_ENTRIES_PER_LESSON,
  MAX_LESSONS,
  answerCheckpoint,
  emptyProgress,
  lessonProgress,
  lessonStatus,
  mergeProgress,
  parseProgress,
  resumeStep,
  serializeProgress,
  visitStep,
  type Progress,
} from './progress';

const L3 = '03-across-nodes';

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

const VALID = {
  version: 1,
  lessons: {
    [L3]: {
      step: 2,
      done: false,
      visited: [0, 1, 2],
      checkpoints: { 'predict-drop': { answered: 'dropped', correct: true, attempts: 2 } },
    },
  },
};

describe('visitStep', () => {
  it('starts a lesson, remembers the step to resume at and the steps seen', () => {
    let p = emptyProgress();
    expect(lessonStatus(p, L3)).toBe('not-started');
    expect(resumeStep(p, L3)).toBe(0);
    p = visitStep(p, L3, 0, 5);
    p = visitStep(p, L3, 3, 5);
    p = visitStep(p, L3, 1, 5);
    expect(lessonStatus(p, L3)).toBe('in-progress');
    expect(lessonProgress(p, L3)).toEqual({
      step: 1,
      done: false,
      visited: [0, 1, 3],
      checkpoints: {},
    });
    expect(resumeStep(p, L3)).toBe(1);
  });

  it('marks the lesson done at the last step, and done stays done when going back', () => {
    let p = visitStep(emptyProgress(), L3, 4, 5);
    expect(lessonStatus(p, L3)).toBe('done');
    p = visitStep(p, L3, 0, 5);
    expect(lessonStatus(p, L3)).toBe('done');
    expect(resumeStep(p, L3)).toBe(0);
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
    expect(lessonProgress(visitStep(p, L3, 99, 5), L3)).toMatchObject({ step: 4, done: true });
    expect(lessonProgress(visitStep(p, L3, -3, 5), L3)).toMatchObject({ step: 0, visited: [0] });
    expect(lessonProgress(visitStep(p, L3, 1.7, 5), L3)).toMatchObject({ step: 1 });
    expect(visitStep(p, L3, 0, 0)).toBe(p);
    expect(visitStep(p, L3, Number.NaN, 5)).toBe(p);
  });

  it('a one-step lesson is done as soon as it is opened', () => {
    expect(lessonStatus(visitStep(emptyProgress(), L3, 0, 1), L3)).toBe('done');
  });

  it('keeps other lessons untouched', () => {
    const p = visitStep(visitStep(emptyProgress(), 'a', 1, 3), 'b', 0, 3);
    expect(Object.keys(p.lessons).sort()).toEqual(['a', 'b']);
    expect(lessonProgress(p, 'a')?.step).toBe(1);
  });
});

describe('answerCheckpoint', () => {
  it('records the latest answer, whether it was right, and counts the attempts', () => {
    let p = visitStep(emptyProgress(), L3, 2, 5);
    p = answerCheckpoint(p, L3, 'predict', 'delivered', false);
    expect(lessonProgress(p, L3)?.checkpoints.predict).toEqual({
      answered: 'delivered',
      correct: false,
      attempts: 1,
    });
    const before = p;
    p = answerCheckpoint(p, L3, 'predict', 'dropped', true);
    expect(lessonProgress(p, L3)?.checkpoints.predict).toEqual({
      answered: 'dropped',
      correct: true,
      attempts: 2,
    });
    expect(lessonProgress(before, L3)?.checkpoints.predict?.attempts).toBe(1);
    expect(lessonProgress(p, L3)?.step).toBe(2);
  });

  it('starts a lesson that was not opened yet', () => {
    const p = answerCheckpoint(emptyProgress(), L3, 's1', 'x', true);
    expect(lessonStatus(p, L3)).toBe('in-progress');
    expect(resumeStep(p, L3)).toBe(0);
  });
});

describe('resumeStep', () => {
  it('clamps to the lesson as it is now', () => {
    const p = visitStep(emptyProgress(), L3, 8, 10);
    expect(resumeStep(p, L3)).toBe(8);
    expect(resumeStep(p, L3, 5)).toBe(4);
    expect(resumeStep(p, L3, 10)).toBe(8);
  });

  it('reads own lessons only, never Object.prototype', () => {
    const p = emptyProgress();
    expect(lessonStatus(p, 'constructor')).toBe('not-started');
    expect(resumeStep(p, 'toString')).toBe(0);
    expect(lessonProgress(p, '__proto__')).toBeUndefined();
  });
});

describe('serializeProgress / parseProgress', () => {
  it('round-trips and writes pretty, sorted JSON', () => {
    let p = visitStep(emptyProgress(), 'b-lesson', 1, 3);
    p = visitStep(p, 'a-lesson', 0, 3);
    p = answerCheckpoint(p, 'a-lesson', 'z', 'dropped', true);
    p = answerCheckpoint(p, 'a-lesson', 'y', 'delivered', false);
    const text = serializeProgress(p);
    expect(text.endsWith('\n')).toBe(true);
    expect(text).toContain('\n  "lessons": {\n    "a-lesson"');
    expect(text.indexOf('"a-lesson"')).toBeLessThan(text.indexOf('"b-lesson"'));
    expect(text.indexOf('"y"')).toBeLessThan(text.indexOf('"z"'));
    expect(parsed(text)).toEqual(p);
  });

  it('accepts a valid file and sorts the visited steps', () => {
    const p = parsed(
      JSON.stringify({ ...VALID, lessons: { x: { ...VALID.lessons[L3], visited: [2, 0] } } }),
    );
    expect(lessonProgress(p, 'x')?.visited).toEqual([0, 2]);
    expect(parsed(JSON.stringify(VALID)).lessons[L3]?.checkpoints['predict-drop']?.attempts).toBe(
      2,
    );
    expect(parsed('{"version":1,"lessons":{}}')).toEqual(emptyProgress());
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
  });

  const lesson = VALID.lessons[L3];
  const withLesson = (l: unknown) => ({ version: 1, lessons: { [L3]: l } });
  const withCheckpoint = (c: unknown) => withLesson({ ...lesson, checkpoints: { s: c } });
  const cases: [string, unknown, RegExp][] = [
    ['not JSON', '{"version": 1,', /invalid JSON/],
    ['empty text', '', /invalid JSON/],
    ['an array', [], /the file: expected an object, got an array/],
    ['null', null, /the file: expected an object, got null/],
    ['no version', { lessons: {} }, /the file: missing "version"/],
    ['a newer version', { version: 2, lessons: {} }, /unsupported version 2/],
    ['a string version', { version: '1', lessons: {} }, /version: expected 1, got "1"/],
    ['an unknown top-level field', { ...VALID, extra: 1 }, /the file: unknown field "extra"/],
    [
      'lessons as an array',
      { version: 1, lessons: [] },
      /^.*lessons: expected an object, got an array$/,
    ],
    [
      'a lesson not an object',
      withLesson(3),
      /lessons\["03-across-nodes"\]: expected an object, got 3/,
    ],
    ['a missing step', withLesson({ done: false, visited: [], checkpoints: {} }), /missing "step"/],
    [
      'a negative step',
      withLesson({ ...lesson, step: -1 }),
      /\.step: expected a whole number ≥ 0, got -1/,
    ],
    ['a fractional step', withLesson({ ...lesson, step: 1.5 }), /\.step: .* got 1\.5/],
    ['a string step', withLesson({ ...lesson, step: '2' }), /\.step: .* got "2"/],
    [
      'done not boolean',
      withLesson({ ...lesson, done: 'yes' }),
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
      { version: 1, lessons: { '': lesson } },
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
  it('keeps the furthest step, done if either, the union of visited steps', () => {
    const a = visitStep(visitStep(emptyProgress(), L3, 1, 6), L3, 3, 6);
    const b = visitStep(visitStep(visitStep(emptyProgress(), L3, 0, 6), L3, 5, 6), L3, 2, 6);
    const m = mergeProgress(a, b);
    expect(lessonProgress(m, L3)).toEqual({
      step: 3,
      done: true,
      visited: [0, 1, 2, 3, 5],
      checkpoints: {},
    });
  });

  it('takes each checkpoint from the side with more attempts, the correct one on a tie', () => {
    let a = answerCheckpoint(emptyProgress(), L3, 'one', 'x', false);
    a = answerCheckpoint(a, L3, 'one', 'y', true);
    a = answerCheckpoint(a, L3, 'tie', 'wrong', false);
    a = answerCheckpoint(a, L3, 'only-a', 'a', true);
    let b = answerCheckpoint(emptyProgress(), L3, 'one', 'z', false);
    b = answerCheckpoint(b, L3, 'tie', 'right', true);
    b = answerCheckpoint(b, L3, 'only-b', 'b', false);
    const cps = lessonProgress(mergeProgress(a, b), L3)?.checkpoints;
    expect(cps).toEqual({
      one: { answered: 'y', correct: true, attempts: 2 },
      tie: { answered: 'right', correct: true, attempts: 1 },
      'only-a': { answered: 'a', correct: true, attempts: 1 },
      'only-b': { answered: 'b', correct: false, attempts: 1 },
    });
  });

  it('keeps lessons found on one side only, and leaves both inputs untouched', () => {
    const a = visitStep(emptyProgress(), 'a', 1, 3);
    const b = visitStep(emptyProgress(), 'b', 2, 3);
    const [sa, sb] = [JSON.stringify(a), JSON.stringify(b)];
    const m = mergeProgress(a, b);
    expect(lessonStatus(m, 'a')).toBe('in-progress');
    expect(lessonStatus(m, 'b')).toBe('done');
    expect([JSON.stringify(a), JSON.stringify(b)]).toEqual([sa, sb]);
  });

  // Progress built by the public operations, over a few ids including awkward ones.
  const ids = fc.constantFrom('01-two', L3, 'constructor', '__proto__');
  const op = fc.oneof(
    fc.record({
      kind: fc.constant('visit' as const),
      id: ids,
      step: fc.nat(7),
      total: fc.integer({ min: 1, max: 8 }),
    }),
    fc.record({
      kind: fc.constant('answer' as const),
      id: ids,
      stepId: fc.constantFrom('s1', 's2', 'toString'),
      answer: fc.constantFrom('delivered', 'dropped'),
      correct: fc.boolean(),
    }),
  );
  const progressArb = fc
    .array(op, { maxLength: 25 })
    .map((ops) =>
      ops.reduce(
        (p, o) =>
          o.kind === 'visit'
            ? visitStep(p, o.id, o.step, o.total)
            : answerCheckpoint(p, o.id, o.stepId, o.answer, o.correct),
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
        for (const id of ['01-two', L3, 'constructor', '__proto__']) {
          const r = rank[lessonStatus(m, id)];
          expect(r).toBe(Math.max(rank[lessonStatus(a, id)], rank[lessonStatus(b, id)]));
          expect(resumeStep(m, id)).toBe(Math.max(resumeStep(a, id), resumeStep(b, id)));
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
