/**
 * `npm run screenshots`: builds the app, serves it, and saves screenshots of the main views to
 * docs/screenshots/ (linked from the README), in Debian's Chromium like the e2e tests.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { chromium, type Browser } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../playwright.config';

const PORT = 4174;
const BASE = `http://127.0.0.1:${PORT}`;
const OUT = 'docs/screenshots';

const VIEWS: {
  file: string;
  alt: string;
  hash: string;
  viewport: { width: number; height: number };
  theme?: 'light' | 'dark' | 'projector';
  steps?: number;
}[] = [
  {
    file: 'compare-1280.png',
    alt: 'Compare view at 1280×800',
    hash: '#/walk?scenario=seed-policies&panels=',
    viewport: { width: 1280, height: 800 },
    theme: 'light',
    steps: 4,
  },
  {
    file: 'compare-policies-1280.png',
    alt: 'Compare view with the Policies drawer',
    hash: '#/walk?scenario=seed-policies&panels=policies',
    viewport: { width: 1280, height: 800 },
    theme: 'light',
    steps: 3,
  },
  {
    file: 'multi-rack-tor-dark-1280.png',
    alt: 'Multi-rack cluster with ToR peering (rack 1 to rack 2), dark theme',
    hash: '#/walk?scenario=multi-rack&calico=iptables.tor.none.plain&from=demo%2Fweb-1&to=demo%2Fweb-4&port=80&proto=TCP&panels=',
    viewport: { width: 1280, height: 800 },
    theme: 'dark',
    steps: 5,
  },
  {
    file: 'cilium-only-projector-1280.png',
    alt: 'Cilium only, projector theme',
    hash: '#/walk?scenario=seed-policies&layout=cilium&panels=inspector',
    viewport: { width: 1280, height: 800 },
    theme: 'projector',
    steps: 8,
  },
  {
    file: 'presenter-1024.png',
    alt: 'Presenter mode at 1024×768',
    hash: '#/present/03-across-nodes/3',
    viewport: { width: 1024, height: 768 },
  },
  {
    file: 'dataplane-1280.png',
    alt: "The Dataplane panel at 1280×800: the rule that decided the hop, lit in the node's iptables-save",
    hash: '#/walk?scenario=seed-policies&panels=dataplane',
    viewport: { width: 1280, height: 800 },
    theme: 'light',
    steps: 6,
  },
  {
    file: 'dataplane-projector-1024.png',
    alt: 'The Dataplane panel at 1024×768, projector theme',
    hash: '#/walk?scenario=seed-policies&layout=cilium&panels=dataplane',
    viewport: { width: 1024, height: 768 },
    theme: 'projector',
    steps: 6,
  },
  {
    file: 'dropped-dark-1024.png',
    alt: 'A dropped packet at 1024×768, dark theme, with the inspector',
    hash: '#/walk?scenario=seed-policies&from=shop%2Fdebug&to=shop%2Fbackend&port=8080&proto=TCP&panels=inspector',
    viewport: { width: 1024, height: 768 },
    theme: 'dark',
    steps: 4,
  },
  {
    file: 'flows-1280.png',
    alt: "The Flows panel at 1280×800: hubble observe's own flags filtering the scenario's traffic",
    hash: '#/walk?scenario=seed-policies&panels=flows&observe=--verdict%20DROPPED',
    viewport: { width: 1280, height: 800 },
    theme: 'light',
  },
  {
    file: 'service-map-projector-1024.png',
    alt: 'The service map at 1024×768, projector theme',
    hash: '#/walk?scenario=seed-policies&panels=flows&ftab=map',
    viewport: { width: 1024, height: 768 },
    theme: 'projector',
  },
  {
    file: 'compare-1024.png',
    alt: 'Compare view at 1024×768',
    hash: '#/walk?scenario=seed-policies&panels=',
    viewport: { width: 1024, height: 768 },
    theme: 'light',
    steps: 6,
  },
];

async function shoot(browser: Browser, view: (typeof VIEWS)[number]) {
  // A fresh context per view, so each starts from its own link, size and theme.
  const context = await browser.newContext({ viewport: view.viewport, reducedMotion: 'reduce' });
  await context.addInitScript((theme) => {
    localStorage.setItem('packetwalk.welcome-seen', '1');
    if (theme) localStorage.setItem('packetwalk.theme', theme);
  }, view.theme ?? '');
  const page = await context.newPage();
  await page.goto(`${BASE}/${view.hash}`);
  await page.getByTestId('calico-hop').or(page.getByTestId('cilium-hop')).first().waitFor();
  await page.waitForFunction(() => /\d+ of \d+/.test(document.body.innerText));
  for (let i = 0; i < (view.steps ?? 0); i++)
    await page.getByRole('button', { name: 'Step forward' }).click();
  await page.waitForTimeout(800);
  await page.screenshot({ path: `${OUT}/${view.file}` });
  console.log(`${OUT}/${view.file} (${view.alt})`);
  await context.close();
}

const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
// vite itself (not through npx), so killing it stops the server.
const server = spawn(
  'node_modules/.bin/vite',
  ['preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'],
  {
    stdio: 'ignore',
  },
);
try {
  await new Promise((r) => setTimeout(r, 2500));
  mkdirSync(OUT, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  for (const view of VIEWS) await shoot(browser, view);
  await browser.close();
} finally {
  server.kill();
}
