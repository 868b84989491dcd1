import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { expect, test } from './fixtures/app';

/**
 * Issue 14: the speaker view (#/speaker/<lesson>/<step>) shows each step's notes from the lesson's
 * notes.yaml (point at, say, ask the room, and the answer behind a disclosure), on every step.
 */
const LESSON = '03-across-nodes';

interface Notes {
  point: string;
  say: string;
  ask: string;
  answer: string;
}

const steps = (
  parse(readFileSync(new URL(`../lessons/${LESSON}/steps.yaml`, import.meta.url), 'utf8')) as {
    steps: { id: string; title: string }[];
  }
).steps;
const notes = (
  parse(readFileSync(new URL(`../lessons/${LESSON}/notes.yaml`, import.meta.url), 'utf8')) as {
    notes: Record<string, Notes>;
  }
).notes;

/** The words as the page shows them: code spans lose their backticks, white space is one space. */
const shown = (markdown: string): string => markdown.replace(/`/g, '').replace(/\s+/g, ' ').trim();
const squash = (text: string | null): string => (text ?? '').replace(/\s+/g, ' ').trim();

test('the speaker view shows the notes of every step of a lesson, the answer hidden until asked', async ({
  page,
}) => {
  expect(steps.length).toBeGreaterThan(5);
  await page.goto(`/#/speaker/${LESSON}/1`);
  for (const [i, step] of steps.entries()) {
    const note = notes[step.id];
    expect(note, `notes.yaml has notes for ${step.id}`).toBeDefined();
    await expect(page.getByTestId('speaker-step')).toHaveText(
      `Step ${i + 1} of ${steps.length}: ${step.title}`,
    );
    const section = page.getByTestId('speaker-notes');
    await expect(section).not.toContainText('No notes for this step');
    const dd = (term: string) => section.locator(`dt:text-is("${term}") + dd`);
    expect(squash(await dd('Point at').textContent())).toBe(shown(note!.point));
    expect(squash(await dd('Say').textContent())).toBe(shown(note!.say));
    expect(squash(await dd('Ask the room').textContent())).toBe(shown(note!.ask));
    // The answer is there but closed, so the presenter can ask before reading it.
    const answer = page.getByTestId('speaker-answer');
    await expect(answer).not.toHaveAttribute('open');
    await answer.getByText('Show answer').click();
    await expect(answer).toHaveAttribute('open');
    expect(
      squash(
        await answer
          .locator(':scope > :not(summary)')
          .allTextContents()
          .then((t) => t.join(' ')),
      ),
    ).toBe(shown(note!.answer));
    if (i < steps.length - 1) await page.getByRole('button', { name: 'Next step' }).click();
  }
  await expect(page.getByRole('button', { name: 'Next step' })).toBeDisabled();
  // A step opened by its own address shows its own notes.
  const last = steps.length;
  await page.goto(`/#/speaker/${LESSON}/${last - 2}`);
  await expect(page.getByTestId('speaker-step')).toContainText(`Step ${last - 2} of ${last}`);
  expect(
    squash(await page.getByTestId('speaker-notes').locator('dt:text-is("Say") + dd').textContent()),
  ).toBe(shown(notes[steps[last - 3]!.id]!.say));
});
