import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { childGone, waitForHealth } from '@platform/infra';

const ROOT = resolve(__dirname, '../../..');
const KEPT_OUTPUT = 200_000;

export interface ServiceProcessOptions {
  /** Until /health on its ops port answers. Default 60 s. */
  timeoutMs?: number;
  /**
   * In a process group of its own, its stderr kept with its stdout: `crash()` kills what it started too (a trainer, an
   * engine replica), as when a node dies. Otherwise its stderr goes to the spec's.
   */
  processGroup?: boolean;
}

export interface ServiceProcess {
  child: ChildProcess;
  /** The last 200,000 characters it wrote (stdout, and stderr in a process group). */
  output(): string;
  /** SIGKILL, to its whole process group when it has one. */
  crash(): void;
  /** SIGTERM; SIGKILL (its group too) after 15 s. */
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
  o: ServiceProcessOptions = {},
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, `apps/${name}/src/main.ts`)], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', ...env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
    stdio: ['ignore', 'pipe', o.processGroup ? 'pipe' : 'inherit'],
    detached: o.processGroup,
  });
  let out = '';
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-KEPT_OUTPUT));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const kill = () => {
    if (o.processGroup && child.pid) process.kill(-child.pid, 'SIGKILL');
    else child.kill('SIGKILL');
  };
  const service: ServiceProcess = {
    child,
    output: () => out,
    crash: kill,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(kill, 15_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
  await waitForHealth(`http://127.0.0.1:${opsPort}/health`, {
    name,
    timeoutMs: o.timeoutMs ?? 60_000,
    gone: () => childGone(child),
    detail: () => out.slice(-4000),
  }).catch(async (err: unknown) => {
    await service.stop();
    throw err;
  });
  return service;
}
