import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { expect, test, type AppPage } from './fixtures/app';

/**
 * Why, in sentences, and the smallest fix (issue 16): a dropped walk's inspector says why, offers a
 * fix in the dialect chosen, shows its YAML and what else it opens; Apply turns the walk to
 * delivered, and Undo (the button, or Ctrl+Z in the editor) brings the YAML back.
 * FIX_SHOTS=dir saves screenshots at 1280×800 and 1024×768.
 */
const SHOTS = process.env.FIX_SHOTS;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });
const WALK = '/#/walk?scenario=seed-policies&from=shop/debug&to=shop/backend&port=8080&proto=TCP';

/** Steps to the end of the walk (again, as a new walk comes in) until the verdict is `kind`. */
async function expectVerdict(app: AppPage, kind: 'delivered' | 'dropped') {
  await expect(async () => {
    await app.stepToEnd();
    await expect(app.inspector('calico').locator(`.inspector-verdict-${kind}`)).toBeVisible({
      timeout: 1000,
    });
  }).toPass({ timeout: 30_000 });
}

for (const size of [
  { width: 1280, height: 800 },
  { width: 1024, height: 768 },
]) {
  test.describe(`fix at ${size.width}×${size.height}`, () => {
    test.use({ viewport: size });

    test('a dropped walk says why, offers a fix, Apply delivers it and Undo restores the YAML', async ({
      app,
      page,
    }) => {
      test.setTimeout(180_000); // a busy machine: three walks, a fix and two loads
      await app.goto(`${WALK}&panels=inspector`);
      await app.ready();
      await expectVerdict(app, 'dropped');
      const inspector = app.inspector('calico');
      await expect(inspector.getByTestId('calico-why')).toContainText(
        'shop/backend is selected for ingress by NetworkPolicy shop/allow-frontend in tier default',
      );
      await expect(inspector.getByTestId('calico-why')).toContainText('end of tier default');

      await inspector.getByLabel('Fix in').selectOption('k8s');
      await inspector.getByRole('button', { name: 'Suggest a fix' }).click();
      const yaml = inspector.getByLabel('The fix as YAML');
      await expect(yaml).toContainText('name: allow-frontend');
      await expect(yaml).toContainText('app: debug');
      await expect(inspector).toContainText(
        'Add spec.ingress[1] to NetworkPolicy shop/allow-frontend',
      );
      // The Kubernetes policy is Cilium's too: the same connection opens there, and it says so.
      await expect(inspector.locator('.fix-list')).toContainText(
        'Cilium: shop/debug → shop/backend 8080/TCP',
      );
      await inspector.locator('.fix-yaml').scrollIntoViewIfNeeded();
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/fix-suggested-${size.width}.png` });
      const axe = await new AxeBuilder({ page }).include('.inspector-calico').analyze();
      expect(
        axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
      ).toEqual([]);

      await inspector.getByRole('button', { name: 'Apply to the policies' }).click();
      await expect(page.getByRole('button', { name: 'Undo the fix' }).first()).toBeVisible();
      await expectVerdict(app, 'delivered');
      await expect(inspector.getByTestId('calico-why')).toContainText(
        'NetworkPolicy shop/allow-frontend spec.ingress[1] allows ingress TCP 8080 from shop/debug',
      );
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/fix-applied-${size.width}.png` });

      await inspector.getByRole('button', { name: 'Undo the fix' }).click();
      await expectVerdict(app, 'dropped');
    });
  });
}

test.describe('fix and the editor', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('the applied fix is one edit of the editor: Ctrl+Z takes it back', async ({ app, page }) => {
    test.setTimeout(180_000);
    await app.goto(`${WALK}&panels=inspector,policies`);
    await app.ready();
    await app.drawerTab('Policies').click();
    await expect(app.editor()).toBeVisible();
    const before = await app.editor().innerText();
    expect(before).not.toContain('app: debug');

    await app.drawerTab('Inspector').click();
    await expectVerdict(app, 'dropped');
    const inspector = app.inspector('calico');
    await inspector.getByRole('button', { name: 'Suggest a fix' }).click();
    await inspector.getByRole('button', { name: 'Apply to the policies' }).click();
    await expectVerdict(app, 'delivered');

    await app.drawerTab('Policies').click();
    await expect(app.editor()).toContainText('app: debug');
    await app.editor().click();
    await page.keyboard.press('ControlOrMeta+z');
    await expect(app.editor()).not.toContainText('app: debug');
    await app.drawerTab('Inspector').click();
    await expectVerdict(app, 'dropped');
  });
});
