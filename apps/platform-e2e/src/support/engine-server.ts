import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { childGone, freePort, waitForHealth } from '@platform/infra';
import { writeTinyModel } from '@platform/engine/internals';
import { E2E_TINY_MODEL } from './tiny-model-size';

const ROOT = resolve(__dirname, '../../../..');

/** One more engine server process (a second replica), serving a tiny random model under `name`. */
export async function startEngineServer(name: string): Promise<{ url: string; kill(): void; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-engine-'));
  writeTinyModel(join(dir, 'tiny'), E2E_TINY_MODEL);
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'apps/engine-server/src/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
      PLATFORM_ENGINE_PORT: String(port),
      PLATFORM_ENGINE_MODELS: `${join(dir, 'tiny')}:${name}`,
      PLATFORM_ENGINE_THREADS: '1',
      PLATFORM_ENGINE_LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(`${url}/health`, { name: 'engine server', timeoutMs: 60_000, gone: () => childGone(child), everyMs: 100 });
  return {
    url,
    kill: () => child.kill('SIGKILL'),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
