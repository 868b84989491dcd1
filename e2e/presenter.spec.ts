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

  test('a step that opens the Flows panel shows its view beside the picture, readable at 1024×768', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    await page.setViewportSize({ width: 1024, height: 768 });
    // Step 7 of lesson 11 opens no Flows panel: the picture alone.
    await page.goto('/#/present/11-observability/7');
    await expect(page.getByTestId('lesson-step')).toHaveText('Step 7 of 10');
    await expect(page.locator('.cni-panel').first()).toBeVisible();
    const pane = page.getByTestId('presenter-flows');
    await expect(pane).toHaveCount(0);

    // Step 8 sets `flows: { tab: hubble, observe: '--verdict DROPPED --to-pod shop/backend' }`.
    await page.locator('body').press('ArrowRight');
    await expect(page.getByTestId('lesson-step')).toHaveText('Step 8 of 10');
    await expect(pane.getByRole('button', { name: 'Hubble' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await expect(pane.getByRole('textbox', { name: /hubble observe/ })).toHaveValue(
      '--verdict DROPPED --to-pod shop/backend',
    );
    const row = pane.locator('.flow-row').first();
    await expect(row).toContainText('DROPPED', { timeout: 60_000 });
    // Beside the picture (not over it), on screen, and large: the room reads it from the back.
    const box = (await pane.boundingBox())!;
    const topology = (await page.locator('.cni-panel').first().boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(topology.x + topology.width - 1);
    expect(box.x + box.width).toBeLessThanOrEqual(1024.5);
    expect(box.y + box.height).toBeLessThanOrEqual(768.5);
    expect(box.width).toBeGreaterThan(1024 * 0.45);
    expect(box.height).toBeGreaterThan(768 * 0.5);
    const px = (l: typeof row) => l.evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    expect(await px(row)).toBeGreaterThanOrEqual(18);
    expect(await px(pane.getByRole('textbox', { name: /hubble observe/ }))).toBeGreaterThanOrEqual(
      18,
    );
    // The whole filter shows in its field (nothing scrolled out of sight).
    expect(
      await pane
        .getByRole('textbox', { name: /hubble observe/ })
        .evaluate((e) => e.scrollWidth - e.clientWidth),
    ).toBeLessThanOrEqual(0);
    await expect(page.locator('.lesson-caption')).toBeVisible();
    const results = await new AxeBuilder({ page }).include('.presenter-flows').analyze();
    expect(
      results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    ).toEqual([]);

    // Step 9: Calico's flow logs with the step's filter; step 10: the service map.
    await page.locator('body').press('ArrowRight');
    await expect(page.getByTestId('lesson-step')).toHaveText('Step 9 of 10');
    await expect(pane.getByRole('button', { name: 'Calico' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await expect(pane.getByRole('textbox')).toHaveValue('action=Deny');
    await page.locator('body').press('ArrowRight');
    await expect(page.getByTestId('lesson-step')).toHaveText('Step 10 of 10');
    await expect(pane.getByRole('button', { name: 'Map' })).toHaveAttribute('aria-pressed', 'true');
    await expect(pane.getByTestId('service-map').locator('g.sm-edge').first()).toBeVisible({
      timeout: 60_000,
    });
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
