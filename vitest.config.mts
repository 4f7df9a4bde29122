import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// One alias per tsconfig path, so tests resolve libraries exactly as the type-checker does.
const { compilerOptions } = JSON.parse(readFileSync(resolve(import.meta.dirname, 'tsconfig.base.json'), 'utf8'));
// Exact matches, so `@platform/engine` does not swallow `@platform/engine/internals` as a prefix.
const alias = Object.entries<string[]>(compilerOptions.paths).map(([name, [target]]) => ({
  find: new RegExp(`^${name.replace(/[/.]/g, '\\$&')}$`),
  replacement: resolve(import.meta.dirname, target),
}));

const SPECS = ['apps', 'libs', 'tools'].map((dir) => `${dir}/**/*.spec.ts`);
const INTEGRATION = ['apps', 'libs', 'tools'].map((dir) => `${dir}/**/*.int.spec.ts`);
const E2E = ['apps/platform-e2e/**/*.e2e.spec.ts'];
// Real PostgreSQL, NATS and S3; a tier that declares it starts them only when one of its files runs.
const SERVERS = ['tools/testing/global-setup.ts'];
// What a server or a browser page shows can take seconds on a loaded 2-core CI machine: expect.poll's 1 s default
// made the specs that poll a page or a server with it flaky there.
const SERVER_POLLS = { poll: { timeout: 15_000 } };

/**
 * Three tiers, all run by `npm test`: unit (no server, seconds: `npm run test:unit`), integration (`*.int.spec.ts`:
 * the shared servers, engine-server and trainer processes) and e2e (the launched platform, `apps/platform-e2e`).
 */
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  resolve: { alias },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The engine's and trainer's fused blocks, as the engine server and the training CLI run them (enableRelaxedSimd in
    // their entry points); the specs of the blocks run the unfused ones too, which a runtime without it falls back to.
    execArgv: ['--experimental-wasm-relaxed-simd'],
    fileParallelism: true,
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        // Unit specs leave no state behind (env and timers restored, no module mocks), so each worker reuses its
        // loaded modules across files instead of importing the tree again for every file: a third of the CPU time.
        test: { name: 'unit', include: SPECS, exclude: [...INTEGRATION, ...E2E, '**/node_modules/**'], isolate: false },
      },
      { extends: true, test: { name: 'integration', include: INTEGRATION, globalSetup: SERVERS, expect: SERVER_POLLS } },
      { extends: true, test: { name: 'e2e', include: E2E, globalSetup: SERVERS, expect: SERVER_POLLS } },
    ],
  },
});
