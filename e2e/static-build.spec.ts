import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { FIRST_LOAD_JS_GZIP_LIMIT, measureBuild } from '../scripts/bundleSize';
import { expect, test } from './fixtures/app';

/**
 * `npm run build` must give a static site that works from any static server, at any path. This
 * serves dist/ with the plainest possible file server, under a sub-path, and loads the app from it.
 */
const DIST = join(process.cwd(), process.env.PW_OUTDIR || 'dist');
const PREFIX = '/some/sub/path/';
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

let server: Server;
let base: string;

test.beforeAll(async () => {
  expect(existsSync(join(DIST, 'index.html')), 'dist/index.html exists (vite build ran)').toBe(
    true,
  );
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.startsWith(PREFIX)) return void res.writeHead(404).end();
    const rel = normalize(url.pathname.slice(PREFIX.length) || 'index.html');
    const file = join(DIST, rel);
    if (!file.startsWith(DIST) || !existsSync(file) || !statSync(file).isFile()) {
      return void res.writeHead(404).end();
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${PREFIX}`;
});

test.afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

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
});
