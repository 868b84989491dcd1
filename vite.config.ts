import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

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

// One config for the app, the worker bundle and the unit tests.
export default defineConfig({
  plugins: [react(), contentSecurityPolicy()],
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
    // A guard against hangs, not a speed target: on a loaded 2-core machine (CI runs files in
    // parallel) tests that load hundreds of scenarios take several seconds; speed is measured by
    // the benchmark scripts, never by timeouts.
    testTimeout: 30_000,
  },
});
