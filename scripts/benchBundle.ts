/**
 * `npm run bench:bundle [DIST]`: what index.html makes the browser download first (the entry script,
 * its static imports and stylesheets) raw, gzipped and brotli'd, beside every lazy chunk and the
 * policy worker (scripts/bundleSize.ts). Measures DIST when given (a `vite build` output folder);
 * otherwise builds the app into a temporary folder first. Prints JSON. `npm run bench` includes it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FIRST_LOAD_JS_GZIP_LIMIT, measureBuild } from './bundleSize';

/** Builds the app into a fresh temporary folder with the project's vite.config.ts. */
async function buildToTemp(): Promise<{ dist: string; buildMs: number }> {
  const { build } = await import('vite');
  const dist = mkdtempSync(join(tmpdir(), 'packetwalk-bundle-'));
  const t0 = performance.now();
  await build({ logLevel: 'silent', build: { outDir: dist, emptyOutDir: true } });
  return { dist, buildMs: Math.round(performance.now() - t0) };
}

export async function bundleFigures(dist?: string) {
  const built = dist ? undefined : await buildToTemp();
  const folder = dist ?? built!.dist;
  try {
    const sizes = await measureBuild(folder);
    const { js } = sizes.firstLoad;
    return {
      dist: dist ?? '(temporary build)',
      ...(built ? { buildMs: built.buildMs } : {}),
      firstLoadJsGzipLimit: FIRST_LOAD_JS_GZIP_LIMIT,
      firstLoadJsWithinLimit: js.gzip <= FIRST_LOAD_JS_GZIP_LIMIT,
      ...sizes,
      lazyTotal: {
        raw: sizes.lazy.reduce((n, f) => n + f.raw, 0),
        gzip: sizes.lazy.reduce((n, f) => n + f.gzip, 0),
      },
    };
  } finally {
    if (built) rmSync(built.dist, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await bundleFigures(process.argv[2]), null, 2));
}
