import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './fixtures/app';

const SEED = readFileSync('lessons/scenarios/seed-policies.yaml', 'utf8');

test.describe('visualizer', () => {
  test('steps a cross-node packet to delivery in both panels', async ({ app }) => {
    await app.goto();
    await app.ready();
    await expect(app.stage('calico')).toHaveAttribute('data-stage', 'in-pod');
    await app.stepToEnd();
    await expect(app.stage('calico')).toHaveAttribute('data-stage', 'delivered');
    await expect(app.stage('cilium')).toHaveAttribute('data-stage', 'delivered');
    // The running costs show the two philosophies: rules walked versus map lookups.
    expect(Number(await app.page.getByTestId('calico-rules').textContent())).toBeGreaterThan(0);
    expect(Number(await app.page.getByTestId('cilium-lookups').textContent())).toBeGreaterThan(0);
    await expect(app.page.getByTestId('hop-announcer')).toContainText('delivered');
  });

  test('switching Calico routing between BGP and IPIP changes the hops', async ({ app }) => {
    await app.goto();
    await app.ready();
    await app.openPopover('Modes');
    const routing = app.page.getByLabel('Calico routing');
    await routing.selectOption('none');
    await app.ready();
    await app.stepToEnd();
    await expect(app.calicoPanel).not.toContainText('tunl0');
    const bgpTotal = await app.total('calico');
    await app.openPopover('Modes');
    await routing.selectOption('ipip');
    await expect.poll(() => app.total('calico')).not.toBe(bgpTotal);
    await app.stepToEnd();
    // The IPIP walk has an encapsulation hop through tunl0 that the BGP walk does not.
    await expect(app.page.getByTestId('calico-stage')).toHaveAttribute('data-stage', 'delivered');
    await app.button('Reset').click();
    let sawTunnel = false;
    for (let i = 0; i < bgpTotal + 4 && !sawTunnel; i++) {
      sawTunnel = (await app.inspector('calico').textContent())?.includes('tunl0') ?? false;
      if (await app.button('Step forward').isDisabled()) break;
      await app.button('Step forward').click();
    }
    expect(sawTunnel).toBe(true);
  });

  test('a policy that denies the packet ends the walk in a drop at the ingress hook of both CNIs', async ({
    app,
  }) => {
    await app.goto();
    await app.ready();
    await app.panelToggle('policies').click();
    // The default packet is allowed by allow-frontend: drop that policy and deny all ingress.
    const withoutAllow = SEED.split(/^---$/m)
      .filter((doc) => !doc.includes('name: allow-frontend'))
      .join('---');
    await app.replaceScenario(
      `${withoutAllow}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny-all\n  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n`,
    );
    await expect(app.page.getByText('Edited (kept in this browser)')).toBeVisible();
    // The engine re-walks the edited scenario in its worker: wait for both new walks (their hop
    // timelines end in a drop) without clicking meanwhile, then step to the end once.
    for (const cni of ['calico', 'cilium'] as const)
      await expect(app.page.locator(`.timeline-${cni} .hop-chip.stage-dropped`)).toHaveCount(1, {
        timeout: 30_000,
      });
    await app.stepToEnd();
    await expect(app.stage('calico')).toHaveAttribute('data-stage', 'dropped');
    await expect(app.stage('cilium')).toHaveAttribute('data-stage', 'dropped');
    await app.drawerTab('Inspector').click();
    await expect(app.inspector('calico')).toContainText('cali-tw-');
    await expect(app.inspector('cilium')).toContainText('Policy denied');
  });

  test('a deep link reopens the same step', async ({ app, page }) => {
    await app.goto();
    await app.ready();
    await app.button('Step forward').click();
    await app.button('Step forward').click();
    await app.button('Step forward').click();
    await expect(app.hop('calico')).toHaveText(/^4 of /);
    const url = page.url();
    expect(url).toContain('step=3');
    await page.goto('about:blank');
    await page.goto(url);
    await expect(app.hop('calico')).toHaveText(/^4 of /);
    await expect(app.hop('cilium')).toHaveText(/^4 of /);
  });

  test('a YAML error is shown at its line and the last valid state keeps running', async ({
    app,
  }) => {
    await app.goto();
    await app.ready();
    const total = await app.total('calico');
    await app.panelToggle('policies').click();
    await app.replaceScenario(SEED + '\n---\nkind: [broken\n');
    const problems = app.page.getByTestId('policy-editor').getByRole('list');
    await expect(problems).toContainText(/line \d+:\d+/);
    await expect(
      app.page.getByRole('status').filter({ hasText: 'last valid version keeps running' }),
    ).toBeVisible();
    await app.button('Step forward').click();
    await expect(app.hop('calico')).toHaveText(`2 of ${total}`);
  });

  test('a link that does not decode opens the default view with a notice', async ({ app }) => {
    await app.goto('/#/walk?scenario=nope&step=x');
    await expect(app.page.getByRole('alert')).toContainText('could not be opened');
    await app.ready();
  });

  test('keyboard: arrows step, Space plays, R resets', async ({ app, page }) => {
    await app.goto();
    await app.ready();
    await page.locator('body').press('ArrowRight');
    await page.locator('body').press('ArrowRight');
    await expect(app.hop('calico')).toHaveText(/^3 of /);
    await page.locator('body').press('ArrowLeft');
    await expect(app.hop('calico')).toHaveText(/^2 of /);
    await page.locator('body').press('r');
    await expect(app.hop('calico')).toHaveText(/^1 of /);
    await page.locator('body').press(' ');
    await expect(app.button('Pause')).toBeVisible();
    await expect(app.hop('calico')).not.toHaveText(/^1 of /, { timeout: 5000 });
  });

  test('axe finds no serious or critical violations in the main views', async ({ app, page }) => {
    // Three full-page axe runs over the editor and two matrices take a while on a 2-core machine.
    test.setTimeout(120_000);
    await app.goto();
    await app.ready();
    await app.panelToggle('policies').click();
    await expect(page.getByTestId('policy-editor')).toBeVisible();
    // The matrix opens as the drawer's front tab; the editor waits in its own tab.
    await app.panelToggle('matrix').click();
    await expect(page.getByRole('grid').first()).toBeVisible();
    for (const theme of ['Light', 'Dark', 'Projector']) {
      const results = await new AxeBuilder({ page }).analyze();
      const bad = results.violations.filter(
        (v) => v.impact === 'serious' || v.impact === 'critical',
      );
      expect(
        bad.map((v) => `${theme}: ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      ).toEqual([]);
      await page.getByRole('button', { name: /^Theme: / }).click();
    }
  });
});

test('the topology keeps its size (no resize feedback loop) in every theme', async ({
  app,
  page,
}) => {
  await app.goto();
  await app.ready();
  const view = page.locator('.topology-view').first();
  for (let i = 0; i < 4; i++) {
    const before = (await view.boundingBox())!.height;
    await page.waitForTimeout(700);
    expect((await view.boundingBox())!.height).toBe(before);
    await page.getByRole('button', { name: /^Theme: / }).click();
  }
});
