import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIRST_LOAD_JS_GZIP_LIMIT, measureBuild } from '../scripts/bundleSize';
import { expect, test } from './fixtures/app';
import { BUILD_DIR, serveStatic, type StaticSite } from './fixtures/staticServer';

/**
 * `npm run build` must give a static site that works from any static server, at any path. This
 * serves dist/ with the plainest possible file server, under a sub-path, and loads the app from it.
 */
const DIST = BUILD_DIR;
const PREFIX = '/some/sub/path/';

let site: StaticSite;
let base: string;

test.beforeAll(async () => {
  expect(existsSync(join(DIST, 'index.html')), 'dist/index.html exists (vite build ran)').toBe(
    true,
  );
  site = await serveStatic(DIST, PREFIX);
  base = site.base;
});

test.afterAll(() => site.close());

test('the built site works from a plain static server under a sub-path', async ({ app }) => {
  await app.goto(base);
  await expect(app.calicoPanel).toBeVisible();
  await expect(app.ciliumPanel).toBeVisible();
  await expect(app.engineStatus).toHaveAttribute('data-engine-mode', 'worker');
});

// Issue 15: the first screen loads only what it needs. Counted as `npm run bench:bundle` counts it
// (scripts/bundleSize.ts): the entry script of index.html, every module it imports statically and
// its modulepreloads, gzipped at level 9.
test('what index.html loads first is at most 150 kB of JavaScript gzipped', async () => {
  const sizes = await measureBuild(DIST);
  const first = sizes.firstLoad.files.map((f) => `${f.file} ${f.gzip} B gz`).join(', ');
  expect(sizes.firstLoad.js.gzip, `first load: ${first}`).toBeLessThanOrEqual(
    FIRST_LOAD_JS_GZIP_LIMIT,
  );
  // The rest is really there, loaded on demand, and the policy worker is a file of its own.
  expect(sizes.lazy.filter((f) => f.file.endsWith('.js')).length).toBeGreaterThan(5);
  expect(sizes.worker).toHaveLength(1);
  // The entry chunk opens with V8's compile hint (vite.config.ts, entryCompileHints), so its
  // functions are compiled while it streams in, not one by one on the main thread.
  const entry = sizes.firstLoad.files.find((f) => /^assets\/index-.*\.js$/.test(f.file))!;
  expect(readFileSync(join(DIST, entry.file), 'utf8').split('\n', 1)[0]).toBe(
    '//# allFunctionsCalledOnLoad',
  );
});
