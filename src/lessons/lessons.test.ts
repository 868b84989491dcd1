/**
 * Every lesson in lessons/ parses against the schema and every claim of every step holds when the
 * step is replayed through the engine and the datapath (checkpoint answers included).
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLessons } from './load';
import { parseLesson } from './parse';

describe('lessons', () => {
  const { lessons, problems } = checkLessons('lessons');

  it('all parse and all their claims hold', () => {
    expect(problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`)).toEqual([]);
  });

  it('are the 14 lessons of issue 7, numbered 1 to 14, each with 5 to 15 steps and a checkpoint', () => {
    expect(lessons.map((l) => l.number)).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
    for (const l of lessons) {
      expect(l.steps.length).toBeGreaterThanOrEqual(5);
      expect(l.steps.length).toBeLessThanOrEqual(15);
      expect(l.steps.some((s) => s.checkpoint)).toBe(true);
      // Speaker notes on every step (notes.yaml, issue 14).
      expect(l.steps.filter((s) => !s.notes).map((s) => `${l.id}/${s.id}`)).toEqual([]);
    }
  });
});

describe('lesson checker', () => {
  const md = '---\ntitle: T\nsummary: S\nduration: 10\n---\nProse.\n';
  const step = (extra = '') =>
    `  - id: s\n    title: S\n    text: t\n    view:\n      scenario: two-node-basic\n${extra}`;

  it('reports schema problems with file and line', () => {
    const { problems } = parseLesson({
      id: '01-x',
      path: 'lessons/01-x',
      files: { 'lesson.md': md, 'steps.yaml': `steps:\n${step('      bogus: 1\n')}` },
    });
    expect(problems.map((p) => `${p.file}:${p.line}: ${p.message}`)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^lessons\/01-x\/steps\.yaml:1: steps: a lesson has 5 to 15 steps, not 1$/,
        ),
        expect.stringMatching(
          /^lessons\/01-x\/steps\.yaml:7: steps\[0\]\.view\.bogus: unknown field/,
        ),
      ]),
    );
  });

  it('rejects a checkpoint whose answer is not among its choices', () => {
    const cp =
      '    checkpoint:\n      kind: deciding-table\n      cni: calico\n      question: q\n      choices: [a, b]\n      answer: c\n      explanation: e\n';
    const steps = Array.from(
      { length: 5 },
      (_, i) => step().replace('id: s', `id: s${i}`) + (i === 0 ? cp : ''),
    ).join('');
    const { problems } = parseLesson({
      id: '01-x',
      path: 'lessons/01-x',
      files: { 'lesson.md': md, 'steps.yaml': `steps:\n${steps}` },
    });
    expect(problems.map((p) => p.message)).toContain(
      'steps[0].checkpoint.answer: the answer "c" is not one of the choices',
    );
  });
});

describe('lesson views: Cilium BPF masquerade and AWS ENI routing', () => {
  it('a lesson view accepts cilium.routing eni and cilium.bpfMasquerade', () => {
    const md = '---\ntitle: T\nsummary: S\nduration: 10\n---\nProse.\n';
    const step = (i: number) =>
      `  - id: s${i}\n    title: S\n    text: t\n    view:\n      scenario: two-node-basic\n      cilium:\n        routing: eni\n        bpfMasquerade: true\n`;
    const { lesson, problems } = parseLesson({
      id: '01-x',
      path: 'lessons/01-x',
      files: {
        'lesson.md': md,
        'steps.yaml': `steps:\n${[0, 1, 2, 3, 4].map(step).join('')}`,
      },
    });
    expect(problems.filter((p) => /cilium/.test(p.message))).toEqual([]);
    expect(lesson?.steps[0]!.view.cilium).toEqual({ routing: 'eni', bpfMasquerade: true });
  });
});

describe('speaker notes (notes.yaml)', () => {
  const md = '---\ntitle: T\nsummary: S\nduration: 10\n---\nProse.\n';
  const ids = ['s0', 's1', 's2', 's3', 's4'];
  const steps = `steps:\n${ids
    .map(
      (id) =>
        `  - id: ${id}\n    title: S\n    text: t\n    view:\n      scenario: two-node-basic\n`,
    )
    .join('')}`;
  const entry = (id: string, fields: Record<string, string> = {}) => {
    const all = {
      point: 'The pod.',
      say: 'It leaves.',
      ask: 'Why?',
      answer: 'Routing.',
      ...fields,
    };
    return `  ${id}:\n${Object.entries(all)
      .filter(([, v]) => v !== '<absent>')
      .map(([k, v]) => `    ${k}: ${v}\n`)
      .join('')}`;
  };
  const parse = (notes: string | undefined, requireNotes = false) =>
    parseLesson(
      {
        id: '01-x',
        path: 'lessons/01-x',
        files: {
          'lesson.md': md,
          'steps.yaml': steps,
          ...(notes !== undefined ? { 'notes.yaml': notes } : {}),
        },
      },
      { requireNotes },
    );
  const where = (r: ReturnType<typeof parse>) =>
    r.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`);

  it('gives every step its four parts', () => {
    const { lesson, problems } = parse(`notes:\n${ids.map((id) => entry(id)).join('')}`);
    expect(problems).toEqual([]);
    expect(lesson!.steps.map((s) => s.notes)).toEqual(
      ids.map(() => ({ point: 'The pod.', say: 'It leaves.', ask: 'Why?', answer: 'Routing.' })),
    );
    // notes.yaml is content, not a scenario of the lesson's own.
    expect(lesson!.scenarios).toEqual({});
  });

  it('fails a step without notes, at the step in steps.yaml', () => {
    const r = parse(
      `notes:\n${ids
        .filter((id) => id !== 's2')
        .map((id) => entry(id))
        .join('')}`,
    );
    expect(r.lesson).toBeNull();
    expect(where(r)).toEqual([
      'lessons/01-x/steps.yaml:12:5: steps[2]: step "s2" has no speaker notes (add notes.s2 with point, say, ask and answer to notes.yaml)',
    ]);
  });

  it('fails a lesson without notes.yaml once notes are required, and not before', () => {
    expect(where(parse(undefined, true))).toEqual([
      'lessons/01-x/notes.yaml:1:1: missing notes.yaml: every step needs speaker notes (point, say, ask, answer)',
    ]);
    expect(parse(undefined, false).problems).toEqual([]);
  });

  it('reports a missing field, an empty field and an unknown step id at their lines', () => {
    const text = `notes:\n${entry('s0', { ask: '<absent>' })}${entry('s1', { say: "''" })}${entry('s2', { answer: '' })}${entry('s3')}${entry('s4')}${entry('s9')}`;
    const r = parse(text);
    expect(r.lesson).toBeNull();
    expect(where(r)).toEqual(
      expect.arrayContaining([
        'lessons/01-x/notes.yaml:2:3: notes.s0: missing field "ask" (a note has point, say, ask, answer)',
        'lessons/01-x/notes.yaml:8:5: notes.s1.say: is empty',
        'lessons/01-x/notes.yaml:15:5: notes.s2.answer: is empty',
        'lessons/01-x/notes.yaml:26:3: notes.s9: no step has the id "s9" (steps.yaml has: s0, s1, s2, s3, s4)',
      ]),
    );
    expect(r.problems).toHaveLength(4);
  });

  it('refuses unknown fields, entries out of step order, and free-text notes left in steps.yaml', () => {
    const swapped = `notes:\n${entry('s1')}${entry('s0', { bogus: 'x' })}${ids
      .slice(2)
      .map((id) => entry(id))
      .join('')}`;
    expect(parse(swapped).problems.map((p) => p.message)).toEqual(
      expect.arrayContaining([
        'notes.s0: notes are written in step order: "s0" comes before "s1"',
        expect.stringMatching(/^notes\.s0\.bogus: unknown field "bogus"/),
      ]),
    );
    const full = `notes:\n${ids.map((id) => entry(id)).join('')}`;
    const legacy = parseLesson({
      id: '01-x',
      path: 'lessons/01-x',
      files: {
        'lesson.md': md,
        'steps.yaml': steps.replace('    text: t\n', '    text: t\n    notes: Say this.\n'),
        'notes.yaml': full,
      },
    });
    expect(legacy.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^steps\[0\]\.notes: speaker notes live in notes\.yaml/),
    ]);
    // Also without a notes.yaml: free-text notes are never read.
    const alone = parseLesson({
      id: '01-x',
      path: 'lessons/01-x',
      files: {
        'lesson.md': md,
        'steps.yaml': steps.replace('    text: t\n', '    text: t\n    notes: Say this.\n'),
      },
    });
    expect(alone.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^steps\[0\]\.notes: speaker notes live in notes\.yaml/),
    ]);
  });
});

describe('lessons:check on a lesson folder', () => {
  // A lessons/ tree on disk, read and replayed as `npm run lessons:check` does (checkLessons).
  const fixture = (notes: string | undefined) => {
    const root = mkdtempSync(join(tmpdir(), 'packetwalk-lessons-'));
    mkdirSync(join(root, 'scenarios'));
    copyFileSync(
      'lessons/scenarios/two-node-basic.yaml',
      join(root, 'scenarios/two-node-basic.yaml'),
    );
    const dir = join(root, '01-fixture');
    mkdirSync(dir);
    writeFileSync(join(dir, 'lesson.md'), '---\ntitle: T\nsummary: S\nduration: 10\n---\nProse.\n');
    const ids = ['a', 'b', 'c', 'd', 'e'];
    writeFileSync(
      join(dir, 'steps.yaml'),
      `steps:\n${ids
        .map(
          (id) =>
            `  - id: ${id}\n    title: S\n    text: t\n    view:\n      scenario: two-node-basic\n      packet: { from: default/pod-a, to: default/pod-c, port: 80 }\n`,
        )
        .join('')}`,
    );
    if (notes !== undefined) writeFileSync(join(dir, 'notes.yaml'), notes);
    return root;
  };
  const note = (id: string) => `  ${id}: { point: p, say: s, ask: q, answer: a }\n`;

  it('fails a step without speaker notes and passes once it has them', () => {
    const missing = fixture(`notes:\n${['a', 'b', 'd', 'e'].map(note).join('')}`);
    const complete = fixture(`notes:\n${['a', 'b', 'c', 'd', 'e'].map(note).join('')}`);
    try {
      const failed = checkLessons(missing);
      expect(failed.problems.map((p) => `${p.line}: ${p.message}`)).toEqual([
        '14: steps[2]: step "c" has no speaker notes (add notes.c with point, say, ask and answer to notes.yaml)',
      ]);
      expect(failed.problems[0]!.file).toBe(join(missing, '01-fixture', 'steps.yaml'));
      const passed = checkLessons(complete);
      expect(passed.problems).toEqual([]);
      expect(passed.lessons[0]!.steps[2]!.notes).toEqual({
        point: 'p',
        say: 's',
        ask: 'q',
        answer: 'a',
      });
      // lessons:check requires notes: a lesson without notes.yaml fails too.
      const none = fixture(undefined);
      try {
        expect(checkLessons(none).problems.map((p) => p.message)).toEqual([
          'missing notes.yaml: every step needs speaker notes (point, say, ask, answer)',
        ]);
      } finally {
        rmSync(none, { recursive: true, force: true });
      }
    } finally {
      rmSync(missing, { recursive: true, force: true });
      rmSync(complete, { recursive: true, force: true });
    }
  });
});
