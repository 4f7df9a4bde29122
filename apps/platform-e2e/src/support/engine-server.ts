import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '@platform/infra';
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
  for (const deadline = Date.now() + 60_000; ;) {
    if (child.exitCode !== null) throw new Error(`engine server exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('engine server did not become healthy');
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 100));
  }
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
