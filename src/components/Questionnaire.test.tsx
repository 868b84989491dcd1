// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Questionnaire } from './Questionnaire';

afterEach(cleanup);

const data = {
  title: 'Which CNI?',
  questions: [
    {
      id: 'windows',
      question: 'Windows nodes?',
      options: [
        { label: 'Yes', points: { calico: 3, cilium: 0 }, why: 'Calico has a Windows dataplane.' },
        { label: 'No', points: { calico: 0, cilium: 0 }, why: 'Both run on Linux.' },
      ],
    },
  ],
};

describe('Questionnaire', () => {
  it('recommends and explains as the learner answers', () => {
    render(<Questionnaire data={data} />);
    expect(screen.getByTestId('recommendation').textContent).toContain('Answer the questions');
    fireEvent.click(screen.getByLabelText('Yes'));
    expect(screen.getByTestId('recommendation').textContent).toContain('Leaning Calico');
    expect(screen.getByTestId('recommendation').textContent).toContain(
      'Calico has a Windows dataplane.',
    );
    fireEvent.click(screen.getByLabelText('No'));
    expect(screen.getByTestId('recommendation').textContent).toContain('It depends');
  });
});
