// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { lessonSummary, type Progress } from '../lessons/progress';
import type { Lesson } from '../lessons/types';
import { createAppStore, StoreProvider } from '../store';
import { LessonList } from './LessonList';
import type { LessonSupport } from './lessonSupport';

afterEach(cleanup);

/** A lesson of `steps` steps whose steps listed in `checkpoints` ask a question. */
function lesson(id: string, number: number, steps: number, checkpoints: number[]): Lesson {
  return {
    id,
    number,
    title: `Lesson ${id}`,
    summary: 's',
    duration: 10,
    steps: Array.from({ length: steps }, (_, i) => ({
      id: `s${i}`,
      ...(checkpoints.includes(i) ? { checkpoint: {} } : {}),
    })),
  } as unknown as Lesson;
}

const LESSONS = [lesson('a', 1, 4, [1, 3]), lesson('b', 2, 3, [0]), lesson('c', 3, 2, [])];

function renderList(progress: Progress, importText?: LessonSupport['importText']) {
  const store = createAppStore();
  const support: LessonSupport = {
    lessons: LESSONS,
    stepView: () => {
      throw new Error('not here');
    },
    hopIndex: () => 0,
    status: (id) =>
      lessonSummary(
        progress,
        LESSONS.find((l) => l.id === id)!,
      ).status,
    summary: (id) =>
      lessonSummary(
        progress,
        LESSONS.find((l) => l.id === id)!,
      ),
    ...(importText ? { importText } : {}),
  };
  render(
    <StoreProvider store={store}>
      <LessonList support={support} />
    </StoreProvider>,
  );
  return store;
}

const right = { answered: 'x', correct: true, attempts: 1 };

describe('the lesson list', () => {
  const progress = {
    version: 2,
    lessons: {
      a: { step: 2, visited: [0, 1, 2], checkpoints: { s1: right } },
      b: { step: 2, visited: [0, 1, 2], checkpoints: { s0: right } },
    },
    challenge: { answered: 0, correct: 0, seeds: {} },
  } as unknown as Progress;

  it('says where each lesson is, with one action: Resume, Review or Start', () => {
    renderList(progress);
    const [a, b, c] = screen.getAllByRole('listitem');
    expect(within(a!).getByTestId('lesson-where').textContent).toBe('Step 3 of 4');
    expect(within(a!).getByTestId('lesson-counts').textContent).toBe(
      'Checkpoints: 1 of 2 correctSteps seen: 3 of 4',
    );
    expect(within(a!).getByRole('button', { name: 'Resume lesson 1: Lesson a' })).toBeTruthy();
    expect(within(b!).getByRole('button', { name: 'Review lesson 2: Lesson b' })).toBeTruthy();
    expect(within(b!).getByText('Done')).toBeTruthy();
    expect(within(c!).getByRole('button', { name: 'Start lesson 3: Lesson c' }).textContent).toBe(
      'Start',
    );
    expect(within(c!).queryByTestId('lesson-counts')).toBeNull();
  });

  it('opens a lesson where it was left, a done one at its start, a new one at its start', () => {
    const store = renderList(progress);
    fireEvent.click(screen.getByRole('button', { name: /^Resume lesson 1/ }));
    expect(store.getState().route).toEqual({ page: 'lesson', lessonId: 'a', step: 2 });
    fireEvent.click(screen.getByRole('button', { name: /^Review lesson 2/ }));
    expect(store.getState().route).toEqual({ page: 'lesson', lessonId: 'b', step: 0 });
    fireEvent.click(screen.getByRole('button', { name: /^Start lesson 3/ }));
    expect(store.getState().route).toEqual({ page: 'lesson', lessonId: 'c', step: 0 });
  });

  it('imports a chosen file and says how it went in a status region', async () => {
    const given: string[] = [];
    renderList(progress, (text) => {
      given.push(text);
      return text.startsWith('{') ? null : 'Not a progress file: invalid JSON';
    });
    const input = screen.getByTestId('import-progress-file') as HTMLInputElement;
    const message = screen.getByRole('status');
    const choose = (name: string, text: string) =>
      fireEvent.change(input, { target: { files: [new File([text], name)] } });
    choose('p.json', JSON.stringify({ version: 2, lessons: { b: {} } }));
    await screen.findByText(/Imported “p\.json”: progress for 1 lesson \(2\)\./);
    choose('bad.json', 'nope');
    await screen.findByText(/Could not import “bad\.json”: Not a progress file: invalid JSON/);
    expect(message.className).toContain('error');
    expect(given).toHaveLength(2);
  });
});
