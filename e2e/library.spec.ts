import AxeBuilder from '@axe-core/playwright';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test, type AppPage } from './fixtures/app';

/**
 * The scenario library (issue 18): the user's own scenarios saved in the browser (IndexedDB),
 * renamed, duplicated, switched between, deleted with Undo; "Reset scenario" asks and can be undone;
 * a `my:` link in a browser without that scenario. LIBRARY_SHOTS=dir (default /tmp/shots-lib) keeps
 * screenshots of the dialog at 1280×800 and 1024×768 in three themes.
 */
const SHOTS = process.env.LIBRARY_SHOTS ?? '/tmp/shots-lib';
const SEED = readFileSync('lessons/scenarios/seed-policies.yaml', 'utf8');

const dialog = (page: Page) => page.getByRole('dialog', { name: 'Scenario library' });
/** A scenario's row in the dialog: its buttons are a group named after it. */
const row = (page: Page, name: string) =>
  dialog(page)
    .getByRole('listitem')
    .filter({ has: page.getByRole('group', { name, exact: true }) });
const scenarioSelect = (page: Page) => page.getByRole('combobox', { name: 'Scenario' });
const status = (page: Page) => page.locator('.policies-status');

// The machine these run on may be busy: walks get more time than the fixture's default.
test.describe.configure({ timeout: 150_000 });

/** Both walks are there (app.ready with room for a loaded machine). */
async function ready(app: AppPage) {
  await expect(app.hop('calico')).toHaveText(/^1 of \d+$/, { timeout: 30_000 });
  await expect(app.hop('cilium')).toHaveText(/^\d+ of \d+$/, { timeout: 30_000 });
}

async function openLibrary(app: AppPage) {
  await app.openPopover('Packet');
  await app.button('Scenario library…').click();
  await expect(dialog(app.page)).toBeVisible();
}

/** Opens the editor and waits for the scenario's text to be there. */
async function editorShows(app: AppPage, text: string | RegExp) {
  await app.editor().press('ControlOrMeta+Home');
  await expect(app.editor()).toContainText(text);
}

async function saveAs(app: AppPage, name: string) {
  await openLibrary(app);
  await dialog(app.page).getByLabel('Save the scenario on screen as').fill(name);
  await dialog(app.page).getByRole('button', { name: 'Save', exact: true }).click();
  await expect(row(app.page, name)).toContainText('(open)');
}

test('save as "My cluster", reload, rename, duplicate, switch, delete and Undo', async ({
  app,
  page,
}) => {
  await app.goto();
  await ready(app);
  await app.panelToggle('policies').click();
  await app.replaceScenario(`# my cluster\n${SEED}`);
  await expect(status(page)).toHaveText('Edited (kept in this browser)');

  await saveAs(app, 'My cluster');
  expect(page.url()).toMatch(/scenario=my(:|%3A)my-cluster(&|$)/);
  await page.keyboard.press('Escape');
  await expect(dialog(page)).toBeHidden();
  await expect(status(page)).toHaveText('Saved in your library');

  // Kept in the browser: after a reload it is still there, and opens with its text.
  await page.goto('/');
  await ready(app);
  await app.openPopover('Packet');
  await expect(scenarioSelect(page).locator('optgroup[label="Your scenarios"] option')).toHaveText([
    'My cluster',
  ]);
  await scenarioSelect(page).selectOption({ label: 'My cluster' });
  await page.keyboard.press('Escape');
  await ready(app);
  await app.panelToggle('policies').click();
  await editorShows(app, '# my cluster');

  // Rename (the id, and so the links, stay), duplicate.
  await openLibrary(app);
  await row(page, 'My cluster').getByRole('button', { name: 'Rename' }).click();
  const field = dialog(page).getByLabel('New name for “My cluster”');
  await expect(field).toBeFocused();
  await field.fill('two nodes, NO policy');
  await field.press('Enter');
  await expect(dialog(page).getByRole('alert')).toHaveText(
    '⚠ A scenario named "two nodes, NO policy" already exists.',
  );
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await field.fill('Team lab');
  await field.press('Enter');
  await expect(row(page, 'Team lab')).toContainText('my:my-cluster');
  await row(page, 'Team lab').getByRole('button', { name: 'Duplicate' }).click();
  await expect(row(page, 'Copy of Team lab')).toBeVisible();
  await row(page, 'Two nodes, no policy').getByRole('button', { name: 'Duplicate' }).click();
  await expect(row(page, 'Copy of Two nodes, no policy')).toBeVisible();

  // Switch between scenarios: each opens with its own text.
  await row(page, 'Two nodes, no policy').getByRole('button', { name: 'Open' }).click();
  await expect(dialog(page)).toBeHidden();
  await ready(app);
  await expect(app.editor()).not.toContainText('# my cluster');
  await expect(status(page)).toHaveText('Built-in scenario');
  await openLibrary(app);
  await row(page, 'Copy of Team lab').getByRole('button', { name: 'Open' }).click();
  await ready(app);
  await editorShows(app, '# my cluster');

  // Delete the open one: the default opens; Undo brings it back, and opens it again.
  await openLibrary(app);
  await row(page, 'Copy of Team lab').getByRole('button', { name: 'Delete' }).click();
  await expect(row(page, 'Copy of Team lab')).toHaveCount(0);
  const undo = dialog(page).getByRole('status').filter({ hasText: 'Deleted "Copy of Team lab".' });
  await expect(undo.getByRole('button', { name: 'Undo' })).toBeFocused();
  await undo.getByRole('button', { name: 'Undo' }).click();
  await expect(row(page, 'Copy of Team lab')).toContainText('(open)');
  await expect(row(page, 'Copy of Team lab').locator('.library-name')).toBeFocused();
  // Delete another and let it go: gone after a reload.
  await row(page, 'Copy of Two nodes, no policy').getByRole('button', { name: 'Delete' }).click();
  await dialog(page).getByRole('button', { name: 'Dismiss' }).click();
  await page.keyboard.press('Escape');
  await page.reload();
  await ready(app);
  await openLibrary(app);
  await expect(dialog(page).locator('.library-list').first().getByRole('listitem')).toHaveText([
    /Team lab/,
    /Copy of Team lab/,
  ]);
});

test('"Reset scenario" asks first, and Undo restores the edited text', async ({ app, page }) => {
  await app.goto();
  await ready(app);
  await app.panelToggle('policies').click();
  await app.replaceScenario(`# mine\n${SEED}`);
  await expect(status(page)).toHaveText('Edited (kept in this browser)');
  await app.button('Reset scenario').click();
  const ask = page.getByRole('group', { name: 'Reset scenario?' });
  await expect(ask).toContainText('Reset the scenario?');
  await expect(ask.getByRole('button', { name: 'Discard edits' })).toBeFocused();
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await expect(status(page)).toHaveText('Edited (kept in this browser)');
  await expect(app.button('Reset scenario')).toBeFocused();

  await app.button('Reset scenario').click();
  await ask.getByRole('button', { name: 'Discard edits' }).click();
  await expect(status(page)).toHaveText('Built-in scenario');
  await expect(app.editor()).not.toContainText('# mine');
  const notice = page.locator('.undo-notice').filter({ hasText: 'The scenario is reset' });
  await expect(notice.getByRole('button', { name: 'Undo' })).toBeFocused();
  await notice.getByRole('button', { name: 'Undo' }).click();
  await expect(status(page)).toHaveText('Edited (kept in this browser)');
  await expect(app.button('Reset scenario')).toBeFocused();
  await editorShows(app, '# mine');
  // And it is kept again: after a reload the edit is there.
  await page.waitForTimeout(400);
  await page.goto('/');
  await ready(app);
  await app.panelToggle('policies').click();
  await editorShows(app, '# mine');
});

test('a my: link in a browser without that scenario: added from its text, or said', async ({
  app,
  page,
  browser,
}) => {
  await app.goto();
  await ready(app);
  await saveAs(app, 'Lab one');
  await page.keyboard.press('Escape');
  await app.panelToggle('policies').click();
  await app.replaceScenario(`# lab one\n${SEED}`);
  await expect(status(page)).toHaveText('Edited (kept in this browser)');
  const withText = page.url();
  expect(withText).toContain('yaml=');

  const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await fresh.addInitScript(() => window.localStorage.setItem('packetwalk.welcome-seen', '1'));
  const other = await fresh.newPage();
  await other.goto(withText);
  await expect(other.getByRole('alert')).toContainText(
    `"my:lab-one" was not in this browser's library: it is added, as "Lab one (from a link)"`,
  );
  await other.getByRole('button', { name: /^Packet\b/ }).click();
  await expect(scenarioSelect(other)).toHaveValue('my:lab-one');

  const third = await (await browser.newContext()).newPage();
  await third.addInitScript(() => window.localStorage.setItem('packetwalk.welcome-seen', '1'));
  await third.goto(withText.replace(/&yaml=[^&]*/, ''));
  await expect(third.getByRole('alert')).toContainText(
    `"my:lab-one", which is not in this browser's library`,
  );
  await fresh.close();
});

test('the library dialog: keyboard, axe in three themes, screenshots', async ({ app, page }) => {
  await app.goto();
  await ready(app);
  await saveAs(app, 'My cluster');
  await row(page, 'My cluster').getByRole('button', { name: 'Duplicate' }).click();
  // The focus stays in the dialog (modal) and Escape returns it to the Packet button.
  for (let i = 0; i < 30; i++) await page.keyboard.press('Tab');
  expect(
    await page.evaluate(() => !!document.activeElement?.closest('dialog.library-dialog')),
  ).toBe(true);
  mkdirSync(SHOTS, { recursive: true });
  for (const theme of ['light', 'dark', 'projector']) {
    await page.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
    const results = await new AxeBuilder({ page }).include('.library-dialog').analyze();
    expect(
      results.violations.map((v) => `${theme} ${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`),
    ).toEqual([]);
    for (const [w, h] of [
      [1280, 800],
      [1024, 768],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.waitForTimeout(200);
      await page.screenshot({ path: `${SHOTS}/library-${w}-${theme}.png` });
    }
  }
  await page.keyboard.press('Escape');
  await expect(dialog(page)).toBeHidden();
  await expect(page.getByRole('button', { name: /^Packet\b/ })).toBeFocused();
  // The Packet popover with its new button, for the eye.
  await app.openPopover('Packet');
  await page.screenshot({ path: `${SHOTS}/packet-popover-1024-projector.png` });
  await page.keyboard.press('Escape');
  // The Reset question and the Undo notice, for the eye.
  await app.panelToggle('policies').click();
  await app.replaceScenario(`# mine\n${SEED}`);
  await app.button('Reset scenario').click();
  await page.screenshot({ path: `${SHOTS}/reset-ask-1024-projector.png` });
  await page.getByRole('button', { name: 'Discard edits' }).click();
  await page.screenshot({ path: `${SHOTS}/reset-undo-1024-projector.png` });
});
