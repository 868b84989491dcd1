import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './fixtures/app';

test.describe('keyboard shortcuts and the help', () => {
  test('after a click on a playback button, arrows still step and Space still plays', async ({
    app,
    page,
  }) => {
    await app.goto();
    await app.ready();
    await app.button('Step forward').click();
    await expect(app.hop('calico')).toHaveText(/^2 of /);
    // The button keeps focus; the keys still reach the shortcuts.
    await expect(app.button('Step forward')).toBeFocused();
    await page.keyboard.press('ArrowRight');
    await expect(app.hop('calico')).toHaveText(/^3 of /);
    await page.keyboard.press('ArrowLeft');
    await expect(app.hop('calico')).toHaveText(/^2 of /);
    // Space plays (and does not also press the focused Step forward button).
    await page.keyboard.press(' ');
    await expect(app.button('Pause')).toBeVisible();
    await page.keyboard.press(' ');
    await expect(app.button('Play')).toBeVisible();
  });

  test('with a select focused, ArrowRight is the select’s, not a step', async ({ app, page }) => {
    await app.goto();
    await app.ready();
    await app.openPopover('Modes');
    const select = page.getByLabel('Calico routing');
    await select.focus();
    await page.keyboard.press('ArrowRight');
    await expect(app.hop('calico')).toHaveText(/^1 of /);
    await expect(select).toBeFocused();
    // Not stolen: the select was left to its own behaviour (the event was not cancelled).
    const prevented = await select.evaluate((el) => {
      const e = new KeyboardEvent('keydown', {
        key: 'ArrowRight',
        bubbles: true,
        cancelable: true,
      });
      el.dispatchEvent(e);
      return e.defaultPrevented;
    });
    expect(prevented).toBe(false);
  });

  test('? opens the help: shortcuts and legend in a modal dialog; Escape closes it', async ({
    app,
    page,
  }) => {
    await app.goto();
    await app.ready();
    await app.button('Reset').focus();
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts and legend' });
    await expect(dialog).toBeVisible();
    await expect(dialog).toHaveAttribute('aria-modal', 'true');
    await expect(dialog).toContainText('Next hop');
    await expect(dialog).toContainText('BGP session');
    await expect(page.getByRole('button', { name: 'Close' })).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(page.getByRole('button', { name: 'Close' })).toBeFocused();
    const axe = await new AxeBuilder({ page }).include('.help-dialog').analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual(
      [],
    );
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(app.button('Reset')).toBeFocused();
  });
});
