// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { LessonStep } from '../lessons/types';
import { SpeakerNotes } from './SpeakerNotes';

afterEach(cleanup);

const step = (id: string, answer: string): LessonStep => ({
  id,
  title: 'Leave the node',
  text: 'The packet reaches `cali-fw-` first.',
  view: { scenario: 'two-node-basic' },
  line: 1,
  notes: {
    point: 'The `iptables` layer of node-1.',
    say: 'Felix filters here <img src=x onerror="alert(1)">.',
    ask: 'Which chain comes next?',
    answer,
  },
});

describe('SpeakerNotes', () => {
  it("shows the step's text and the four parts as Markdown, the answer behind a disclosure", () => {
    const { container, rerender } = render(
      <SpeakerNotes step={step('a', 'The `cali-tw-` chain.')} />,
    );
    expect(container.querySelector('.speaker-step-text code')?.textContent).toBe('cali-fw-');
    const terms = [...container.querySelectorAll('dt')].map((d) => d.textContent);
    expect(terms).toEqual(['Point at', 'Say', 'Ask the room', 'Answer']);
    expect(container.querySelector('dd code')?.textContent).toBe('iptables');
    // The sanitising renderer: no handler survives.
    expect(container.innerHTML).not.toMatch(/onerror/);
    const answer = screen.getByTestId('speaker-answer') as HTMLDetailsElement;
    expect(answer.open).toBe(false);
    fireEvent.click(screen.getByText('Show answer'));
    expect(answer.open).toBe(true);
    expect(answer.querySelector('code')?.textContent).toBe('cali-tw-');
    // The next step's answer starts hidden again.
    rerender(<SpeakerNotes step={step('b', 'Another.')} />);
    expect((screen.getByTestId('speaker-answer') as HTMLDetailsElement).open).toBe(false);
  });

  it('says so when a step has no notes', () => {
    render(<SpeakerNotes step={{ ...step('a', 'x'), notes: undefined }} />);
    expect(screen.getByTestId('speaker-notes').textContent).toContain('No notes for this step.');
  });
});
