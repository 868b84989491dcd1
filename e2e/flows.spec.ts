import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './fixtures/app';

/**
 * Flow logs (issue 17): Run traffic walks the scenario's connections through both CNIs; the Hubble
 * view filters them with hubble observe's own flags, a flow opens into its events and walks its
 * packet; the filter survives a reload (it is in the link); the Calico view shows Whisker's
 * fields and policy traces; axe finds nothing in three themes.
 */
test.describe('Flows panel', () => {
  test.setTimeout(180_000);

  test('filter with --verdict DROPPED --to-label app=api, open a flow, walk it', async ({
    app,
    page,
  }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await app.goto('/#/walk?scenario=seed-policies&panels=flows');
    await app.ready();
    const panel = page.locator('.flows');
    await expect(panel.getByRole('status')).toContainText(/\d+ connections through both CNIs/, {
      timeout: 60_000,
    });
    const list = panel.getByRole('list', { name: 'Hubble flows' });
    await expect(list.getByRole('listitem').first()).toBeVisible();

    const filter = panel.getByRole('textbox');
    await filter.fill('--verdict DROPPED --to-label app=api');
    await expect(panel.locator('.flows-count')).toHaveText(
      /^\d+ flows?: 0 forwarded, [1-9]\d* dropped$/,
    );
    const rows = list.getByRole('listitem');
    for (const text of await rows.allInnerTexts()) {
      expect(text).toMatch(/→ shop\/api /);
      expect(text).toContain('DROPPED');
    }
    // A bad flag says why, at the filter, and keeps the text.
    await filter.fill('--verdict dropped');
    await expect(panel.locator('.flows-error')).toContainText('--verdict');
    await expect(filter).toHaveValue('--verdict dropped');
    await filter.fill('--verdict DROPPED --to-label app=api');
    await expect(panel.locator('.flows-error')).toHaveCount(0);

    // The filter is in the link: a reload keeps it.
    // (The whole new filter: the bad one before it is in the link too, until the edit is saved.)
    await expect(page).toHaveURL(
      /observe=--verdict(\+|%20)DROPPED(\+|%20)--to-label(\+|%20)app%3Dapi/,
    );
    await page.reload();
    await expect(panel.getByRole('textbox')).toHaveValue('--verdict DROPPED --to-label app=api');

    // A flow opens into the events Hubble emitted, and walks its packet.
    const first = panel.getByRole('list', { name: 'Hubble flows' }).getByRole('button').first();
    const who = await first.innerText();
    const from = /^(?:reply )?(\S+)/.exec(who)![1]!;
    await first.click();
    const details = panel.getByRole('region', { name: 'Flow details' });
    await expect(details.locator('.flow-events li').first()).toBeVisible();
    await expect(details).toContainText(/(http-request|Policy denied).* DROPPED/);
    await details.getByRole('button', { name: 'Walk this packet' }).click();
    await expect(page).toHaveURL(new RegExp(`from=${from.replace('/', '(%2F|/)')}`));
    await expect(page).toHaveURL(/to=(pod:)?shop(%2F|\/)api/);
    await expect(app.calicoPanel.or(app.ciliumPanel).first()).toBeVisible();
    await expect(page.getByTestId('cilium-hop')).toHaveText(/of \d+/);

    for (const theme of ['light', 'dark', 'projector']) {
      await page.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
      const axe = await new AxeBuilder({ page }).include('.flows').analyze();
      expect(axe.violations, theme).toEqual([]);
    }
  });

  test('Calico flow logs: Whisker fields, a Deny filter and the policy trace', async ({
    app,
    page,
  }) => {
    await page.setViewportSize({ width: 1024, height: 768 });
    await app.goto('/#/walk?scenario=seed-policies&panels=flows&ftab=calico&wfilter=action%3DDeny');
    await app.ready();
    const panel = page.locator('.flows');
    const list = panel.getByRole('list', { name: 'Calico flow logs' });
    await expect(list.getByRole('listitem').first()).toBeVisible({ timeout: 60_000 });
    await expect(panel.locator('.flows-count')).toHaveText(
      /^\d+ flow logs?: 0 Allow, [1-9]\d* Deny$/,
    );
    await list.getByRole('button').first().click();
    const details = panel.getByRole('region', { name: 'Flow log details' });
    await expect(details).toContainText('Enforced policy trace');
    await expect(details.locator('.flow-trace code').last()).toContainText(/\|Deny$/);
    await details.getByRole('button', { name: '← All flows' }).click();
    await expect(list).toBeVisible();
    const axe = await new AxeBuilder({ page }).include('.flows').analyze();
    expect(axe.violations).toEqual([]);

    // "Why and fix" walks the connection with the inspector in view: why Calico dropped it.
    await list.getByRole('button').first().click();
    await details.getByRole('button', { name: 'Why and fix' }).click();
    await expect(page.getByTestId('calico-why')).toContainText(/drops it|denies/, {
      timeout: 30_000,
    });
  });
});
