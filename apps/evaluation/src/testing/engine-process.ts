import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { listenHost } from '@platform/common';
import { childGone, freePort, waitForHealth } from '@platform/infra';

const ROOT = resolve(__dirname, '../../../..');

export interface EngineProcess {
  url: string;
  stop(): Promise<void>;
}

/**
 * Runs the built-in engine server (apps/engine-server) as a child process serving `dir` as `name` on a free port,
 * and resolves once it answers /health. Its stderr goes to this service's log.
 */
export interface EngineProcessOptions {
  threads: number;
  startTimeoutMs: number;
  /** The host the inference service dials: this host in the embedded default, the pod's IP in a cluster. */
  advertiseHost?: string;
  logLevel?: string;
}

export async function startEngineProcess(dir: string, name: string, o: EngineProcessOptions): Promise<EngineProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'apps/engine-server/src/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
      PLATFORM_ENGINE_PORT: String(port),
      PLATFORM_ENGINE_HOST: listenHost() ?? '127.0.0.1',
      PLATFORM_ENGINE_MODELS: `${dir}:${name}`,
      PLATFORM_ENGINE_THREADS: String(o.threads),
      PLATFORM_ENGINE_LOG_LEVEL: o.logLevel ?? 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // A service that exits without stopping it (a crash, a failed start) must not leave the server behind.
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  const exited = new Promise<void>((r) =>
    child.once('exit', () => {
      process.off('exit', orphanGuard);
      r();
    }),
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  const local = `http://127.0.0.1:${port}`;
  const url = `http://${o.advertiseHost ?? '127.0.0.1'}:${port}`;
  await waitForHealth(`${local}/health`, {
    name: `the engine server for ${name}`,
    timeoutMs: o.startTimeoutMs,
    gone: () => childGone(child),
  }).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  return { url, stop };
}
