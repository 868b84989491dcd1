/**
 * Every lesson in lessons/ parses against the schema and every claim of every step holds when the
 * step is replayed through the engine and the datapath (checkpoint answers included).
 */
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
