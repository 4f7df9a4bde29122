import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ProcessSpec, SupervisedProcess } from './supervisor';

export const WORKSPACE_ROOT = resolve(__dirname, '../..');

/** A platform process under supervision: `child` is the current one, replaced when it is restarted after a crash. */
export type ServiceProcess = SupervisedProcess;

/** Where `<name>` logs: `<logDir>/<name>.log`. */
export const serviceLogFile = (logDir: string, name: string) => join(logDir, `${name}.log`);

/**
 * One platform process from its TypeScript entry (compiled on load by @swc-node/register), with its JSON log lines
 * appended to `<logDir>/<name>.log`; each (re)start spawns it afresh.
 */
export function serviceSpec(name: string, entry: string, env: NodeJS.ProcessEnv, logDir: string, args: string[] = []): ProcessSpec {
  const logFile = serviceLogFile(logDir, name);
  return {
    name,
    logFile,
    start: async () => {
      mkdirSync(logDir, { recursive: true });
      const log = createWriteStream(logFile, { flags: 'a' });
      const child = spawn(process.execPath, ['-r', '@swc-node/register', join(WORKSPACE_ROOT, entry), ...args], {
        cwd: WORKSPACE_ROOT,
        env: { ...env, SWC_NODE_PROJECT: join(WORKSPACE_ROOT, 'tsconfig.json') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.pipe(log, { end: false });
      child.stderr?.pipe(log, { end: false });
      child.once('close', () => log.end());
      return child;
    },
  };
}

/** Polls an HTTP health URL until it answers 200, failing early if the process dies. */
export async function waitHealthy(url: string, proc: ServiceProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.crashes > 0) throw new Error(`${proc.name} exited while starting; see its log: ${proc.logFile}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${proc.name} was not healthy at ${url} within ${timeoutMs} ms; see its log: ${proc.logFile}`);
}
