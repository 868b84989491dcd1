import { existsSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/app';
import { BUILD_DIR, serveStatic, type StaticSite } from './fixtures/staticServer';

/**
 * Issue 18, "Offline and installable": the build is a PWA. After a first visit the service worker
 * (vite-plugin-pwa, Workbox) has every file of the app, so with no network at all the app walks a
 * packet, a lesson opens and steps, the policy editor (CodeMirror, a lazy chunk) loads; a new
 * version waits for the user's Reload.
 */

/** Waits until the service worker has installed (precached everything) and controls the page. */
async function controlled(page: Page) {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

test('with no network after the first visit, the app walks a packet, a lesson steps and the editor loads', async ({
  app,
  page,
  context,
}) => {
  await app.goto('/');
  await app.ready();
  await controlled(page);

  const failed: string[] = [];
  page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
  const fromWorker: string[] = [];
  page.on('response', (r) => r.fromServiceWorker() && fromWorker.push(new URL(r.url()).pathname));

  await context.setOffline(true);
  expect(await page.evaluate(() => navigator.onLine)).toBe(false);
  await page.reload();
  await expect(app.title).toBeVisible();
  await app.ready();
  await expect(app.calicoPanel).toBeVisible();
  await expect(app.ciliumPanel).toBeVisible();
  await expect(app.engineStatus).toHaveAttribute('data-engine-mode', 'worker');
  await app.button('Step forward').click();
  await expect(app.hop('calico')).toHaveText(/^2 of \d+$/);

  // The policy editor: CodeMirror is a chunk of its own.
  await app.panelToggle('policies').click();
  await expect(app.editor()).toBeVisible();
  await expect(app.editor()).toContainText('kind:');

  // A lesson (its prose and steps are in the lessons chunk) opens and steps.
  await page.goto('/#/lessons/02-same-node/1');
  await expect(page.getByTestId('lesson-step')).toHaveText('Step 1 of 7');
  await expect(page.locator('.markdown').first()).toBeVisible();
  await page.locator('body').press('n');
  await expect(page.getByTestId('lesson-step')).toHaveText('Step 2 of 7');
  await expect(page.locator('[data-testid$="-hop"]').first()).toHaveText(/^\d+ of \d+$/);

  // A link with a query string (none is precached as such) opens the app too.
  await page.goto('/index.html?source=home-screen#/lessons/02-same-node/3');
  await expect(page.getByTestId('lesson-step')).toHaveText('Step 3 of 7');

  expect(failed, 'requests that failed offline').toEqual([]);
  expect(fromWorker).toContain('/');
  // The theme set before the first paint (public/theme-boot.js, a classic script) is precached too.
  expect(fromWorker).toContain('/theme-boot.js');
  expect(fromWorker.filter((p) => p.endsWith('.js')).length).toBeGreaterThan(5);
  expect(fromWorker.some((p) => /policy\.worker-.*\.js$/.test(p))).toBe(true);
});

test('the web app manifest is served, valid, relative, with 192, 512 and maskable PNG icons', async ({
  page,
  request,
}) => {
  await page.goto('/');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(href).toBe('./manifest.webmanifest');
  const manifestUrl = new URL(href!, page.url());
  const response = await request.get(manifestUrl.href);
  expect(response.ok()).toBe(true);
  const manifest = JSON.parse(await response.text()) as {
    name: string;
    short_name: string;
    start_url: string;
    scope: string;
    display: string;
    theme_color: string;
    background_color: string;
    icons: { src: string; sizes: string; type: string; purpose?: string }[];
  };
  expect(manifest).toMatchObject({
    name: 'PacketWalk',
    short_name: 'PacketWalk',
    start_url: './',
    scope: './',
    display: 'standalone',
  });
  expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
  expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);
  // Each icon is a PNG of the size it declares (width and height from the IHDR chunk).
  for (const icon of manifest.icons) {
    expect(icon.src, 'icons are relative to the manifest').not.toMatch(/^\/|:/);
    const file = await request.get(new URL(icon.src, manifestUrl).href);
    expect(file.ok(), icon.src).toBe(true);
    const png = await file.body();
    expect(png.subarray(1, 4).toString('latin1'), icon.src).toBe('PNG');
    expect(`${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`, icon.src).toBe(icon.sizes);
    expect(icon.type).toBe('image/png');
  }
  const sizes = manifest.icons.map((i) => `${i.sizes} ${i.purpose ?? 'any'}`);
  expect(sizes).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']));
  await expect(page.locator('meta[name="theme-color"]')).toHaveAttribute('content', /^#/);
});

/**
 * The update flow needs a second version of the build: this serves the build folder under a
 * sub-path with the plainest file server and, when told, a service worker script one comment
 * longer (a changed sw.js is what makes the browser install a new version).
 */
let site: StaticSite;
let version = 1;

test.beforeAll(async () => {
  expect(existsSync(join(BUILD_DIR, 'sw.js')), `${BUILD_DIR}/sw.js exists (vite build ran)`).toBe(
    true,
  );
  site = await serveStatic(BUILD_DIR, '/pw/sub/', (file, text) =>
    file === 'sw.js' ? `${text()}\n// v${version}\n` : null,
  );
});

test.afterAll(() => site.close());

test('a new version is announced mid-lesson, never reloads by itself, and Reload brings it in', async ({
  app,
  page,
}) => {
  version = 1;
  await app.goto(`${site.base}#/lessons/02-same-node/1`);
  await expect(page.getByTestId('lesson-step')).toHaveText('Step 1 of 7');
  await controlled(page);
  await page.locator('body').press('n');
  await expect(page.getByTestId('lesson-step')).toHaveText('Step 2 of 7');
  const notice = page.getByRole('status').filter({ hasText: 'A new version of PacketWalk' });
  await expect(notice).toHaveCount(0);
  // Marks this document: a reload forgets it.
  const mark = () =>
    page.evaluate(
      () => void ((window as unknown as { sameDocument: boolean }).sameDocument = true),
    );
  await mark();
  const sameDocument = () =>
    page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument === true);

  // A new build is deployed; the browser's update check finds it and installs it beside the old.
  version = 2;
  await page.evaluate(() =>
    navigator.serviceWorker.getRegistration().then((r) => r?.update().then(() => undefined)),
  );
  await expect(notice).toBeVisible();
  await expect(notice).toHaveText(/A new version of PacketWalk is ready\./);
  const axe = await new AxeBuilder({ page }).include('.update-notice').analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  // The lesson goes on: no reload, the step is where the learner left it.
  await page.locator('body').press('n');
  await expect(page.getByTestId('lesson-step')).toHaveText('Step 3 of 7');
  expect(await sameDocument()).toBe(true);

  // Later hides it; the next update check (a waiting version is still there) shows it again.
  await notice.getByRole('button', { name: 'Later' }).click();
  await expect(notice).toHaveCount(0);
  await page.reload();
  await expect(notice).toBeVisible();
  expect(page.url()).toMatch(/#\/lessons\/02-same-node\/3$/);
  await mark();
  await notice.getByRole('button', { name: 'Reload' }).click();
  // The new version takes over and the page reloads at the same step, without the notice.
  await expect.poll(() => sameDocument().catch(() => false)).toBe(false);
  await expect(page.getByTestId('lesson-step')).toHaveText('Step 3 of 7');
  await expect(notice).toHaveCount(0);
  expect(
    await page.evaluate(async () => {
      const r = await navigator.serviceWorker.getRegistration();
      return {
        waiting: r?.waiting ?? null,
        controlled: navigator.serviceWorker.controller !== null,
      };
    }),
  ).toEqual({ waiting: null, controlled: true });
});
