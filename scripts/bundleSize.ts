/**
 * What a built site makes the browser download before it can draw (issue 15, "Initial JS ≤ 150 KB
 * gzipped"): the entry `<script type="module">` of index.html (and its classic scripts), every module it imports statically
 * (followed through the chunks, plus any `<link rel="modulepreload">`) and the stylesheets
 * index.html links. Everything else in the build is loaded on demand (a lazy chunk) or is the
 * policy worker. Shared by `npm run bench:bundle` and the static-build e2e test, so both count the
 * same bytes the same way: raw, gzip level 9 (node:zlib) and, for the first load, brotli.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { ImportType, init, parse } from 'es-module-lexer';

export interface FileSize {
  /** The path inside the build folder, e.g. `assets/index-abc.js`. */
  file: string;
  raw: number;
  gzip: number;
}

export interface BundleSizes {
  firstLoad: {
    js: { raw: number; gzip: number; brotli: number };
    css: { raw: number; gzip: number; brotli: number };
    files: FileSize[];
  };
  /** Chunks loaded on demand (dynamic import()), largest first. */
  lazy: FileSize[];
  /** The policy worker's files: fetched when the worker starts, off the main thread. */
  worker: FileSize[];
}

const gzip = (b: Buffer) => gzipSync(b, { level: 9 }).length;
const brotli = (b: Buffer) =>
  brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

/** The value of `name="…"` in one tag's text, or undefined. */
function attr(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}\\s*=\\s*["']([^"']*)["']`, 'i').exec(tag)?.[1];
}

/** The JS and CSS files index.html asks for before the page can run, relative to the build folder. */
export function htmlFirstLoad(html: string): { scripts: string[]; styles: string[] } {
  const scripts: string[] = [];
  const styles: string[] = [];
  const clean = (src: string) => normalize(src.replace(/^\.?\//, ''));
  let modules = 0;
  for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) {
    const src = attr(tag, 'src');
    if (!src) continue;
    // A classic script too (public/theme-boot.js, run before the first paint): it is downloaded
    // first like the rest, and has no imports to follow.
    scripts.push(clean(src));
    if (attr(tag, 'type') === 'module') modules++;
  }
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
    const rel = attr(tag, 'rel');
    const href = attr(tag, 'href');
    if (!href) continue;
    if (rel === 'modulepreload') scripts.push(clean(href));
    if (rel === 'stylesheet') styles.push(clean(href));
  }
  if (modules === 0) throw new Error('index.html: no <script type="module" src="…"> found');
  return { scripts, styles };
}

/** Every file of the build folder, relative to it. */
function listFiles(dir: string, under = ''): string[] {
  return readdirSync(join(dir, under), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(dir, join(under, e.name)) : [join(under, e.name)],
  );
}

/** Measures a build folder (the output of `vite build`). */
export async function measureBuild(dist: string): Promise<BundleSizes> {
  await init;
  const read = (file: string) => readFileSync(join(dist, file));
  const { scripts, styles } = htmlFirstLoad(read('index.html').toString('utf8'));

  // The entry and its modulepreloads, then whatever they import statically, transitively.
  const jsFiles = new Set<string>();
  const queue = [...scripts];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (jsFiles.has(file)) continue;
    jsFiles.add(file);
    const [imports] = parse(read(file).toString('utf8'), file);
    for (const i of imports) {
      if (i.t !== ImportType.Static || !i.n || !i.n.startsWith('.')) continue;
      queue.push(normalize(join(dirname(file), i.n)));
    }
  }

  const sum = (files: string[]) => {
    const buffers = files.map(read);
    return {
      raw: buffers.reduce((n, b) => n + b.length, 0),
      gzip: buffers.reduce((n, b) => n + gzip(b), 0),
      brotli: buffers.reduce((n, b) => n + brotli(b), 0),
    };
  };
  const first = new Set([...jsFiles, ...styles]);
  const size = (file: string): FileSize => {
    const b = read(file);
    return { file, raw: b.length, gzip: gzip(b) };
  };
  const rest = listFiles(dist)
    .filter((f) => /\.(m?js|css)$/.test(f) && !first.has(f))
    .map(size)
    .sort((a, b) => b.raw - a.raw);
  const isWorker = (f: FileSize) => /\.worker[-.]/.test(f.file);
  return {
    firstLoad: {
      js: sum([...jsFiles]),
      css: sum(styles),
      files: [...first].map(size).sort((a, b) => b.raw - a.raw),
    },
    lazy: rest.filter((f) => !isWorker(f)),
    worker: rest.filter(isWorker),
  };
}

/** The target for the first load's JavaScript, gzipped: 150 kB (the kB Vite prints). */
export const FIRST_LOAD_JS_GZIP_LIMIT = 150_000;
