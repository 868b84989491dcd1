import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/app';

/**
 * A reload paints the remembered theme from the first frame: public/theme-boot.js, a classic script
 * in index.html's <head>, sets <html data-theme> before the body is parsed, long before the app's
 * module bundle runs (src/app/theme.ts takes over from there). THEME_BOOT_SHOTS=dir saves what the
 * page paints with the bundle blocked.
 */
const SHOTS = process.env.THEME_BOOT_SHOTS;

/** Records <html>'s theme when <body> is inserted: the parser has run <head>, nothing is drawn yet. */
async function recordThemeAtBody(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { themeAtBody?: string | null };
    const seen = new MutationObserver(() => {
      if (!document.body) return;
      w.themeAtBody = document.documentElement.getAttribute('data-theme');
      seen.disconnect();
    });
    seen.observe(document, { childList: true, subtree: true });
  });
}

const themeAtBody = (page: Page) =>
  page.evaluate(() => (window as unknown as { themeAtBody?: string | null }).themeAtBody);

test('a reload in the dark and projector themes has the theme on <html> before the body is parsed', async ({
  app,
  page,
}) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await recordThemeAtBody(page);
  await app.goto();
  // A first visit, nothing remembered: the system's light.
  expect(await themeAtBody(page)).toBe('light');
  await app.themeToggle('System').click();
  await app.themeToggle('Light').click();
  await expect.poll(() => app.theme()).toBe('dark');

  await page.reload();
  expect(await themeAtBody(page)).toBe('dark');
  await expect(app.themeToggle('Dark')).toBeVisible();
  expect(await app.theme()).toBe('dark');

  await app.themeToggle('Dark').click();
  await expect.poll(() => app.theme()).toBe('projector');
  await page.reload();
  expect(await themeAtBody(page)).toBe('projector');
  await expect(app.themeToggle('Projector')).toBeVisible();
  expect(await app.theme()).toBe('projector');
});

test('a reload on a presenter link is in the projector theme from the first frame, and leaving it gives the stored theme back', async ({
  app,
  page,
}) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await recordThemeAtBody(page);
  // Every data-theme <html> is given, in order, from before it is parsed (no <html> yet) on.
  await page.addInitScript(() => {
    const w = window as unknown as { themes?: (string | null)[] };
    w.themes = [];
    new MutationObserver((records) => {
      for (const r of records)
        if (r.target === document.documentElement)
          w.themes!.push(document.documentElement.getAttribute('data-theme'));
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-theme'] });
  });
  const themes = () => page.evaluate(() => (window as unknown as { themes: string[] }).themes);
  await app.goto();
  await app.themeToggle('System').click();
  await expect.poll(() => app.theme()).toBe('light');
  expect(await page.evaluate(() => localStorage.getItem('packetwalk.theme'))).toBe('light');

  await page.goto('/#/present/03-across-nodes/2');
  await page.reload();
  expect(await themeAtBody(page)).toBe('projector');
  await expect(page.getByTestId('lesson-step')).toHaveText('Step 2 of 11');
  await expect(page.getByRole('button', { name: 'Stop presenting' })).toBeVisible();
  // Never the stored light while the presenter loads (the lessons, its chunk).
  expect(await themes()).toContain('projector');
  expect(new Set(await themes())).toEqual(new Set(['projector']));
  expect(await page.evaluate(() => localStorage.getItem('packetwalk.theme'))).toBe('light');
  expect(await page.evaluate(() => document.documentElement.dataset.themePreference)).toBe('light');

  await page.getByRole('button', { name: 'Stop presenting' }).click();
  await expect.poll(() => app.theme()).toBe('light');
  expect(await page.evaluate(() => localStorage.getItem('packetwalk.theme'))).toBe('light');
  // The speaker view is in the user's theme.
  await page.goto('/#/speaker/03-across-nodes/2');
  await page.reload();
  expect(await themeAtBody(page)).toBe('light');
});

test('"System" follows a dark system setting before the body is parsed', async ({ app, page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await recordThemeAtBody(page);
  await app.goto();
  expect(await themeAtBody(page)).toBe('dark');
  expect(await page.evaluate(() => document.documentElement.dataset.themePreference)).toBe(
    'system',
  );
});

test('with the app’s bundle blocked, the page paints the remembered theme', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  // Only the boot script can set the theme: the bundle's scripts are empty (and so no service
  // worker is registered to answer them from its cache).
  await page.route(/\/assets\/.*\.js$/, (route) =>
    route.fulfill({ contentType: 'text/javascript', body: '' }),
  );
  const backgrounds: Record<string, string> = {};
  for (const theme of ['light', 'dark', 'projector'] as const) {
    await page.goto('/favicon.svg'); // the app's origin, its storage, without the app
    await page.evaluate((t) => window.localStorage.setItem('packetwalk.theme', t), theme);
    await page.goto('/');
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    await expect(page.locator('#root')).toBeEmpty();
    backgrounds[theme] = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await page.evaluate(() => document.documentElement.style.colorScheme)).toBe(
      theme === 'light' ? 'light' : 'dark',
    );
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: `${SHOTS}/boot-${theme}.png` });
    }
  }
  expect(backgrounds.dark).not.toBe(backgrounds.light);
  expect(backgrounds.projector).not.toBe(backgrounds.light);

  // A presenter link: projector whatever is stored, and the stored preference left as it was.
  await page.goto('/#/present/03-across-nodes/1');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'projector');
  await page.evaluate(() => window.localStorage.setItem('packetwalk.theme', 'light'));
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'projector');
  await expect(page.locator('html')).toHaveAttribute('data-theme-preference', 'light');
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(
    backgrounds.projector,
  );
  expect(await page.evaluate(() => window.localStorage.getItem('packetwalk.theme'))).toBe('light');
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/boot-present.png` });
});
