import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { childGone, waitForHealth } from '@platform/infra';

const ROOT = resolve(__dirname, '../../..');

export interface ServiceProcess {
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Another platform service as its own process (`apps/<name>/src/main.ts`), as the launcher runs it: apps never
 * import each other, so the tests start them the way production does. Resolves once `/health` on `opsPort` answers.
 */
export async function startServiceProcess(
  name: string,
  env: NodeJS.ProcessEnv,
  opsPort: number,
  timeoutMs = 60_000,
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, `apps/${name}/src/main.ts`)], {
    cwd: ROOT,
    env: { ...process.env, ...env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'), LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // The JSON log's tail explains a failed start.
  let tail = '';
  child.stdout?.on('data', (d: Buffer) => (tail = (tail + d.toString()).slice(-4000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  await waitForHealth(`http://127.0.0.1:${opsPort}/health`, { name, timeoutMs, gone: () => childGone(child), detail: () => tail }).catch(
    async (err: unknown) => {
      await stop();
      throw err;
    },
  );
  return { child, stop };
}
