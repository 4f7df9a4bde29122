import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from '@platform/launcher';

/** The `ilab` CLI as `npm install` links it (node_modules/.bin/ilab): the suites run it as users do. */
const ILAB = join(WORKSPACE_ROOT, 'node_modules', '.bin', 'ilab');

export interface IlabResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `ilab <args>` as a child process against the platform `env` names (`ILAB_URL`, `ILAB_TOKEN`, …) and collects
 * its exit code and output. The child inherits this process's environment except its `ILAB_*` variables, so a
 * developer's own CLI settings never reach the suite.
 */
export function runIlab(args: readonly string[], env: NodeJS.ProcessEnv): Promise<IlabResult> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ILAB_')));
  return new Promise((resolve, reject) => {
    const child = spawn(ILAB, args, { env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
