import { expect, test } from './fixtures/app';

test.describe('first screen', () => {
  test('shows the title and both CNI panels with the loaded cluster’s nodes', async ({ app }) => {
    await app.goto();
    await expect(app.page).toHaveTitle('PacketWalk');
    await expect(app.calicoPanel).toBeVisible();
    await expect(app.ciliumPanel).toBeVisible();
    await expect(app.calicoPanel.getByRole('figure', { name: 'Calico topology' })).toBeVisible();
    // The default scenario has three nodes; each panel draws the walk's nodes in full with their
    // addresses and the others as chips.
    await expect(app.ciliumPanel.locator('g.node, g.chip-node')).toHaveCount(3);
    await expect(app.calicoPanel.locator('text.node-address').first()).toHaveText('192.168.1.5');
    // Calico names the IPAM blocks its routes use, Cilium the node's pod CIDR.
    // (In a narrow panel the caption moves to the tooltip and the range stays.)
    await expect(app.calicoPanel.locator('text.node-cidr').first()).toHaveText(
      /^(IPAM blocks )?10\.244\.0\.0\/26$/,
    );
    await expect(app.ciliumPanel.locator('text.node-cidr').first()).toHaveText(
      /^(podCIDR )?10\.244\.0\.0\/24$/,
    );
    // Side by side on a desktop-sized window.
    const calico = (await app.calicoPanel.boundingBox())!;
    const cilium = (await app.ciliumPanel.boundingBox())!;
    expect(cilium.x).toBeGreaterThan(calico.x + calico.width - 1);
    expect(Math.abs(cilium.y - calico.y)).toBeLessThan(2);
  });

  test('follows a dark system setting, and the toggle switches and remembers the theme', async ({
    app,
    page,
  }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await app.goto();
    await expect.poll(() => app.theme()).toBe('dark');
    const darkBg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);

    await app.themeToggle('System').click();
    await expect(app.themeToggle('Light')).toBeVisible();
    await expect.poll(() => app.theme()).toBe('light');
    const lightBg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(lightBg).not.toBe(darkBg);

    await app.themeToggle('Light').click();
    await expect.poll(() => app.theme()).toBe('dark');

    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => app.theme()).toBe('dark');
    await page.reload();
    await expect(app.themeToggle('Dark')).toBeVisible();
    await expect.poll(() => app.theme()).toBe('dark');
  });

  test('follows a light system setting and its changes while on "System"', async ({
    app,
    page,
  }) => {
    await page.emulateMedia({ colorScheme: 'light' });
    await app.goto();
    await expect.poll(() => app.theme()).toBe('light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => app.theme()).toBe('dark');
  });

  test('runs the policy engine in a Web Worker and loads the default scenario there', async ({
    app,
    page,
  }) => {
    await app.goto();
    await expect(app.engineStatus).toHaveAttribute('data-engine-mode', 'worker');
    // The engine itself reports that it ran the load inside a worker global scope.
    await expect(app.engineStatus).toHaveAttribute('data-engine-in-worker', 'true');
    await expect(app.engineStatus).toContainText(
      'scenario seed-policies: 5 pods, 3 policies loaded',
    );
    const workers = page.workers();
    expect(workers.length).toBe(1);
    expect(workers[0]!.url()).toMatch(/policy\.worker/);
  });
});
