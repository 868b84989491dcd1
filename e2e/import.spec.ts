import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/app';

/**
 * Import (issue 18): files dropped on the visualizer become the scenario, each keeping its name
 * in diagnostics. `kubectl get ns,nodes,pods,svc,networkpolicies -A -o yaml` (written by hand in
 * kubectl's shape, the engine's test data) and a policy with a typo at a known line; then a file
 * with an error, refused by the engine with its file and line, and Undo.
 */
const KUBECTL = readFileSync('src/engine/parse/testdata/kubectl-get.yaml', 'utf8');
const POLICY = readFileSync('e2e/fixtures/import/debug-egress.yaml', 'utf8');
const BROKEN = readFileSync('e2e/fixtures/import/broken.yaml', 'utf8');

interface Dropped {
  name: string;
  text: string;
}

/** A drag of files over the page: dragenter and dragover now, the drop when `drop` is called. */
async function dragFiles(page: Page, files: Dropped[]) {
  await page.evaluate((list) => {
    const data = new DataTransfer();
    for (const f of list) data.items.add(new File([f.text], f.name, { type: 'application/yaml' }));
    (window as unknown as { __drag: DataTransfer }).__drag = data;
    for (const type of ['dragenter', 'dragover'])
      document.body.dispatchEvent(
        new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }),
      );
  }, files);
  return {
    drop: () =>
      page.evaluate(() => {
        const data = (window as unknown as { __drag: DataTransfer }).__drag;
        document.body.dispatchEvent(
          new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: data }),
        );
      }),
  };
}

const serious = (r: Awaited<ReturnType<AxeBuilder['analyze']>>) =>
  r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);

for (const size of [
  { width: 1280, height: 800 },
  { width: 1024, height: 768 },
]) {
  test(`two dropped files load, each named in diagnostics (${size.width}×${size.height})`, async ({
    app,
    page,
  }) => {
    test.setTimeout(120_000);
    await page.setViewportSize(size);
    await app.goto();
    await app.ready();

    const drag = await dragFiles(page, [
      { name: 'cluster.yaml', text: KUBECTL },
      { name: 'debug-egress.yaml', text: POLICY },
    ]);
    const overlay = page.getByTestId('import-drop-overlay');
    await expect(overlay).toHaveText('Drop manifests to import');
    expect(
      serious(await new AxeBuilder({ page }).include('.import-drop-overlay').analyze()),
    ).toEqual([]);
    await drag.drop();
    await expect(overlay).toBeHidden();

    // The notice says what loaded, with Undo.
    const notice = page.locator('.undo-notice');
    await expect(notice).toContainText(
      'Imported 2 files (cluster.yaml, debug-egress.yaml): 3 pods, 2 nodes, 2 policies; 1 warning in the Policies panel.',
    );
    expect(serious(await new AxeBuilder({ page }).include('.undo-notice').analyze())).toEqual([]);
    if (process.env.IMPORT_SHOTS)
      await page.screenshot({ path: `${process.env.IMPORT_SHOTS}/notice-${size.width}.png` });

    // The picture holds the imported pods at the addresses kubectl printed.
    for (const pod of ['shop/frontend, 10.244.1.5', 'shop/backend, 10.244.2.7'])
      await expect(page.getByRole('button', { name: pod }).first()).toBeVisible();

    // The Policies panel lists the typo's warning by its file and its own line.
    await app.panelToggle('policies').click();
    const editor = page.getByTestId('policy-editor');
    const problem = editor.getByRole('listitem').filter({ hasText: 'debug-egress.yaml:11:3 —' });
    await expect(problem).toContainText('unknown field "egres"');
    // Going to it lands on that line of the joined text.
    await problem.getByRole('button').click();
    await expect(
      editor.locator('.cm-line').filter({ hasText: 'egres: []' }).locator('.cm-lintRange-warning'),
    ).toBeVisible();

    // A file with an error: refused by the engine with its name and line; Undo brings back the import.
    const again = await dragFiles(page, [{ name: 'broken.yaml', text: BROKEN }]);
    await again.drop();
    await expect(notice).toContainText(
      'Imported 1 file (broken.yaml): 1 error and 2 warnings in the Policies panel; the last valid scenario keeps running.',
    );
    await expect(
      editor.getByRole('listitem').filter({ hasText: 'broken.yaml:9:7 —' }),
    ).toContainText('must be between 1 and 65535');
    await expect(
      page.getByRole('button', { name: 'shop/frontend, 10.244.1.5' }).first(),
    ).toBeVisible();
    await notice.getByRole('button', { name: 'Undo' }).click();
    await expect(
      editor.getByRole('listitem').filter({ hasText: 'debug-egress.yaml:11:3 —' }),
    ).toBeVisible();
    await expect(editor.getByRole('listitem').filter({ hasText: 'broken.yaml' })).toHaveCount(0);
    if (process.env.IMPORT_SHOTS)
      await page.screenshot({ path: `${process.env.IMPORT_SHOTS}/import-${size.width}.png` });
  });
}

test('a binary or foreign file is refused with why, nothing lost', async ({ app, page }) => {
  await app.goto();
  await app.ready();
  const drag = await dragFiles(page, [{ name: 'photo.png', text: 'PNG' }]);
  await drag.drop();
  await expect(page.getByRole('alert')).toContainText(
    'Nothing was imported. Refused photo.png: not a manifest file',
  );
  await app.ready();
});

test('screenshots: the Packet popover and the drop overlay (IMPORT_SHOTS=dir)', async ({
  app,
  page,
}) => {
  const dir = process.env.IMPORT_SHOTS;
  test.skip(!dir, 'IMPORT_SHOTS is not set');
  test.setTimeout(120_000);
  for (const size of [
    { width: 1280, height: 800 },
    { width: 1024, height: 768 },
  ]) {
    await page.setViewportSize(size);
    await app.goto();
    await app.ready();
    for (const theme of ['light', 'dark', 'projector']) {
      // The toggle cycles System, Light, Dark, Projector; the choice outlives a reload.
      for (let n = 0; n < 4; n++) {
        if ((await page.locator('html').getAttribute('data-theme')) === theme) break;
        await page.getByRole('button', { name: /^Theme: / }).click();
      }
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
      await app.openPopover('Packet');
      await expect(app.button('Import files…')).toBeVisible();
      await page.screenshot({ path: `${dir}/popover-${size.width}-${theme}.png` });
      await page.keyboard.press('Escape');
      const drag = await dragFiles(page, [{ name: 'a.yaml', text: POLICY }]);
      await expect(page.getByTestId('import-drop-overlay')).toBeVisible();
      expect(
        serious(await new AxeBuilder({ page }).include('.import-drop-overlay').analyze()),
      ).toEqual([]);
      await page.screenshot({ path: `${dir}/overlay-${size.width}-${theme}.png` });
      await page.evaluate(() =>
        document.body.dispatchEvent(
          new DragEvent('dragleave', {
            bubbles: true,
            dataTransfer: (window as unknown as { __drag: DataTransfer }).__drag,
          }),
        ),
      );
      await expect(page.getByTestId('import-drop-overlay')).toBeHidden();
      void drag;
    }
  }
});
