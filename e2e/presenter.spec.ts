import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './fixtures/app';

test.describe('presenter mode', () => {
  test('keys drive the steps, B blanks, O and G navigate, and the speaker view follows and drives', async ({
    page,
  }) => {
    await page.goto('/#/present/03-across-nodes/1');
    await expect(page.getByTestId('lesson-step')).toHaveText('Step 1 of 11');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'projector');
    await page.locator('body').press('ArrowRight');
    await expect(page.getByTestId('lesson-step')).toHaveText('Step 2 of 11');
    await page.locator('body').press('b');
    await expect(page.getByTestId('blank-screen')).toBeVisible();
    await page.locator('body').press('b');
    await expect(page.getByTestId('blank-screen')).toHaveCount(0);
    await page.locator('body').press('o');
    await page
      .getByRole('dialog', { name: 'Lesson overview' })
      .getByRole('button', { name: /^4\. / })
      .click();
    await expect(page.getByTestId('lesson-step')).toHaveText('Step 4 of 11');
    await page.locator('body').press('g');
    await page.getByRole('spinbutton', { name: /Go to step/ }).fill('2');
    await page.getByRole('spinbutton', { name: /Go to step/ }).press('Enter');
    await expect(page.getByTestId('lesson-step')).toHaveText('Step 2 of 11');

    const popupPromise = page.waitForEvent('popup');
    await page.locator('body').press('s');
    const speaker = await popupPromise;
    await expect(speaker.getByTestId('speaker-step')).toContainText('Step 2 of 11');
    // The main window drives the speaker view…
    await page.locator('body').press('ArrowRight');
    await expect(page.getByTestId('lesson-step')).toHaveText('Step 3 of 11');
    await expect(speaker.getByTestId('speaker-step')).toContainText('Step 3 of 11');
    // …and the speaker view drives the main window.
    await speaker.getByRole('button', { name: 'Next step' }).click();
    await expect(speaker.getByTestId('speaker-step')).toContainText('Step 4 of 11');
    await expect(page.getByTestId('lesson-step')).toHaveText('Step 4 of 11');
    await speaker.close();
  });

  test('G opens the go-to field selected: "G 5 Enter" goes to step 5', async ({ page }) => {
    await page.goto('/#/present/03-across-nodes/2');
    await expect(page.getByTestId('lesson-step')).toHaveText('Step 2 of 11');
    await page.keyboard.press('g');
    await page.keyboard.type('5');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('lesson-step')).toHaveText('Step 5 of 11');
  });

  test('axe finds no serious or critical violations in presenter mode and the speaker view', async ({
    app,
    page,
  }) => {
    test.setTimeout(120_000);
    for (const path of ['/#/present/05-overlays/2', '/#/speaker/05-overlays/2']) {
      await app.page.goto(path);
      await expect(page.getByText(/Step 2 of/).first()).toBeVisible();
      const results = await new AxeBuilder({ page }).analyze();
      const bad = results.violations.filter(
        (v) => v.impact === 'serious' || v.impact === 'critical',
      );
      expect(
        bad.map((v) => `${path}: ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      ).toEqual([]);
    }
  });
});
