import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/app';

/**
 * Issue 14: progress that means something. A lesson is done when every checkpoint is answered
 * correctly (not when the last step is reached); an answer comes back after a reload with its
 * feedback, rendered as Markdown; the last step lists the checkpoints left and links on.
 * Lesson 1 has ten steps and three checkpoints: step 2 (next hook), 7 (deciding table), 10 (verdict).
 */
const LESSON = '01-two-philosophies';
const at = (step: number) => `/#/lessons/${LESSON}/${step}`;

/** Waits until a walk is on screen (a lesson step may stop past hop 1 or show one CNI). */
const walked = (page: Page) =>
  expect(page.locator('[data-testid$="-hop"]').first()).toHaveText(/^\d+ of \d+$/);
const stepText = (page: Page) => page.getByTestId('lesson-step');
const feedback = (page: Page) => page.locator('.checkpoint-feedback');
const lessonEnd = (page: Page) => page.getByRole('region', { name: 'End of the lesson' });
const listItem = (page: Page, id = LESSON) => page.locator(`.lesson-list li[data-lesson="${id}"]`);

async function answer(page: Page, choice: string) {
  await page.getByLabel(choice, { exact: true }).check();
  await page.getByRole('button', { name: 'Check answer' }).click();
}

test('pressing n through a lesson without answering does not mark it done; the end lists what is left', async ({
  app,
  page,
}) => {
  await app.goto(at(1));
  await app.ready();
  for (let step = 2; step <= 10; step++) {
    await page.locator('body').press('n');
    await expect(stepText(page)).toHaveText(`Step ${step} of 10`);
  }
  // Next is never blocked, and the last step says where the learner stands.
  const end = lessonEnd(page);
  await expect(end.getByTestId('lesson-summary')).toHaveText(
    'Steps visited: 10 of 10 · checkpoints right: 0 of 3',
  );
  const left = end.getByRole('list', { name: 'Checkpoints left' }).getByRole('link');
  await expect(left).toHaveText([
    "Step 2: BIRD's route",
    'Step 7: Maps instead of chains',
    'Step 10: Side by side',
  ]);
  await expect(left.first()).toHaveAttribute('href', `#/lessons/${LESSON}/2`);
  const next = end.getByRole('link', { name: /^Next lesson: 2\. / });
  await expect(next).toHaveAttribute('href', '#/lessons/02-same-node/1');
  await expect(end.getByRole('link', { name: 'All lessons' })).toBeVisible();

  // The list says in progress, at the last step.
  await app.openLessonList();
  await expect(listItem(page)).toHaveAttribute('data-status', 'in-progress');

  // A checkpoint-left link opens its step; the next-lesson link opens the next lesson.
  await page.goto(at(10));
  await lessonEnd(page).getByRole('link', { name: 'Step 7: Maps instead of chains' }).click();
  await expect(stepText(page)).toHaveText('Step 7 of 10');
  expect(page.url()).toMatch(new RegExp(`#/lessons/${LESSON}/7$`));
  await page.goto(at(10));
  await lessonEnd(page)
    .getByRole('link', { name: /^Next lesson: 2\. / })
    .click();
  await expect(stepText(page)).toHaveText('Step 1 of 7');
  expect(page.url()).toMatch(/#\/lessons\/02-same-node\/1$/);
});

test('answering every checkpoint correctly marks the lesson done; answers survive a reload with their Markdown feedback', async ({
  app,
  page,
}) => {
  await app.goto(at(2));
  await walked(page);
  await answer(page, 'egress policy');
  await expect(feedback(page)).toContainText('Right.');
  // The explanation is Markdown: `cali-fw-` is a <code> element, no backtick is left.
  await expect(feedback(page).locator('code')).toHaveText(['cali-fw-']);
  await expect(feedback(page)).not.toContainText('`');

  await page.reload();
  await expect(stepText(page)).toHaveText('Step 2 of 10');
  await expect(page.getByLabel('egress policy', { exact: true })).toBeChecked();
  await expect(feedback(page)).toHaveClass(/right/);
  await expect(feedback(page)).toContainText('Right.');
  await expect(feedback(page).locator('code')).toHaveText(['cali-fw-']);

  // Step 7: wrong first (said as code, the explanation kept back), then right.
  for (let step = 3; step <= 7; step++) {
    await page.locator('body').press('n');
    await expect(stepText(page)).toHaveText(`Step ${step} of 10`);
  }
  await answer(page, 'cilium_lxc');
  await expect(feedback(page)).toHaveClass(/wrong/);
  await expect(feedback(page)).toContainText('Not quite.');
  await expect(feedback(page).locator('code')).toHaveText(['cilium_lxc']);
  await answer(page, 'cilium_policy_v2_02981');
  await expect(feedback(page)).toContainText('Right.');
  await expect(feedback(page).locator('code')).toHaveText(['cilium_policy_v2_01126']);

  // A wrong answer survives a reload as wrong too; then the last checkpoint.
  await page.goto(at(10));
  await answer(page, 'dropped');
  await page.reload();
  await expect(page.getByLabel('dropped', { exact: true })).toBeChecked();
  await expect(feedback(page)).toHaveClass(/wrong/);
  await expect(lessonEnd(page).getByRole('link', { name: 'Step 10: Side by side' })).toBeVisible();
  await app.openLessonList();
  await expect(listItem(page)).toHaveAttribute('data-status', 'in-progress');

  await page.goto(at(10));
  await answer(page, 'delivered');
  await expect(feedback(page).locator('code')).toHaveText(['cali-fw-', 'cali-tw-', 'kns.default']);
  const end = lessonEnd(page);
  // Done with steps 1, 8 and 9 never seen: the checkpoints decide.
  await expect(end.getByTestId('lesson-summary')).toHaveText(
    'Steps visited: 7 of 10 · checkpoints right: 3 of 3 · done',
  );
  await expect(end.getByRole('list', { name: 'Checkpoints left' })).toHaveCount(0);
  await expect(end).toContainText('Every checkpoint is answered correctly.');
  await app.openLessonList();
  await expect(listItem(page)).toHaveAttribute('data-status', 'done');
});

test('"Present this lesson" is offered in the lesson, not while presenting', async ({
  app,
  page,
}) => {
  await app.goto(at(3));
  const present = page.getByRole('button', { name: 'Present this lesson' });
  await expect(present).toBeVisible();
  await present.click();
  expect(page.url()).toMatch(new RegExp(`#/present/${LESSON}/3$`));
  await expect(page.locator('.lesson-caption')).toBeVisible();
  await expect(page.getByText('Present this lesson')).toHaveCount(0);
});

for (const size of [
  { width: 1280, height: 800 },
  { width: 1024, height: 768 },
]) {
  test(`at ${size.width}×${size.height} Previous and Next stay on screen above the timeline, and long words wrap`, async ({
    app,
    page,
  }) => {
    await page.setViewportSize(size);
    // Lesson 3 step 3 is long (prose and a checkpoint): its end is below the drawer's fold.
    await app.goto('/#/lessons/03-across-nodes/3');
    await walked(page);
    const timelineTop = (await page.locator('.hop-timeline').boundingBox())!.y;
    for (const name of ['Previous step', 'Next step']) {
      const button = page.getByRole('button', { name, exact: true });
      const box = (await button.boundingBox())!;
      expect(box.y + box.height).toBeLessThanOrEqual(timelineTop);
      // Nothing covers it: the element at its centre is the button.
      const hit = await page.evaluate(
        ([x, y]) => document.elementFromPoint(x!, y!)?.textContent ?? '',
        [box.x + box.width / 2, box.y + box.height / 2],
      );
      expect(hit).toBe(name);
    }
    await page.getByRole('button', { name: 'Next step', exact: true }).click();
    await expect(stepText(page)).toHaveText('Step 4 of 11');

    // Lesson 1's first step holds a long URL in its prose: nothing is wider than the drawer.
    await page.goto(at(1));
    await expect(page.getByText('About this lesson')).toBeVisible();
    const overflow = await page
      .locator('.drawer-panel:has(.lesson-pane)')
      .evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
}

test('axe finds no serious or critical violations at a lesson end and on restored feedback', async ({
  app,
  page,
}) => {
  test.setTimeout(120_000);
  await app.goto(at(10));
  await answer(page, 'dropped');
  await app.goto(at(2));
  await answer(page, 'egress policy');
  for (const path of [at(10), at(2)]) {
    await page.goto(path);
    await page.reload();
    await expect(feedback(page)).toContainText(/Right\.|Not quite\./);
    if (path === at(10)) await expect(lessonEnd(page)).toBeVisible();
    const results = await new AxeBuilder({ page }).analyze();
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(
      bad.map((v) => `${path}: ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    ).toEqual([]);
  }
});
