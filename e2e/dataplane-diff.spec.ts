import AxeBuilder from '@axe-core/playwright';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/app';

/**
 * Live diff (issue 16): an edit of the scenario shows what it changed in the Dataplane panel (rows
 * added and removed) and marks the matrix cells whose verdict changed. DATAPLANE_SHOTS=dir saves a
 * screenshot.
 */
const SHOTS = process.env.DATAPLANE_SHOTS;
const SEED = readFileSync('lessons/scenarios/seed-policies.yaml', 'utf8');
/** allow-frontend allows port 9090 instead of 8080: frontend → backend:8080 is now denied. */
const EDITED = SEED.replace(/(name: allow-frontend[\s\S]*?port: )8080/, '$19090');

const panel = (page: Page) => page.getByRole('region', { name: 'Dataplane' });

async function expectAxeClean(page: Page, selector: string) {
  const results = await new AxeBuilder({ page }).include(selector).analyze();
  expect(
    results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`),
  ).toEqual([]);
}

/** With DATAPLANE_SHOTS: the page at 1280×800 and 1024×768, in the light and dark themes. */
async function shots(page: Page, name: string) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  for (const theme of ['light', 'dark', 'projector']) {
    await page.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
    for (const [w, h] of [
      [1280, 800],
      [1024, 768],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${SHOTS}/${name}-${w}-${theme}.png` });
    }
  }
  await page.evaluate(() => document.documentElement.removeAttribute('data-theme'));
  await page.setViewportSize({ width: 1280, height: 800 });
}

test.use({ viewport: { width: 1280, height: 800 } });

test('an edit shows its diff in the Dataplane panel and the changed matrix cells', async ({
  app,
  page,
}) => {
  expect(EDITED).not.toBe(SEED);
  await app.goto('/#/walk?scenario=seed-policies&panels=policies,dataplane,matrix');
  await app.ready();

  // The backend's node, where allow-frontend is programmed, and the matrix at port 8080.
  await app.drawerTab('Dataplane').click();
  await panel(page).getByRole('button', { name: 'Calico', exact: true }).click();
  await panel(page).getByRole('combobox', { name: 'Node' }).selectOption('node-2');
  await expect(panel(page).getByRole('tree')).toHaveAccessibleName('Calico dataplane on node-2');
  await app.drawerTab('Matrix').click();
  await page.getByLabel('Matrix port').selectOption('8080');
  await expect(page.locator('.conn-matrix-cell').first()).toBeVisible();
  await expect(page.locator('.matrix-changed')).toHaveCount(0);

  await app.drawerTab('Policies').click();
  await app.replaceScenario(EDITED);

  // The dump: one rule removed (port 8080), one added (9090).
  await app.drawerTab('Dataplane').click();
  const bar = panel(page).locator('.dp-diff');
  await expect(bar).toContainText(/Since your edit:\s*\+1\s*1 added,\s*−1\s*1 removed\s*rows/);
  await panel(page).getByRole('button', { name: 'Show changes only' }).click();
  const changes = panel(page).getByRole('region', { name: /^Changes in Calico dataplane/ });
  await expect(changes.locator('del')).toContainText('--dports 8080 ');
  await expect(changes.locator('ins')).toContainText('--dports 9090 ');
  await expect(changes.locator('.dp-change-removed .dp-change-sign')).toHaveText('−');
  await expect(changes.locator('.dp-change-added .dp-change-sign')).toHaveText('+');
  await expectAxeClean(page, '.dataplane');
  await shots(page, 'dataplane-diff');

  // The matrix: frontend → backend was allowed, now denied, in both CNIs' matrices.
  await app.drawerTab('Matrix').click();
  const changed = page.locator('.conn-matrix-cell.matrix-changed');
  await expect(changed).toHaveCount(2);
  await expect(changed.first()).toContainText('✓→✗');
  await expect(changed.first()).toContainText('was allowed before your edit');
  await expect(page.locator('.conn-matrix-changes').first()).toContainText('1 verdict changed');
  await expectAxeClean(page, '.side-panel');
  await shots(page, 'dataplane-diff-matrix');
  await page
    .locator('.conn-matrix-changes')
    .first()
    .getByRole('button', { name: 'Dismiss' })
    .click();
  await expect(changed).toHaveCount(0);

  await app.drawerTab('Dataplane').click();
  await panel(page).getByRole('button', { name: 'Dismiss' }).click();
  await expect(bar).toHaveCount(0);
  await expect(panel(page).getByRole('tree')).toBeVisible();
});
