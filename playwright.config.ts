import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests run against the production build (vite build + vite preview), in Debian's
 * Chromium (never a downloaded browser): /usr/bin/chromium, or $CHROMIUM_PATH when set.
 * scripts/ensure-chromium.sh installs it first when it is missing.
 */
// PW_PORT / PW_OUTDIR let several checkouts or helpers run e2e at once without sharing a server or dist/.
const PORT = Number(process.env.PW_PORT || 4173);
const OUT_DIR = process.env.PW_OUTDIR || 'dist';
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: process.env.PW_PORT ? `test-results-${PORT}` : 'test-results',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  reporter: [['list']],
  timeout: 60_000,
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
  },
  webServer: {
    command: `vite build --logLevel warn --outDir ${OUT_DIR} && vite preview --outDir ${OUT_DIR} --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
