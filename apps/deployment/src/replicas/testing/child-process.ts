import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../../../..');

export interface ChildService {
  child: ChildProcess;
  /** stdout lines so far (JSON logs, or what the process prints). */
  lines: string[];
  /** SIGTERM, and waits for the exit. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash. */
  kill(): Promise<void>;
}

/**
 * A TypeScript entry point of this repository as its own process (the keeper's test main), its stdout kept as lines
 * the spec reads. A whole service is started with startServiceProcess (@platform/test-fixtures).
 */
export function startChild(entry: string, env: NodeJS.ProcessEnv): ChildService {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, entry)], {
    cwd: ROOT,
    env: { ...process.env, ...env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'), LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return { child, lines, stop: () => signal('SIGTERM'), kill: () => signal('SIGKILL') };
}
