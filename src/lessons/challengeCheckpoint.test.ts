/**
 * The `challenge` checkpoint kind: what the lesson parser accepts and refuses, and what the replay
 * (lessons:check) proves about it: a packet to walk, CNIs the step shows, a deciding hop to ask for.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLesson } from './parse';
import { LessonReplayer } from './replay';

const md = '---\ntitle: T\nsummary: S\nduration: 10\n---\nProse.\n';
const PACKET =
  '      packet: { from: default/pod-a, to: default/pod-c, port: 80, protocol: TCP }\n';

function lessonWith(checkpoint: string, view = PACKET) {
  const steps = [0, 1, 2, 3, 4]
    .map(
      (i) =>
        `  - id: s${i}\n    title: S\n    text: t\n    view:\n      scenario: two-node-basic\n` +
        (i === 0 ? `${view}    checkpoint:\n${checkpoint}` : ''),
    )
    .join('');
  return parseLesson({
    id: '01-x',
    path: 'lessons/01-x',
    files: { 'lesson.md': md, 'steps.yaml': `steps:\n${steps}` },
  });
}

const replayer = new LessonReplayer({
  'two-node-basic': readFileSync('lessons/scenarios/two-node-basic.yaml', 'utf8'),
});

describe('challenge checkpoints', () => {
  it('parse with no choices and no answer: the CNIs (both by default) and a seed', () => {
    const both = lessonWith('      kind: challenge\n      question: Q?\n      explanation: E.\n');
    expect(both.problems).toEqual([]);
    expect(both.lesson!.steps[0]!.checkpoint).toEqual({
      kind: 'challenge',
      cnis: ['calico', 'cilium'],
      question: 'Q?',
      seed: 1,
      explanation: 'E.',
    });
    const one = lessonWith(
      '      kind: challenge\n      cnis: [cilium]\n      seed: 7\n      question: Q?\n      explanation: E.\n',
    );
    expect(one.lesson!.steps[0]!.checkpoint).toMatchObject({ cnis: ['cilium'], seed: 7 });
  });

  it('refuse a written answer, an unknown CNI and a bad seed, saying where', () => {
    const messages = (cp: string) => lessonWith(cp).problems.map((p) => `${p.line}: ${p.message}`);
    expect(
      messages(
        '      kind: challenge\n      question: Q?\n      answer: dropped\n      explanation: E.\n',
      ),
    ).toEqual([expect.stringMatching(/^11: steps\[0\]\.checkpoint\.answer: unknown field/)]);
    expect(
      messages(
        '      kind: challenge\n      cnis: [flannel]\n      question: Q?\n      explanation: E.\n',
      ),
    ).toEqual([
      expect.stringMatching(
        /^10: steps\[0\]\.checkpoint\.cnis: cnis lists one or both of calico, cilium, not flannel/,
      ),
    ]);
    expect(
      messages(
        '      kind: challenge\n      seed: -3\n      question: Q?\n      explanation: E.\n',
      ),
    ).toEqual([expect.stringMatching(/^10: steps\[0\]\.checkpoint\.seed: /)]);
  });

  it('replay clean when every CNI asked has a deciding hop among choices', () => {
    const { lesson } = lessonWith(
      '      kind: challenge\n      question: Q?\n      explanation: E.\n',
    );
    expect(replayer.replay(lesson!, 'lessons/01-x')).toEqual([]);
  });

  it('fail lessons:check without a packet, or asking about a CNI the step does not show', () => {
    const cp =
      '      kind: challenge\n      cnis: [cilium]\n      question: Q?\n      explanation: E.\n';
    const noPacket = lessonWith(cp, '').lesson!;
    expect(replayer.replay(noPacket, 'lessons/01-x').map((p) => p.message)).toEqual([
      'step "s0": claims and checkpoints need a packet',
    ]);
    const hidden = lessonWith(cp, `${PACKET}      layout: calico\n`).lesson!;
    expect(
      replayer.replay(hidden, 'lessons/01-x').map((p) => `${p.file}:${p.line}: ${p.message}`),
    ).toEqual([
      'lessons/01-x/steps.yaml:2: step "s0": the challenge asks about cilium, which the step\'s layout (calico) does not show',
    ]);
  });
});
