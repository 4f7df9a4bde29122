import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const WORKSPACE_ROOT = resolve(__dirname, '../..');

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * Runs one platform process from its TypeScript entry (compiled on load by @swc-node/register), with its JSON log
 * lines appended to `<logDir>/<name>.log`.
 */
export function spawnService(name: string, entry: string, env: NodeJS.ProcessEnv, logDir: string, args: string[] = []): ServiceProcess {
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(WORKSPACE_ROOT, entry), ...args], {
    cwd: WORKSPACE_ROOT,
    env: { ...env, SWC_NODE_PROJECT: join(WORKSPACE_ROOT, 'tsconfig.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return {
    name,
    child,
    stop: (timeoutMs = 10_000) =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.once('exit', () => {
          clearTimeout(timer);
          done();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Polls an HTTP health URL until it answers 200, failing early if the process dies. */
export async function waitHealthy(url: string, proc: ServiceProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited with code ${proc.child.exitCode}; see its log`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${proc.name} was not healthy at ${url} within ${timeoutMs} ms`);
}
