import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitForHealth } from '@platform/infra';
import type { ProcessSpec, SupervisedProcess } from './supervisor';

export const WORKSPACE_ROOT = resolve(__dirname, '../..');

/**
 * @swc-node/register's cache of compiled files, in the OS temp directory and shared by every process and run (its
 * own default): it stays there when a process gets a TMPDIR of its own, or each start would compile afresh.
 */
const SWC_NODE_CACHE_DIR = process.env.SWC_NODE_CACHE_DIR ?? join(tmpdir(), `swc-node-${process.getuid?.() ?? 'default'}`);

/** A platform process under supervision: `child` is the current one, replaced when it is restarted after a crash. */
export type ServiceProcess = SupervisedProcess;

/** Where `<name>` logs: `<logDir>/<name>.log`. */
export const serviceLogFile = (logDir: string, name: string) => join(logDir, `${name}.log`);

/** Where a platform's processes write: their logs, and the folder whose subfolders are their TMPDIRs. */
export interface ServiceDirs {
  logDir: string;
  tmpDir: string;
}

/**
 * One platform process from its TypeScript entry (compiled on load by @swc-node/register), with its JSON log lines
 * appended to `<logDir>/<name>.log`; each (re)start spawns it afresh. Its temporary files (an OCR's page images, a
 * documents checkout) go to `<tmpDir>/<name>`, emptied at each (re)start: what a killed process left behind is swept
 * by its next start instead of staying in the OS temp directory. `nodeFlags` go to node itself (V8's heap sizes, which
 * a running process cannot change).
 */
export function serviceSpec(
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  dirs: ServiceDirs,
  args: string[] = [],
  nodeFlags: string[] = [],
): ProcessSpec {
  const logFile = serviceLogFile(dirs.logDir, name);
  const tmp = join(dirs.tmpDir, name);
  return {
    name,
    logFile,
    start: async () => {
      mkdirSync(dirs.logDir, { recursive: true });
      rmSync(tmp, { recursive: true, force: true });
      mkdirSync(tmp, { recursive: true });
      const log = createWriteStream(logFile, { flags: 'a' });
      const child = spawn(process.execPath, [...nodeFlags, '-r', '@swc-node/register', join(WORKSPACE_ROOT, entry), ...args], {
        cwd: WORKSPACE_ROOT,
        env: { ...env, TMPDIR: tmp, SWC_NODE_CACHE_DIR, SWC_NODE_PROJECT: join(WORKSPACE_ROOT, 'tsconfig.json') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.pipe(log, { end: false });
      child.stderr?.pipe(log, { end: false });
      child.once('close', () => log.end());
      return child;
    },
  };
}

/** Waits for a supervised process's health URL to answer 200, failing early if the process dies. */
export function waitHealthy(url: string, proc: ServiceProcess, timeoutMs = 90_000): Promise<void> {
  return waitForHealth(url, {
    name: proc.name,
    timeoutMs,
    gone: () => (proc.crashes > 0 ? 'exited while starting' : undefined),
    detail: () => `see its log: ${proc.logFile}`,
  });
}
