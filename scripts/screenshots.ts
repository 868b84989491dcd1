/**
 * `npm run screenshots`: builds the app, serves it, and saves screenshots of the main views to
 * docs/screenshots/ (linked from the README), in Debian's Chromium like the e2e tests.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../playwright.config';

const PORT = 4174;
const BASE = `http://127.0.0.1:${PORT}`;
const OUT = 'docs/screenshots';

const VIEWS: {
  file: string;
  hash: string;
  theme?: 'light' | 'dark' | 'projector';
  steps?: number;
}[] = [
  {
    file: 'compare-seed-policies.png',
    hash: '#/walk?scenario=seed-policies&panels=inspector',
    steps: 4,
  },
  {
    file: 'policies-and-matrix.png',
    hash: '#/walk?scenario=seed-policies&panels=policies,matrix',
    steps: 2,
  },
  {
    file: 'multi-rack-tor-dark.png',
    hash: '#/walk?scenario=multi-rack&calico=iptables.tor.none.plain&panels=inspector',
    theme: 'dark',
    steps: 5,
  },
  {
    file: 'cilium-only-projector.png',
    hash: '#/walk?scenario=seed-policies&layout=cilium&panels=inspector',
    theme: 'projector',
    steps: 8,
  },
];

async function shoot(page: Page, view: (typeof VIEWS)[number]) {
  // A fresh load per view, so each starts from its own link.
  await page.goto('about:blank');
  await page.goto(`${BASE}/${view.hash}`);
  await page.getByTestId('calico-hop').or(page.getByTestId('cilium-hop')).first().waitFor();
  await page.waitForFunction(() => /\d+ of \d+/.test(document.body.innerText));
  if (view.theme) {
    await page.evaluate((t) => localStorage.setItem('packetwalk.theme', t), view.theme);
    await page.reload();
    await page.waitForFunction(() => /\d+ of \d+/.test(document.body.innerText));
  }
  for (let i = 0; i < (view.steps ?? 0); i++)
    await page.getByRole('button', { name: 'Step forward' }).click();
  await page.waitForTimeout(800);
  await page.screenshot({ path: `${OUT}/${view.file}`, fullPage: true });
  console.log(`${OUT}/${view.file}`);
}

const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const server = spawn(
  'npx',
  ['vite', 'preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'],
  {
    stdio: 'ignore',
  },
);
try {
  await new Promise((r) => setTimeout(r, 2500));
  mkdirSync(OUT, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const page = await browser.newPage({
    viewport: { width: 1440, height: 900 },
    reducedMotion: 'reduce',
  });
  for (const view of VIEWS) await shoot(page, view);
  await browser.close();
} finally {
  server.kill();
}
