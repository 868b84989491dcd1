import { describe, expect, it } from 'vitest';
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
