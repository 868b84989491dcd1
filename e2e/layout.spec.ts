import type { Locator, Page } from '@playwright/test';
import { expect, test, type AppPage } from './fixtures/app';

/** The element lies entirely inside the first viewport (no page scroll needed to see it). */
async function inFirstViewport(page: Page, locator: Locator, what: string) {
  const box = await locator.boundingBox();
  const size = page.viewportSize()!;
  expect(box, `${what} is on screen`).not.toBeNull();
  expect(box!.x, `${what} left edge`).toBeGreaterThanOrEqual(0);
  expect(box!.y, `${what} top edge`).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, `${what} right edge`).toBeLessThanOrEqual(size.width + 0.5);
  expect(box!.y + box!.height, `${what} bottom edge`).toBeLessThanOrEqual(size.height + 0.5);
}

async function noPageScroll(page: Page) {
  const { scroll, height } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollHeight,
    height: window.innerHeight,
  }));
  expect(scroll).toBeLessThanOrEqual(height);
}

/**
 * The header's controls left to right (buttons, not those of an open popover), as the gaps between
 * neighbours; buttons of one group (.segmented) share their borders and are not counted.
 */
async function headerGaps(page: Page): Promise<{ between: string; gap: number }[]> {
  return page.locator('.app-header').evaluate((header) => {
    const name = (e: Element) => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim();
    const controls = [...header.querySelectorAll('button, select')]
      .filter((e) => !e.closest('[hidden]') && e.getBoundingClientRect().width > 0)
      .map((e) => ({ e, box: e.getBoundingClientRect() }))
      .sort((a, b) => a.box.x - b.box.x);
    return controls.slice(1).flatMap((c, i) => {
      const prev = controls[i]!;
      const group = c.e.closest('.segmented');
      if (group && group === prev.e.closest('.segmented')) return [];
      return [{ between: `${name(prev.e)} | ${name(c.e)}`, gap: c.box.x - prev.box.right }];
    });
  });
}

/** The header in one row, nothing out of it, its neighbours >= 6 px apart (Flows and Share too). */
async function headerFits(page: Page, app: AppPage) {
  // "Cilium only" is the Modes button's longest summary; the Share button is loaded.
  await app.goto('/#/walk?scenario=seed-policies&layout=cilium&panels=inspector');
  await expect(page.getByTestId('cilium-hop')).toHaveText(/^\d+ of \d+$/);
  await expect(page.locator('.share-popover .popover-button')).toBeVisible();
  const header = page.locator('.app-header');
  expect((await header.boundingBox())!.height, 'one row').toBeLessThan(56);
  expect(await header.evaluate((h) => h.scrollWidth - h.clientWidth), 'no overflow').toBe(0);
  const gaps = await headerGaps(page);
  // The panel toggles and the Share button are among the neighbours measured.
  expect(gaps.map((g) => g.between)).toContainEqual(expect.stringMatching(/^Flows \| Share/));
  expect(gaps.filter((g) => g.gap < 6)).toEqual([]);
  await inFirstViewport(page, page.getByRole('button', { name: /^Theme:/ }), 'theme button');
}

// Laptop widths between the judged ones, where the header's type and words change.
for (const [width, height] of [
  [1366, 768],
  [1440, 900],
  [1536, 864],
] as const)
  test(`the header at ${width}×${height}: one row, controls at least 6 px apart`, async ({
    app,
    page,
  }) => {
    await page.setViewportSize({ width, height });
    await headerFits(page, app);
  });

for (const [width, height] of [
  [1280, 800],
  [1024, 768],
] as const) {
  test.describe(`first screen at ${width}×${height}`, () => {
    test.use({ viewport: { width, height } });

    for (const theme of ['light', 'dark', 'projector'] as const)
      test(`${theme}: the header is one row, its controls at least 6 px apart`, async ({
        app,
        page,
      }) => {
        await page.addInitScript((t) => window.localStorage.setItem('packetwalk.theme', t), theme);
        await headerFits(page, app);
      });

    test('compare mode: both topologies, each hop summary and the playback bar fit', async ({
      app,
      page,
    }) => {
      await app.goto();
      await app.ready();
      for (const cni of ['calico', 'cilium'] as const) {
        const panel = cni === 'calico' ? app.calicoPanel : app.ciliumPanel;
        await inFirstViewport(page, panel.locator('.topology-view'), `${cni} topology`);
        await inFirstViewport(page, page.getByTestId(`${cni}-summary`), `${cni} hop summary`);
        // A topology never drops below the legibility width, even with the inspector open.
        expect((await panel.locator('.topology-view').boundingBox())!.width).toBeGreaterThan(270);
      }
      await inFirstViewport(page, page.getByRole('group', { name: 'Playback' }), 'playback bar');
      await inFirstViewport(
        page,
        page.getByRole('navigation', { name: 'Hop timeline' }),
        'timeline',
      );
      await noPageScroll(page);
      // Policies and matrix open as drawer tabs: the picture stays where it was.
      const before = (await app.calicoPanel.boundingBox())!;
      await app.panelToggle('policies').click();
      await app.panelToggle('matrix').click();
      await expect(app.drawerTab('Matrix')).toHaveAttribute('aria-selected', 'true');
      await inFirstViewport(
        page,
        app.calicoPanel.locator('.topology-view'),
        'calico topology with panels',
      );
      await inFirstViewport(
        page,
        app.ciliumPanel.locator('.topology-view'),
        'cilium topology with panels',
      );
      expect((await app.calicoPanel.boundingBox())!.y).toBe(before.y);
      await noPageScroll(page);
    });

    test('presenter mode: the topology and the hop summary fit, the step is a caption', async ({
      page,
    }) => {
      await page.goto('/#/present/03-across-nodes/4');
      await expect(page.getByTestId('lesson-step')).toHaveText('Step 4 of 11');
      const panels = page.locator('.cni-panel');
      await expect(panels.first()).toBeVisible();
      for (const panel of await panels.all()) {
        await inFirstViewport(page, panel.locator('.topology-view'), 'topology');
        await inFirstViewport(page, panel.locator('.hop-summary'), 'hop summary');
      }
      const caption = page.locator('.lesson-caption');
      await inFirstViewport(page, caption, 'caption');
      // A strip under the picture, not a column beside it.
      const topology = (await panels.first().boundingBox())!;
      expect((await caption.boundingBox())!.y).toBeGreaterThan(topology.y + topology.height - 1);
      expect((await caption.boundingBox())!.width).toBeGreaterThan(width * 0.9);
      await noPageScroll(page);
    });
  });
}

test.describe('projector theme at 1024×768', () => {
  test.use({ viewport: { width: 1024, height: 768 } });

  test('the chrome stays compact: each compare topology gets over half the screen height', async ({
    app,
    page,
  }) => {
    await page.addInitScript(() => window.localStorage.setItem('packetwalk.theme', 'projector'));
    await app.goto();
    await app.ready();
    await expect.poll(() => app.theme()).toBe('projector');
    for (const panel of [app.calicoPanel, app.ciliumPanel]) {
      const box = (await panel.locator('.topology-view').boundingBox())!;
      expect(box.height, 'topology height').toBeGreaterThan(768 / 2);
      await inFirstViewport(page, panel.locator('.topology-view'), 'topology');
    }
    for (const cni of ['calico', 'cilium'] as const)
      await inFirstViewport(page, page.getByTestId(`${cni}-summary`), `${cni} hop summary`);
    await inFirstViewport(page, page.getByRole('group', { name: 'Playback' }), 'playback bar');
    await inFirstViewport(page, page.getByRole('navigation', { name: 'Hop timeline' }), 'timeline');
    await noPageScroll(page);
  });
});

test('a pod click picks the source, a second click the destination; the port follows', async ({
  app,
  page,
}) => {
  await app.goto();
  await app.ready();
  const status = page.locator('.pick-status');
  await expect(status).toContainText('Click a pod');
  await app.calicoPanel.locator('[data-id="pod:shop/backend"]').click();
  await expect(status).toContainText('Source: shop/backend. Click a destination');
  // Escape cancels the second click; the keyboard picks as the mouse does (Enter on a focused pod).
  await page.keyboard.press('Escape');
  await expect(status).toContainText('Click a pod');
  await app.ciliumPanel.locator('[data-id="pod:shop/backend"]').click();
  await app.ciliumPanel.locator('[data-id="pod:shop/frontend"]').click();
  // frontend declares port 80 only: the packet takes it.
  await expect(page.getByRole('button', { name: /^Packet / })).toContainText(
    'shop/backend → shop/frontend :80/TCP',
  );
  await expect(status).toContainText('Click a pod');
  await app.ready();
});

test('choosing a Service in the packet popover takes its own port', async ({ app, page }) => {
  await app.goto();
  await app.ready();
  await app.openPopover('Packet');
  await page.getByLabel('Destination').selectOption('svc:shop/backend');
  await expect(page.getByLabel('Port')).toHaveValue('80');
  await expect(page.getByText('cannot be walked')).toHaveCount(0);
  // Escape closes the popover and gives the focus back to its button.
  await page.keyboard.press('Escape');
  const button = page.getByRole('button', { name: /^Packet / });
  await expect(button).toHaveAttribute('aria-expanded', 'false');
  await expect(button).toBeFocused();
});

test('the hop timeline goes to a hop and marks the current one', async ({ app, page }) => {
  await app.goto();
  await app.ready();
  const row = page.getByRole('list', { name: 'Calico' });
  await row.getByRole('button', { name: /^Calico hop 4 of / }).click();
  await expect(app.hop('calico')).toHaveText(/^4 of /);
  await expect(row.getByRole('button', { name: /^Calico hop 4 of / })).toHaveAttribute(
    'aria-current',
    'step',
  );
  // Arrows move along the row (and are not also taken as a step by the shortcut).
  await page.keyboard.press('ArrowRight');
  await expect(app.hop('calico')).toHaveText(/^5 of /);
  await expect(page.getByTestId('step-counter')).toContainText(/Calico hop 5 of \d+ · Cilium hop/);
});

test('Back and Forward move between views; a hop change is no history entry', async ({
  app,
  page,
}) => {
  await app.goto();
  await app.ready();
  await app.button('Step forward').click();
  await expect(app.hop('calico')).toHaveText(/^2 of /);
  await app.openLessonList();
  await page.getByRole('button', { name: /^Start lesson 3:/ }).click();
  await expect(page.getByTestId('lesson-step')).toHaveText('Step 1 of 11');
  await page.locator('body').press('n');
  await expect(page.getByTestId('lesson-step')).toHaveText('Step 2 of 11');
  await page.goBack();
  await expect(page.getByTestId('lesson-step')).toHaveText('Step 1 of 11');
  await page.goBack();
  await expect(page.locator('.lesson-list li').first()).toBeVisible();
  await page.goBack();
  await expect(app.hop('calico')).toHaveText(/^2 of /);
  await page.goForward();
  await expect(page.locator('.lesson-list li').first()).toBeVisible();
});

test('a matrix click plays that walk with the topologies in view', async ({ app, page }) => {
  await app.goto();
  await app.ready();
  const packet = page.getByRole('button', { name: /^Packet / });
  const before = await packet.textContent();
  await app.panelToggle('matrix').click();
  // The last allowed-or-denied cell of the first matrix: not the default packet.
  const cells = page
    .locator('.conn-matrix')
    .first()
    .locator('td.conn-matrix-cell:not([aria-disabled])');
  await cells.last().click();
  await expect(packet).not.toHaveText(before ?? '');
  await expect(app.button('Pause')).toBeVisible();
  await expect(app.hop('calico')).not.toHaveText(/^1 of /, { timeout: 5000 });
  await inFirstViewport(page, app.calicoPanel.locator('.topology-view'), 'topology');
});

test.describe('first visit', () => {
  test.use({ welcomeSeen: false });

  test('the welcome shows once, and never from a lesson link', async ({ app, page }) => {
    await app.goto();
    const welcome = page.getByRole('dialog', { name: 'Welcome to PacketWalk' });
    await expect(welcome).toBeVisible();
    await expect(welcome).toContainText('Lessons');
    await expect(page.getByRole('button', { name: 'Start exploring' })).toBeFocused();
    await page.getByRole('button', { name: 'Start exploring' }).click();
    await expect(welcome).toHaveCount(0);
    await page.reload();
    await app.ready();
    await expect(welcome).toHaveCount(0);
  });

  test('a lesson link opens on the lesson, without the welcome', async ({ page }) => {
    await page.goto('/#/lessons/03-across-nodes/2');
    await expect(page.getByTestId('lesson-step')).toHaveText('Step 2 of 11');
    await expect(page.getByRole('dialog', { name: 'Welcome to PacketWalk' })).toHaveCount(0);
  });
});

/**
 * A drawer's content scrolls inside the drawer: nothing it holds (screen-reader text placed
 * absolutely, a long inspector) may hang below it, or the shell grows a scroll height and a hop's
 * scroll-into-view moves the whole page up under the playback bar (seen in a 1024×768 screenshot).
 */
for (const { width, height } of [
  { width: 1024, height: 768 },
  { width: 1280, height: 800 },
]) {
  test(`at ${width}×${height} the page never scrolls while stepping with a drawer open`, async ({
    app,
    page,
  }) => {
    test.setTimeout(120_000);
    await page.setViewportSize({ width, height });
    for (const panel of ['inspector', 'policies', 'dataplane', 'flows']) {
      await page.goto('about:blank');
      await app.goto(
        `/#/walk?scenario=seed-policies&from=shop%2Fdebug&to=shop%2Fbackend&port=8080&proto=TCP&panels=${panel}`,
      );
      await expect(page.getByTestId('calico-hop')).toHaveText(/^1 of \d+$/, { timeout: 30_000 });
      for (let i = 0; i < 6; i++) {
        await app.button('Step forward').click();
        const shell = await page.locator('.app-shell').evaluate((s) => ({
          extra: s.scrollHeight - s.clientHeight,
          top: s.scrollTop,
          page: document.documentElement.scrollHeight - window.innerHeight,
        }));
        expect(shell, `${panel}, step ${i + 1}`).toEqual({ extra: 0, top: 0, page: 0 });
      }
    }
  });
}
