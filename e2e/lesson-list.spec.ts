import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { PANEL_SPECS } from '../src/registry/panels';
import { expect, test, type AppPage } from './fixtures/app';

/** Lesson 3's checkpoints, counted in its steps file (the list must say "K of this"). */
const LESSON3_CHECKPOINTS = (
  readFileSync(new URL('../lessons/03-across-nodes/steps.yaml', import.meta.url), 'utf8').match(
    /^ {4}checkpoint:/gm,
  ) ?? []
).length;

const card = (page: Page, n: number) => page.locator('.lesson-list li').nth(n - 1);

/** Opens lesson 3, walks to step 5 with `n`, answering step 3's checkpoint right on the way. */
async function lesson3ToStep5(app: AppPage, page: Page) {
  await app.goto('/#/lessons/03-across-nodes/1');
  await app.ready();
  await page.locator('body').press('n');
  await page.locator('body').press('n');
  await expect(page.getByTestId('lesson-step')).toHaveText('Step 3 of 11');
  await page.getByLabel('ingress hook', { exact: true }).check();
  await page.getByRole('button', { name: 'Check answer' }).click();
  await expect(page.locator('.checkpoint-feedback')).toContainText('Right.');
  await page.locator('body').press('n');
  await page.locator('body').press('n');
  await expect(page.getByTestId('lesson-step')).toHaveText('Step 5 of 11');
  await app.openLessonList();
}

test('an in-progress lesson shows step N of M, its checkpoints and Resume, which reopens it there', async ({
  app,
  page,
}) => {
  expect(LESSON3_CHECKPOINTS).toBeGreaterThan(1);
  await lesson3ToStep5(app, page);
  const lesson3 = card(page, 3);
  await expect(lesson3.getByTestId('lesson-where')).toHaveText('Step 5 of 11');
  const counts = lesson3.getByTestId('lesson-counts');
  await expect(counts).toContainText(`Checkpoints: 1 of ${LESSON3_CHECKPOINTS} correct`);
  await expect(counts).toContainText('Steps seen: 5 of 11');
  await expect(lesson3).toContainText('in progress');
  // One action per lesson, named after it: Resume here, Start on a lesson never opened.
  await expect(lesson3.getByRole('button')).toHaveAccessibleName(
    'Resume lesson 3: Pod to pod across nodes',
  );
  await expect(card(page, 2).getByRole('button')).toHaveText(/^Start/);
  await expect(card(page, 2).getByTestId('lesson-where')).toHaveCount(0);
  await lesson3.getByRole('button').click();
  await expect(page.getByTestId('lesson-step')).toHaveText('Step 5 of 11');
  expect(page.url()).toMatch(/#\/lessons\/03-across-nodes\/5$/);
});

test('the lesson list and the fact check show no visualizer controls', async ({ app, page }) => {
  // Each page's own heading: until the saved edits are read and the link opened, the first render
  // is the visualizer's (a slow IndexedDB read on a loaded machine showed its two h2s here).
  for (const [path, heading] of [
    ['/#/lessons', 'Lessons'],
    ['/#/facts', 'The seed articles, fact-checked'],
  ] as const) {
    await app.goto(path);
    await expect(
      page.locator('main').getByRole('heading', { level: 2, name: heading, exact: true }),
    ).toBeVisible();
    for (const name of ['Packet', 'Modes']) {
      await expect(page.getByRole('button', { name: new RegExp(`^${name}\\b`) })).toHaveCount(0);
    }
    for (const p of PANEL_SPECS) await expect(app.panelToggle(p.id)).toHaveCount(0);
    await expect(page.getByRole('group', { name: 'Panels' })).toHaveCount(0);
    await expect(page.getByRole('combobox')).toHaveCount(0);
    await expect(app.button('Step forward')).toHaveCount(0);
    await expect(app.engineStatus).toHaveCount(0);
    await expect(app.calicoPanel).toHaveCount(0);
  }
  // The visualizer still has them.
  await page
    .getByRole('navigation', { name: 'Pages' })
    .getByRole('button', { name: 'Visualizer' })
    .click();
  await app.ready();
  await expect(page.getByRole('group', { name: 'Panels' })).toBeVisible();
});

test('Import progress is a button; a file exported here comes back with a message, a bad one is refused with why', async ({
  app,
  page,
}) => {
  await lesson3ToStep5(app, page);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export progress' }).click();
  const exported = readFileSync(await (await download).path());

  // A fresh browser: no progress, then the exported file imported through the button's chooser.
  await page.evaluate(() => window.localStorage.removeItem('packetwalk.progress'));
  await page.reload();
  await expect(card(page, 3).getByRole('button')).toHaveText(/^Start/);
  const importButton = page.getByRole('button', { name: 'Import progress…' });
  const message = page.getByTestId('import-message');
  await expect(message).toHaveRole('status');
  let chooser = page.waitForEvent('filechooser');
  await importButton.click();
  await (
    await chooser
  ).setFiles({ name: 'mine.json', mimeType: 'application/json', buffer: exported });
  await expect(message).toHaveText('✓ Imported “mine.json”: progress for 1 lesson (3).');
  await expect(card(page, 3).getByTestId('lesson-where')).toHaveText('Step 5 of 11');
  await expect(card(page, 3).getByRole('button')).toHaveText(/^Resume/);

  // A file of a version this app does not read: refused, saying which field and why.
  chooser = page.waitForEvent('filechooser');
  await importButton.click();
  await (
    await chooser
  ).setFiles({
    name: 'future.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"version": 99, "lessons": {}}'),
  });
  await expect(message).toContainText('✗ Could not import “future.json”:');
  await expect(message).toContainText('version: unsupported version 99');
  // Not JSON at all.
  chooser = page.waitForEvent('filechooser');
  await importButton.click();
  await (
    await chooser
  ).setFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('hello') });
  await expect(message).toContainText('Could not import “notes.json”: Not a progress file');
  // The progress already there is kept.
  await expect(card(page, 3).getByTestId('lesson-where')).toHaveText('Step 5 of 11');
});

test('a progress file dropped on the list is imported', async ({ app, page }) => {
  await app.goto('/#/lessons');
  const file = JSON.stringify({
    version: 1,
    lessons: {
      '02-same-node': { step: 3, done: false, visited: [0, 1, 2, 3], checkpoints: {} },
      'no-such-lesson': { step: 0, done: false, visited: [0], checkpoints: {} },
    },
  });
  const dataTransfer = await page.evaluateHandle((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'dropped.json', { type: 'application/json' }));
    return dt;
  }, file);
  const list = page.locator('main.lesson-list');
  await list.dispatchEvent('dragover', { dataTransfer });
  await expect(list).toHaveClass(/dragging/);
  await list.dispatchEvent('drop', { dataTransfer });
  await expect(list).not.toHaveClass(/dragging/);
  await expect(page.getByTestId('import-message')).toHaveText(
    '✓ Imported “dropped.json”: progress for 1 lesson (2). 1 lesson in the file is not in this version (no-such-lesson); it is kept unchanged.',
  );
  await expect(card(page, 2).getByTestId('lesson-where')).toHaveText('Step 4 of 7');
});

test('axe finds no serious or critical violations in the lesson list with progress and a message', async ({
  app,
  page,
}) => {
  await lesson3ToStep5(app, page);
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import progress…' }).click();
  await (
    await chooser
  ).setFiles({ name: 'x.json', mimeType: 'text/plain', buffer: Buffer.from('x') });
  await expect(page.getByTestId('import-message')).toContainText('Could not import');
  for (const theme of ['light', 'projector'] as const) {
    if (theme === 'projector') {
      await page.evaluate(() => window.localStorage.setItem('packetwalk.theme', 'projector'));
      await page.reload();
      await expect.poll(() => app.theme()).toBe('projector');
    }
    await expect(card(page, 3).getByTestId('lesson-where')).toBeVisible();
    const results = await new AxeBuilder({ page }).analyze();
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map((v) => `${theme}: ${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`)).toEqual(
      [],
    );
  }
});
