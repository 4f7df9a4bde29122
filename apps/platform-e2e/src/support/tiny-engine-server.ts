import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyModel } from '@platform/engine/internals';
import { startEngineServer } from '@platform/test-fixtures';
import { E2E_TINY_MODEL } from './tiny-model-size';

/** One more engine server process (a second replica), serving a tiny random model under `name`. */
export async function startTinyEngineServer(name: string): Promise<{ url: string; kill(): Promise<void>; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-engine-'));
  writeTinyModel(join(dir, 'tiny'), E2E_TINY_MODEL);
  const server = await startEngineServer({ models: [{ dir: join(dir, 'tiny'), name }], stderr: 'ignore' }).catch((err: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  return {
    url: server.url,
    kill: server.kill,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
