import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { VitePWA } from 'vite-plugin-pwa';
import { APPLE_TOUCH_ICON, PWA_ICONS, drawIcon, encodePng } from './src/app/pwaIcons.ts';

/**
 * The built app's Content-Security-Policy, as a <meta http-equiv> in dist/index.html (issue 13). Only
 * at build time: the dev server injects inline scripts for HMR and React refresh.
 * - script-src 'self': no inline script, no eval (the bundle needs neither).
 * - worker-src 'self': the policy worker is a file of the build.
 * - style-src 'self' 'unsafe-inline': CodeMirror (style-mod) adds its theme as <style> elements
 *   where constructable stylesheets are missing; a nonce would need a server to vary it per
 *   response, and a fixed nonce in a static file protects nothing. Inline styles cannot run code;
 *   the Markdown that could carry them is sanitised by DOMPurify.
 * - img-src also data: and blob: (inline SVG icons; exported files); object-src 'none';
 *   base-uri 'self'; form-action 'none'. (frame-ancestors is ignored in a meta tag; a server that
 *   hosts dist/ should send it as a header.)
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

/**
 * The page's entry chunk asks V8 to compile every function in it eagerly, while the file streams
 * in, off the main thread (V8's explicit compile hints: the magic comment
 * `//# allFunctionsCalledOnLoad` opening the file; Chrome 136+, v8.dev/blog/explicit-compile-hints).
 * Nearly all of that chunk (React DOM, the store, the first screen) runs on load, and compiling its
 * functions lazily, one by one as each was first called, fell on the main thread in the module's
 * first task: 55-65 ms in 4 of 7 `npm run bench:ui` runs without the comment, under 50 ms in all 7
 * with it (issue 15). Written into the file once the bundle is on disk, as its first line (Vite adds
 * its own first line to the chunk after the other plugins' bundle hooks); the source map moves one
 * line down with it. Other browsers read a comment.
 */
function entryCompileHints(): Plugin {
  const hint = '//# allFunctionsCalledOnLoad\n';
  return {
    name: 'packetwalk-entry-compile-hints',
    apply: 'build',
    enforce: 'post',
    writeBundle(options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk' || !chunk.isEntry || !chunk.fileName.startsWith('assets/index-'))
          continue;
        const file = path.join(options.dir!, chunk.fileName);
        writeFileSync(file, hint + readFileSync(file, 'utf8'));
        const mapFile = `${file}.map`;
        if (!existsSync(mapFile)) continue;
        const map = JSON.parse(readFileSync(mapFile, 'utf8')) as { mappings: string };
        map.mappings = `;${map.mappings}`;
        writeFileSync(mapFile, JSON.stringify(map));
      }
    },
  };
}

function contentSecurityPolicy(): Plugin {
  return {
    name: 'packetwalk-csp',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
  };
}

/** The manifest's PNG icons, drawn at build time (src/app/pwaIcons.ts), and the Apple touch icon link. */
function pwaIcons(): Plugin {
  return {
    name: 'packetwalk-pwa-icons',
    apply: 'build',
    generateBundle() {
      for (const icon of [...PWA_ICONS, APPLE_TOUCH_ICON]) {
        this.emitFile({
          type: 'asset',
          fileName: icon.file,
          source: encodePng(drawIcon(icon), icon.size),
        });
      }
    },
    transformIndexHtml: () => [
      {
        tag: 'link',
        attrs: { rel: 'apple-touch-icon', href: `./${APPLE_TOUCH_ICON.file}` },
        injectTo: 'head',
      },
    ],
  };
}

/**
 * Offline and installable (issue 18): the web app manifest and a Workbox service worker
 * (vite-plugin-pwa, generateSW) that precaches every file of the build the app can ask for: the
 * shell, every lazy JS/CSS chunk (lessons, CodeMirror, the panels), the policy worker, the icons.
 * Source maps are left out (only devtools read them). `registerType: 'prompt'`: a new version
 * waits until the user says Reload (src/app/pwa.ts, components/UpdateNotice.tsx), never mid-lesson;
 * `clientsClaim` only takes effect when a worker activates, which for an update is after that click
 * and on a first visit makes the page work offline without a reload. Registered only by the build
 * (src/app/main.tsx): no service worker in `npm start` or the unit tests. Relative start_url and
 * scope (resolved against the manifest's URL): the build works from any sub-path.
 */
const pwa = VitePWA({
  registerType: 'prompt',
  injectRegister: false,
  manifest: {
    id: './',
    name: 'PacketWalk',
    short_name: 'PacketWalk',
    description: 'See the same packet walk through Calico and Cilium, hook by hook.',
    start_url: './',
    scope: './',
    display: 'standalone',
    theme_color: '#1f6feb',
    background_color: '#f6f8fa',
    icons: PWA_ICONS.map((i) => ({
      src: i.file,
      sizes: `${i.size}x${i.size}`,
      type: 'image/png',
      purpose: i.maskable ? 'maskable' : 'any',
    })),
  },
  workbox: {
    globPatterns: ['**/*.{html,js,css,svg,png}'],
    clientsClaim: true,
    cleanupOutdatedCaches: true,
    navigateFallback: 'index.html',
    // The app is one document (its routes are in the #hash): only its own address falls back to
    // it, so other pages a host serves under the same path are left to the network.
    navigateFallbackAllowlist: [/\/(?:index\.html)?(?:\?.*)?$/],
  },
});

// One config for the app, the worker bundle and the unit tests.
export default defineConfig({
  plugins: [react(), contentSecurityPolicy(), entryCompileHints(), pwaIcons(), pwa],
  // Relative asset paths: dist/ works from any static server and any sub-path.
  base: './',
  worker: { format: 'es' },
  server: { port: 5173, strictPort: true },
  preview: { port: 4173, strictPort: true },
  build: { target: 'es2022', sourcemap: true },
  test: {
    include: ['src/**/*.test.{ts,tsx}'],
    exclude: ['e2e/**', 'node_modules/**', 'dist/**'],
    environment: 'node',
    setupFiles: ['src/test/setup.ts'],
    // A guard against hangs, not a speed target: on a loaded 2-core machine (CI runs files in
    // parallel) tests that load hundreds of scenarios take several seconds; speed is measured by
    // the benchmark scripts, never by timeouts.
    testTimeout: 30_000,
  },
});
