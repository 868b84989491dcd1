// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Checkpoint as CheckpointData } from '../lessons/types';
import { Checkpoint } from './Checkpoint';

afterEach(cleanup);

const VERDICT: CheckpointData = {
  kind: 'predict-verdict',
  cni: 'calico',
  question: 'Is it delivered?',
  answer: 'delivered',
  explanation: 'Both `cali-fw-` and `cali-tw-` fall through to the profile `kns.default`.',
};

const TABLE: CheckpointData = {
  kind: 'deciding-table',
  cni: 'calico',
  question: 'Which chain decided?',
  choices: ['cali-tw-x', 'cali-fw-y'],
  answer: 'cali-tw-x',
  explanation: 'The **ingress** chain.',
};

const feedback = () => document.querySelector('.checkpoint-feedback')!;

/** Renders a checkpoint, picks `choice` and checks it; returns what onAnswer received. */
function answer(checkpoint: CheckpointData, choice: string) {
  const onAnswer = vi.fn();
  render(<Checkpoint checkpoint={checkpoint} onAnswer={onAnswer} />);
  fireEvent.click(screen.getByLabelText(choice));
  fireEvent.click(screen.getByRole('button', { name: 'Check answer' }));
  return onAnswer.mock.calls;
}

describe('Checkpoint', () => {
  it('renders the explanation as Markdown: code elements, no literal backticks', () => {
    expect(answer(VERDICT, 'delivered')).toEqual([['delivered', true]]);
    expect(feedback().className).toContain('right');
    expect(feedback().textContent).toContain('Right.');
    const codes = [...feedback().querySelectorAll('code')].map((c) => c.textContent);
    expect(codes).toEqual(['cali-fw-', 'cali-tw-', 'kns.default']);
    expect(feedback().textContent).not.toContain('`');
  });

  it('says a wrong table name as code, in Markdown, without giving the explanation away', () => {
    expect(answer(TABLE, 'cali-fw-y')).toEqual([['cali-fw-y', false]]);
    expect(feedback().className).toContain('wrong');
    expect(feedback().textContent).toContain('Not quite.');
    expect(feedback().querySelector('code')?.textContent).toBe('cali-fw-y');
    expect(feedback().textContent).not.toContain('ingress');
  });

  it('restores a stored answer with its radio checked and its feedback', () => {
    render(
      <Checkpoint
        checkpoint={VERDICT}
        stored={{ answered: 'delivered', correct: true, attempts: 2 }}
      />,
    );
    expect((screen.getByLabelText('delivered') as HTMLInputElement).checked).toBe(true);
    expect(feedback().className).toContain('right');
    expect(feedback().querySelector('code')?.textContent).toBe('cali-fw-');
  });

  it('restores a stored wrong answer as wrong, and ignores one that is no longer a choice', () => {
    const { unmount } = render(
      <Checkpoint
        checkpoint={TABLE}
        stored={{ answered: 'cali-fw-y', correct: false, attempts: 1 }}
      />,
    );
    expect((screen.getByLabelText('cali-fw-y') as HTMLInputElement).checked).toBe(true);
    expect(feedback().className).toContain('wrong');
    unmount();
    render(
      <Checkpoint checkpoint={TABLE} stored={{ answered: 'gone', correct: true, attempts: 1 }} />,
    );
    expect(screen.getAllByRole('radio').some((r) => (r as HTMLInputElement).checked)).toBe(false);
    expect(feedback().textContent).toBe('');
  });
});
