import AxeBuilder from '@axe-core/playwright';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Download, Locator, Page } from '@playwright/test';
import { AppPage, expect, test } from './fixtures/app';

const SHOTS = '/tmp/shots-share';
const SEED = readFileSync('lessons/scenarios/seed-policies.yaml', 'utf8');
// The edit: allow-frontend no longer admits the frontend, so frontend → backend:8080 is dropped.
const EDITED = SEED.replace(
  /(name: allow-frontend[\s\S]*?matchLabels:\n\s+app: )frontend/,
  '$1nobody',
);
const WALK =
  '/#/walk?scenario=seed-policies&from=shop/frontend&to=shop/backend&port=8080&proto=TCP';

interface WalkFile {
  scenario: string;
  walks: { cni: string; verdict: string; hops: { stage: string; where: string }[] }[];
}

const shareButton = (page: Page) => page.getByRole('button', { name: /^Share\b/ });
const sharePanel = (page: Page) => page.getByRole('group', { name: 'Share' });

async function openShare(page: Page): Promise<Locator> {
  const button = shareButton(page);
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
  await expect(button).toHaveAttribute('aria-expanded', 'true');
  return sharePanel(page);
}

/** Clicks an export in the Share popover and returns the download's name and bytes. */
async function exportFile(page: Page, label: string): Promise<{ name: string; bytes: Buffer }> {
  const panel = await openShare(page);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    panel.getByRole('button', { name: label, exact: true }).click(),
  ]);
  return { name: download.suggestedFilename(), bytes: await read(download) };
}

async function read(download: Download): Promise<Buffer> {
  const path = await download.path();
  return readFileSync(path);
}

/** Types a scenario into the Policies editor and waits for the walks of the new text. */
async function typeScenario(app: AppPage, text: string) {
  await app.panelToggle('policies').click();
  await app.replaceScenario(text);
  await expect(app.page.getByText('Edited (kept in this browser)')).toBeVisible();
}

async function walkFile(app: AppPage): Promise<WalkFile> {
  await app.ready();
  const file = await exportFile(app.page, 'Walk (JSON)');
  expect(file.name).toMatch(/^packetwalk-seed-policies-walk-\d{4}-\d\d-\d\d\.json$/);
  return JSON.parse(file.bytes.toString('utf8')) as WalkFile;
}

test('the exported scenario, typed in again elsewhere, gives the same walks', async ({
  app,
  page,
  browser,
}) => {
  await app.goto(WALK);
  await app.ready();
  const before = await walkFile(app);
  expect(before.walks.map((w) => w.verdict)).toEqual(['delivered', 'delivered']);

  await typeScenario(app, EDITED);
  await expect
    .poll(async () => (await walkFile(app)).walks.map((w) => w.verdict))
    .toEqual(['dropped', 'dropped']);
  const edited = await walkFile(app);
  const yaml = await exportFile(page, 'Scenario (YAML)');
  expect(yaml.name).toMatch(/^packetwalk-seed-policies-\d{4}-\d\d-\d\d\.yaml$/);
  expect(yaml.bytes.toString('utf8')).toBe(EDITED);

  // Elsewhere: a fresh browser, the built-in scenario, the file's text typed in.
  const other = await browser.newContext();
  try {
    const page2 = await other.newPage();
    const app2 = new AppPage(page2);
    await app2.goto(WALK);
    await app2.ready();
    await typeScenario(app2, yaml.bytes.toString('utf8'));
    await expect
      .poll(async () => (await walkFile(app2)).walks.map((w) => w.verdict))
      .toEqual(['dropped', 'dropped']);
    expect(await walkFile(app2)).toEqual(edited);
  } finally {
    await other.close();
  }
});

test('copy link: the link opens the same scenario text and packet in a fresh context', async ({
  app,
  page,
  browser,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await app.goto(WALK);
  await app.ready();
  await typeScenario(app, EDITED);
  const panel = await openShare(page);
  await panel.getByRole('button', { name: 'Copy link' }).click();
  await expect(panel.getByRole('status')).toHaveText('Link copied');
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toBe(page.url());
  expect(link).toContain('yaml=');
  expect(link.length).toBeLessThanOrEqual(8000);

  const other = await browser.newContext();
  try {
    const page2 = await other.newPage();
    await page2.goto(link);
    const app2 = new AppPage(page2);
    await app2.ready();
    const yaml = await exportFile(page2, 'Scenario (YAML)');
    expect(yaml.bytes.toString('utf8')).toBe(EDITED);
    await expect(page2.getByRole('button', { name: /^Packet\b/ })).toHaveText(
      await page.getByRole('button', { name: /^Packet\b/ }).innerText(),
    );
    expect((await walkFile(app2)).walks.map((w) => w.verdict)).toEqual(['dropped', 'dropped']);
  } finally {
    await other.close();
  }
});

test('copy link without clipboard access shows the link selected to copy by hand', async ({
  app,
  page,
}) => {
  await app.goto(WALK);
  await app.ready();
  await page.evaluate(() => {
    Object.defineProperty(navigator, 'clipboard', {
      value: { writeText: () => Promise.reject(new DOMException('denied', 'NotAllowedError')) },
    });
  });
  const panel = await openShare(page);
  await panel.getByRole('button', { name: 'Copy link' }).click();
  const field = panel.getByRole('textbox');
  await expect(field).toHaveValue(page.url());
  await expect(field).toHaveJSProperty('readOnly', true);
  await expect
    .poll(() =>
      field.evaluate((el: HTMLInputElement) => (el.selectionEnd ?? 0) - (el.selectionStart ?? 0)),
    )
    .toBe(page.url().length);
});

test('a link too long to travel: the scenario as a file, or the link without the edits', async ({
  app,
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await app.goto(WALK);
  await app.ready();
  // Comments of pseudo-random words compress poorly: the link grows past 8,000 characters.
  let seed = 7;
  const word = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed.toString(36);
  };
  const noise = Array.from({ length: 400 }, () => `# ${word()} ${word()} ${word()}`).join('\n');
  const big = `${EDITED}${noise}\n`;
  await typeScenario(app, big);
  await expect.poll(() => page.url().length).toBeGreaterThan(8000);
  const panel = await openShare(page);
  await panel.getByRole('button', { name: 'Copy link' }).click();
  await expect(panel.getByRole('alert')).toContainText('over the 8,000');
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/too-long.png` });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    panel.getByRole('button', { name: 'Download the scenario (YAML)' }).click(),
  ]);
  expect((await read(download)).toString('utf8')).toBe(big);
  await panel.getByRole('button', { name: 'Copy the link without the edits' }).click();
  await expect(panel.getByRole('status')).toHaveText('Link without the edits copied');
  const plain = await page.evaluate(() => navigator.clipboard.readText());
  expect(plain).not.toContain('yaml=');
  expect(plain).toContain('scenario=seed-policies');
  expect(plain).toContain('from=shop%2Ffrontend');
});

test('the pictures download as a valid PNG and a standalone SVG', async ({ app, page }) => {
  await app.goto(WALK);
  await app.ready();
  await app.button('Step forward').click();
  const svg = await exportFile(page, 'Picture (SVG)');
  expect(svg.name).toMatch(/^packetwalk-seed-policies-hop-2-\d{4}-\d\d-\d\d\.svg$/);
  const text = svg.bytes.toString('utf8');
  expect(text).not.toMatch(/var\(--|https?:\/\/(?!www\.w3\.org)/);
  // It parses, and it draws on its own (an <img> has no access to the page's stylesheets).
  const drawn = await page.evaluate(async (markup) => {
    const doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
    const img = new Image();
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(markup)}`;
    await img.decode();
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null,
      panels: doc.querySelectorAll('svg > g > svg').length,
      styled: doc.querySelectorAll('[style*="fill:rgb"]').length,
      width: img.naturalWidth,
    };
  }, text);
  expect(drawn).toMatchObject({ error: null, panels: 2 });
  expect(drawn.styled).toBeGreaterThan(20);
  expect(drawn.width).toBeGreaterThan(400);

  const png = await exportFile(page, 'Picture (PNG)');
  expect(png.name).toMatch(/\.png$/);
  expect([...png.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  // IHDR: the width at 2×.
  expect(png.bytes.readUInt32BE(16)).toBe(2 * drawn.width);
  mkdirSync(SHOTS, { recursive: true });
  writeFileSync(`${SHOTS}/export.png`, png.bytes);
  writeFileSync(`${SHOTS}/export.svg`, text);
});

test('the matrix exports as CSV and JSON once computed', async ({ app, page }) => {
  await app.goto(WALK);
  await app.ready();
  const panel = await openShare(page);
  const csvButton = panel.getByRole('button', { name: 'Matrix (CSV)' });
  await expect(csvButton).toBeDisabled();
  await expect(panel.getByText('Open the Matrix panel first.').first()).toBeVisible();
  await panel.getByRole('button', { name: 'Open the Matrix panel' }).click();
  await expect(app.drawerTab('Matrix')).toBeVisible();
  const csv = await exportFile(page, 'Matrix (CSV)');
  const lines = csv.bytes.toString('utf8').split('\r\n');
  expect(lines[0]).toBe('from,to,port,protocol,calico,cilium,calico_reason,cilium_reason');
  expect(lines.find((l) => l.startsWith('shop/frontend,shop/backend,8080,TCP,'))).toMatch(
    /^shop\/frontend,shop\/backend,8080,TCP,allowed,allowed,/,
  );
  const json = JSON.parse((await exportFile(page, 'Matrix (JSON)')).bytes.toString('utf8')) as {
    rows: unknown[];
  };
  expect(json.rows.length).toBe(lines.length - 2);
});

for (const [width, height] of [
  [1280, 800],
  [1024, 768],
] as const) {
  for (const theme of ['light', 'dark', 'projector'] as const) {
    test(`the Share popover at ${width}×${height}, ${theme}: readable and axe clean`, async ({
      app,
      page,
    }) => {
      await page.setViewportSize({ width, height });
      await page.addInitScript((t) => window.localStorage.setItem('packetwalk.theme', t), theme);
      await app.goto(WALK);
      await app.ready();
      // The header still fits in one row with the Share button.
      const header = page.locator('.app-header');
      const headerBox = (await header.boundingBox())!;
      expect(headerBox.height).toBeLessThan(70);
      const share = (await shareButton(page).boundingBox())!;
      expect(share.x + share.width).toBeLessThanOrEqual(width);
      // The last panel toggle ends before the Share button begins.
      const lastToggle = (await page.locator('.panel-toggles button').last().boundingBox())!;
      expect(lastToggle.x + lastToggle.width).toBeLessThanOrEqual(share.x);
      const panel = await openShare(page);
      const box = (await panel.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(width);
      expect(box.y + box.height).toBeLessThanOrEqual(height);
      const results = await new AxeBuilder({ page }).include('.share-popover').analyze();
      expect(
        results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`),
      ).toEqual([]);
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: `${SHOTS}/share-${width}-${theme}.png` });
    });
  }
}
