import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { childGone, freePort, waitForHealth } from '@platform/infra';

const ROOT = resolve(__dirname, '../../..');

export interface EngineServerOptions {
  /** What it serves: each model directory under the name it is served as. */
  models: readonly { dir: string; name: string }[];
  /** More PLATFORM_ENGINE_* settings, over the defaults (one thread, warn logs, 500 ms drain). */
  env?: NodeJS.ProcessEnv;
  /** Until /health answers. Default 120 s. */
  startTimeoutMs?: number;
  /** Where its stderr goes. Default: this process's. */
  stderr?: 'inherit' | 'ignore';
}

export interface EngineServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  child: ChildProcess;
  /** SIGKILL: it dies without draining, as a crash would. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after 10 s. */
  stop(): Promise<void>;
}

/**
 * The real engine server (apps/engine-server) as its own process on a free port, as the launcher runs it; resolves
 * once it answers /health. Killed when this process exits without stopping it, so a failed spec leaves none behind.
 */
export async function startEngineServer(o: EngineServerOptions): Promise<EngineServer> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'apps/engine-server/src/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
      PLATFORM_ENGINE_PORT: String(port),
      PLATFORM_ENGINE_MODELS: o.models.map((m) => `${m.dir}:${m.name}`).join(','),
      PLATFORM_ENGINE_THREADS: '1',
      PLATFORM_ENGINE_LOG_LEVEL: 'warn',
      PLATFORM_ENGINE_DRAIN_TIMEOUT_MS: '500',
      ...o.env,
    },
    stdio: ['ignore', 'ignore', o.stderr ?? 'inherit'],
  });
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  const exited = new Promise<void>((r) =>
    child.once('exit', () => {
      process.off('exit', orphanGuard);
      r();
    }),
  );
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(sig);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const server: EngineServer = {
    url: `http://127.0.0.1:${port}`,
    child,
    kill: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
  };
  await waitForHealth(`${server.url}/health`, {
    name: 'the engine server',
    timeoutMs: o.startTimeoutMs ?? 120_000,
    gone: () => childGone(child),
    everyMs: 100,
  }).catch(async (err: unknown) => {
    await server.stop();
    throw err;
  });
  return server;
}
