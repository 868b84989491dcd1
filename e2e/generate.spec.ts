import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test, type AppPage } from './fixtures/app';

/**
 * "Generate a large cluster…" (issue 15): the dialog's options, errors at their field, progress
 * from the worker, the generated cluster loaded as the scenario, and a link that carries only the
 * options: a reload and a fresh browser context generate the same cluster.
 */
const SHOTS = process.env.GENERATE_SHOTS; // a folder: also save screenshots to look at

const TOKEN = 'pods:300,nodes:3,ns:6,pol:500,mix:40-30-30,seed:7';

async function openDialog(app: AppPage, page: Page) {
  await app.openPopover('Packet');
  await app.button('Generate a large cluster…').click();
  const dialog = page.getByRole('dialog', { name: 'Generate a large cluster' });
  await expect(dialog).toBeVisible();
  return dialog;
}

async function fill(page: Page, values: Record<string, string>) {
  const dialog = page.getByRole('dialog');
  for (const [label, value] of Object.entries(values))
    await dialog.getByLabel(label, { exact: true }).fill(value);
}

async function axe(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).include('dialog').analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map((v) => `${what}: ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
  ).toEqual([]);
}

/** Clicks the theme button (System → Light → Dark → Projector) until it names `name`. */
async function setTheme(page: Page, name: 'Light' | 'Dark' | 'Projector') {
  const target = page.getByRole('button', { name: `Theme: ${name}` });
  for (let i = 0; i < 4 && !(await target.isVisible()); i++)
    await page.getByRole('button', { name: /^Theme: / }).click();
  await expect(target).toBeVisible();
}

const loaded = (page: Page) =>
  page.getByText(/scenario gen:pods:300,\S+: 300 pods, 500 policies loaded/);

test.describe('Generate a large cluster', () => {
  test.setTimeout(240_000);

  test('errors at the field, progress, the loaded cluster, and a link that regenerates it', async ({
    app,
    page,
    browser,
  }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await app.goto('/');
    const dialog = await openDialog(app, page);

    // Invalid input: the error shows at its field, and focus goes there.
    await fill(page, {
      Pods: '900',
      Nodes: '3',
      'Kubernetes %': '50',
      'Cilium %': '30',
      'Calico %': '30',
    });
    await dialog.getByRole('button', { name: 'Generate' }).click();
    const nodes = dialog.getByLabel('Nodes', { exact: true });
    await expect(nodes).toHaveAttribute('aria-invalid', 'true');
    await expect(nodes).toHaveAccessibleDescription(
      /900 pods do not fit on 3 nodes.*at least 4 nodes/,
    );
    await expect(nodes).toBeFocused();
    await expect(
      dialog.getByRole('group', { name: /Policy dialects/ }),
    ).toHaveAccessibleDescription(/add up to 100%.*= 110/);
    await fill(page, { Pods: '0' });
    await dialog.getByRole('button', { name: 'Generate' }).click();
    await expect(dialog.getByLabel('Pods', { exact: true })).toHaveAccessibleDescription(
      /Pods must be a whole number from 1 to 5,000/,
    );
    await expect(dialog.getByLabel('Pods', { exact: true })).toBeFocused();
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: `${SHOTS}/generate-errors-1280.png` });
    }

    // Valid: progress in the dialog, then the dialog closes on the loaded cluster.
    await fill(page, {
      Pods: '300',
      Nodes: '3',
      Namespaces: '6',
      Policies: '500',
      'Kubernetes %': '40',
      'Cilium %': '30',
      'Calico %': '30',
      Seed: '7',
    });
    await expect(nodes).not.toHaveAttribute('aria-invalid', 'true');
    await page.evaluate(() => {
      const seen = new MutationObserver(() => {
        if (document.querySelector('.generate-dialog progress'))
          (window as unknown as { sawProgress: boolean }).sawProgress = true;
      });
      seen.observe(document.body, { subtree: true, childList: true });
    });
    await dialog.getByRole('button', { name: 'Generate' }).click();
    await expect(loaded(page)).toBeVisible({ timeout: 120_000 });
    await expect(dialog).toBeHidden();
    expect(
      await page.evaluate(() => (window as unknown as { sawProgress?: boolean }).sawProgress),
    ).toBe(true);
    await expect(page).toHaveURL(new RegExp(`scenario=gen:${TOKEN}`));
    expect(page.url()).not.toContain('yaml=');
    await app.ready();
    const packet = await page.getByRole('button', { name: /^Packet\b/ }).textContent();
    const calicoHops = await app.total('calico');
    const ciliumHops = await app.total('cilium');
    await app.openPopover('Packet');
    await expect(page.getByRole('combobox', { name: 'Scenario' })).toHaveValue(`gen:${TOKEN}`);
    await expect(
      page.getByRole('combobox', { name: 'Scenario' }).locator('option:checked'),
    ).toHaveText('Generated: 300 pods on 3 nodes, 500 policies (seed 7)');

    // A reload generates it again.
    await page.reload();
    await expect(loaded(page)).toBeVisible({ timeout: 120_000 });
    await app.ready();

    // The Policies panel edits the generated text; the edit is kept in the browser for this
    // generated scenario, as for any other, and survives a reload.
    await app.panelToggle('policies').click();
    const status = page.locator('.policies-status');
    await expect(status).toHaveText('Generated scenario');
    await expect(app.editor()).toContainText('# Generated by PacketWalk: 300 pods on 3 nodes');
    await app.editor().click();
    await page.keyboard.press('ControlOrMeta+Home');
    await page.keyboard.insertText('# my note\n');
    await expect(status).toHaveText('Edited (kept in this browser)');
    // The edited text is over LINK_TEXT_MAX (100,000 characters), so the link does not carry it
    // (compressing it into the URL at every keystroke was the cost); a reload brings back the
    // browser's copy.
    expect(page.url()).not.toContain('yaml=');
    await page.reload();
    await expect(loaded(page)).toBeVisible({ timeout: 120_000 });
    await expect(status).toHaveText('Edited (kept in this browser)');
    await expect(app.editor()).toContainText('# my note');
    await page.getByRole('button', { name: 'Reset scenario' }).click();
    await page.getByRole('button', { name: 'Discard edits' }).click();
    await expect(status).toHaveText('Generated scenario');
    await app.panelToggle('policies').click();

    // A pasted link in a fresh context: the same cluster, the same packet and walks.
    const link = page.url();
    const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await fresh.addInitScript(() => window.localStorage.setItem('packetwalk.welcome-seen', '1'));
    const other = await fresh.newPage();
    await other.goto(link);
    await expect(loaded(other)).toBeVisible({ timeout: 120_000 });
    await expect(other.getByTestId('calico-hop')).toHaveText(`1 of ${calicoHops}`);
    await expect(other.getByTestId('cilium-hop')).toHaveText(new RegExp(`of ${ciliumHops}$`));
    expect(await other.getByRole('button', { name: /^Packet\b/ }).textContent()).toBe(packet);
    await fresh.close();
  });

  test('a link with a bad token says why and opens the default view', async ({ app, page }) => {
    await app.goto('/#/walk?scenario=gen:pods:900,nodes:3,ns:6,pol:5,mix:40-30-30,seed:1');
    await expect(page.getByRole('alert')).toContainText(
      /cannot be generated: 900 pods do not fit on 3 nodes/,
    );
  });

  test('the dialog reads at 1280×800 and 1024×768 in light, dark and projector (axe)', async ({
    app,
    page,
  }) => {
    for (const size of [
      { width: 1280, height: 800 },
      { width: 1024, height: 768 },
    ]) {
      await page.setViewportSize(size);
      await app.goto('/');
      await setTheme(page, 'Light');
      await expect.poll(() => app.theme()).toBe('light');
      const dialog = await openDialog(app, page);
      await fill(page, { Nodes: '2' });
      await dialog.getByRole('button', { name: 'Generate' }).click();
      await expect(dialog.getByLabel('Nodes', { exact: true })).toHaveAttribute(
        'aria-invalid',
        'true',
      );
      await axe(page, `light ${size.width}`);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/generate-light-${size.width}.png` });
      await page.keyboard.press('Escape');
      await expect(dialog).toBeHidden();
      for (const theme of ['Dark', 'Projector'] as const) {
        await setTheme(page, theme);
        await expect.poll(() => app.theme()).toBe(theme.toLowerCase());
        await openDialog(app, page);
        await axe(page, `${theme} ${size.width}`);
        if (SHOTS)
          await page.screenshot({
            path: `${SHOTS}/generate-${theme.toLowerCase()}-${size.width}.png`,
          });
        await page.keyboard.press('Escape');
        await expect(dialog).toBeHidden();
      }
    }
  });
});
