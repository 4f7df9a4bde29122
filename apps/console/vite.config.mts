import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = resolve(import.meta.dirname, '../..');

/**
 * The console: built into dist/apps/console and served by the gateway under /ui/ (the API owns every other path).
 * `npm start` builds it when it is missing or older than its sources (tools/launcher/console-build.ts).
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/ui/',
  plugins: [react()],
  resolve: {
    alias: {
      '@platform/api-types': resolve(root, 'libs/api-types/src/index.ts'),
      '@platform/taxonomy-rules': resolve(root, 'libs/taxonomy-rules/src/index.ts'),
    },
  },
  css: { preprocessorOptions: { scss: { quietDeps: true } } },
  build: {
    outDir: resolve(root, 'dist/apps/console'),
    emptyOutDir: true,
    // Pages and charts are lazy chunks; the warning limit is the initial entry's budget.
    chunkSizeWarningLimit: 1500,
  },
  // `nx serve console`: the API on the launched platform's gateway.
  server: {
    proxy: Object.fromEntries(['/v1', '/v2', '/ml', '/icp4d-api', '/identity', '/openai'].map((p) => [p, 'http://127.0.0.1:8080'])),
  },
});
