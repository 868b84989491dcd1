import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { expect, test } from './fixtures/app';

/**
 * The Scale panel (issue 15): the policy worker sweeps 0 to 10,000 added policies and the chart
 * draws both series from the models, beside the seed article's figures in a quoted block.
 */
const SHOTS = process.env.SCALE_SHOTS; // a folder: also save screenshots to look at

test.describe('Scale panel', () => {
  test.setTimeout(240_000);

  test('draws the measured series and the quoted block; axe clean', async ({ app, page }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await app.goto();
    await app.ready();
    await app.panelToggle('scale').click();
    await expect(app.drawerTab('Scale')).toHaveAttribute('aria-selected', 'true');
    const panel = page.getByRole('region', { name: 'Rules tested vs map lookups' });
    // The worker streams samples: a status while it measures, then "Measured".
    await expect(panel.getByRole('status')).toHaveText(/Measured/, { timeout: 200_000 });
    const packet = page.getByTestId('scale-chart-packet');
    const iptables = packet.locator('[data-series="iptables-rules-tested"] .scale-mark');
    const ebpf = packet.locator('[data-series="ebpf-map-lookups"] .scale-mark');
    await expect(iptables).toHaveCount(7);
    await expect(ebpf).toHaveCount(7);
    // Series are named in words at their ends, with their last figure.
    await expect(packet.locator('.scale-label')).toHaveText([
      /^Calico iptables rules tested: [\d,]+$/,
      /^Cilium eBPF map lookups: \d+$/,
    ]);
    // The figures table agrees with the chart: rules tested grow, lookups do not.
    await panel.getByText('The measured figures as a table').click();
    const rows = panel.locator('.scale-figures tbody tr');
    await expect(rows).toHaveCount(7);
    const cell = async (r: number, c: number) =>
      Number((await rows.nth(r).locator('td').nth(c).innerText()).replace(/,/g, ''));
    expect(await cell(6, 0)).toBeGreaterThan(await cell(0, 0));
    expect(await cell(6, 1)).toBe(await cell(0, 1));
    // The chart's end label is the table's last figure.
    await expect(packet.locator('.scale-label').first()).toHaveText(
      `Calico iptables rules tested: ${(await cell(6, 0)).toLocaleString('en')}`,
    );
    await expect(page.getByTestId('scale-chart-compiled').locator('.scale-label')).toHaveCount(3);

    const quoted = page.getByTestId('scale-quoted');
    await expect(
      quoted.getByRole('heading', { name: /Quoted from the seed article, not measured here/ }),
    ).toBeVisible();
    await expect(quoted.getByText(/quoted, no source found/).first()).toBeVisible();
    await expect(quoted.locator('.scale-series.quoted')).toHaveCount(2);
    await expect(quoted.getByRole('table')).toHaveCount(2);
    await expect(quoted.getByRole('cell', { name: '1.2 ms' })).toBeVisible();

    // The theme button cycles System → Light → Dark → Projector; each is checked on screen.
    const themes = ['System', 'Light', 'Dark', 'Projector'] as const;
    for (let i = 1; i < themes.length; i++) {
      await app.themeToggle(themes[i - 1]!).click();
      const theme = themes[i]!;
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme.toLowerCase());
      const results = await new AxeBuilder({ page }).include('.scale-panel').analyze();
      const bad = results.violations.filter(
        (v) => v.impact === 'serious' || v.impact === 'critical',
      );
      expect(
        bad.map((v) => `${theme}: ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      ).toEqual([]);
      if (SHOTS) {
        mkdirSync(SHOTS, { recursive: true });
        await page.screenshot({ path: `${SHOTS}/scale-1280-${theme.toLowerCase()}.png` });
        await page.setViewportSize({ width: 1024, height: 768 });
        await page.waitForTimeout(400);
        await page.screenshot({ path: `${SHOTS}/scale-1024-${theme.toLowerCase()}.png` });
        await page.setViewportSize({ width: 1280, height: 800 });
      }
    }
  });

  test('Stop ends the sweep early and Measure again starts it over', async ({ app, page }) => {
    await app.goto('/#/walk?panels=scale');
    const panel = page.getByRole('region', { name: 'Rules tested vs map lookups' });
    const stop = panel.getByRole('button', { name: 'Stop' });
    await expect(stop).toBeVisible({ timeout: 60_000 });
    await stop.click();
    await expect(panel.getByRole('status')).toHaveText(/Stopped: \d of 7 samples/);
    // The walk still answers: the worker was not restarted by the stop.
    await app.ready();
    await panel.getByRole('button', { name: 'Measure again' }).click();
    await expect(panel.getByRole('status')).toHaveText(/Measuring|Measured/);
  });
});
