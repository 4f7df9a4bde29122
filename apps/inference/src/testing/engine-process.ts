import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { childGone, freePort, waitForHealth } from '@platform/infra';
import { writeTinyModel } from '@platform/engine/internals';

const ROOT = resolve(__dirname, '../../../..');

export interface EngineProcess {
  url: string;
  child: ChildProcess;
  /** SIGKILL: the replica dies without draining, as a crash would. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A tiny random model directory in a fresh temp folder (removed by the returned cleanup). Sized so that a long
 * generation takes about a second on one thread: the fault tests must be able to kill a replica mid-stream.
 */
export const TINY_HIDDEN = 128;

export function tinyModelDir(): { dir: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'inference-model-'));
  const dir = join(root, 'tiny');
  writeTinyModel(dir, { maxPositionEmbeddings: 1024, hiddenSize: TINY_HIDDEN, layers: 6 });
  return { dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** The real engine server (apps/engine-server) as its own process, serving `dir` as `name`. */
export async function startEngineProcess(dir: string, name: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<EngineProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'apps/engine-server/src/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
      PLATFORM_ENGINE_PORT: String(port),
      PLATFORM_ENGINE_MODELS: `${dir}:${name}`,
      PLATFORM_ENGINE_THREADS: '1',
      PLATFORM_ENGINE_LOG_LEVEL: 'warn',
      PLATFORM_ENGINE_DRAIN_TIMEOUT_MS: '500',
      ...extraEnv,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await waitForHealth(`${url}/health`, { name: 'engine server', timeoutMs: 60_000, gone: () => childGone(child), everyMs: 100 });
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return { url, child, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}
