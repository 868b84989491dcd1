import { describe, expect, it } from 'vitest';
import { checkLessons } from './load';
import { recommend } from './questionnaire';
import type { Questionnaire } from './types';

const q: Questionnaire = {
  title: 't',
  questions: [
    {
      id: 'l7',
      question: 'HTTP rules?',
      options: [
        { label: 'Yes', points: { calico: 0, cilium: 3 }, why: 'Cilium has L7 rules.' },
        { label: 'No', points: { calico: 0, cilium: 0 }, why: 'Both do L3/L4.' },
      ],
    },
    {
      id: 'windows',
      question: 'Windows?',
      options: [
        { label: 'Yes', points: { calico: 3, cilium: 0 }, why: 'Calico runs on Windows.' },
        { label: 'No', points: { calico: 0, cilium: 0 }, why: 'Linux only.' },
      ],
    },
  ],
};

describe('recommend', () => {
  it('adds the chosen options and explains with the reasons that gave points', () => {
    const r = recommend(q, { l7: 0, windows: 1 });
    expect(r).toEqual({
      scores: { calico: 0, cilium: 3 },
      pick: 'cilium',
      reasons: [{ cni: 'cilium', why: 'Cilium has L7 rules.' }],
      answered: 2,
    });
  });

  it('says it depends on a tie and ignores unanswered or unknown answers', () => {
    expect(recommend(q, { l7: 0, windows: 0 }).pick).toBeNull();
    expect(recommend(q, { l7: 7 })).toMatchObject({ answered: 0, pick: null });
  });
});

describe("lesson 13's questionnaire", () => {
  const lesson = checkLessons('lessons').lessons.find((l) => l.id === '13-choosing');
  const questionnaire = lesson?.questionnaire;

  it('is read from the lesson folder', () => {
    expect(questionnaire?.questions.length).toBeGreaterThan(0);
  });

  // At the baseline (Calico v3.32, Cilium 1.18) both CNIs need Linux 5.10 (datapath-facts.md): a
  // kernel answer must not tip the recommendation, as the seeds' dated 4.19 figure used to.
  it('does not let the kernel answer favour either CNI', () => {
    const kernel = questionnaire!.questions.find((q) => q.id === 'kernel')!;
    kernel.options.forEach((_, i) => {
      const r = recommend(questionnaire!, { kernel: i });
      expect(r.answered).toBe(1);
      expect(r.pick).toBeNull();
      expect(r.reasons).toEqual([]);
    });
  });

  it('says why for every option', () => {
    for (const q of questionnaire!.questions)
      for (const o of q.options) expect(o.why.length).toBeGreaterThan(20);
  });
});
