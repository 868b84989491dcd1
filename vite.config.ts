import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// One config for the app, the worker bundle and the unit tests.
export default defineConfig({
  plugins: [react()],
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
  },
});
