import { execFile } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { WORKSPACE_ROOT } from './service-process';

/** What `nx build console` writes and the gateway serves by default (apps/gateway/src/console/console-dir.ts). */
export const CONSOLE_DIST = join(WORKSPACE_ROOT, 'dist/apps/console');

/** The console's sources: a change to any of them makes the build stale. */
const SOURCES = ['apps/console', 'libs/api-types/src', 'libs/taxonomy-rules/src', 'package-lock.json'].map((p) => join(WORKSPACE_ROOT, p));

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Why the console must be (re)built, or null when dist/apps/console is newer than every source. */
export function consoleBuildReason(): string | null {
  const index = join(CONSOLE_DIST, 'index.html');
  if (!existsSync(index)) return 'not built yet';
  const built = statSync(index).mtimeMs;
  return SOURCES.some((source) => newestMtime(source) > built) ? 'its sources changed' : null;
}

/**
 * Builds the web console (Vite) when it is missing or older than its sources, before the gateway serves it; returns
 * how long the build took (0 when it was current). The build goes to a folder of its own and replaces the served one
 * by renaming, so a gateway already serving it, or a second build running beside (two test files), never sees half.
 */
export async function ensureConsoleBuilt(log: (msg: string) => void = () => undefined): Promise<number> {
  const reason = consoleBuildReason();
  if (!reason) return 0;
  log(`building the web console (${reason})…`);
  const started = Date.now();
  const out = `${CONSOLE_DIST}.build-${process.pid}-${started}`;
  try {
    await promisify(execFile)(
      process.execPath,
      [
        join(WORKSPACE_ROOT, 'node_modules/vite/bin/vite.js'),
        'build',
        '--config',
        'apps/console/vite.config.mts',
        '--outDir',
        out,
        '--logLevel',
        'warn',
      ],
      // NODE_ENV as the caller has it would choose React's development build (vitest sets it to `test`).
      { cwd: WORKSPACE_ROOT, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NODE_ENV: 'production' } },
    );
  } catch (err) {
    rmSync(out, { recursive: true, force: true });
    const detail = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`The web console did not build: ${detail || (err as Error).message}`);
  }
  const old = `${CONSOLE_DIST}.old-${process.pid}-${started}`;
  try {
    if (existsSync(CONSOLE_DIST)) renameSync(CONSOLE_DIST, old);
    renameSync(out, CONSOLE_DIST);
  } catch (err) {
    // A build beside this one put its (identical) result in place first.
    if (!existsSync(join(CONSOLE_DIST, 'index.html'))) throw err;
  } finally {
    rmSync(old, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
  const ms = Date.now() - started;
  log(`web console built in ${(ms / 1000).toFixed(1)} s`);
  return ms;
}
