import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from '@platform/launcher';

/** Where a failed spec's platform logs are copied; `npm test` empties it when a run starts. */
export const KEPT_LOGS_DIR = join(WORKSPACE_ROOT, '.tmp', 'e2e-logs');
/** The error lines printed from each log: the cause of a 5xx is usually among the last few. */
const ERROR_LINES = 10;
const LINE_CHARS = 600;

/**
 * Copies a platform's logs (one file per process) to KEPT_LOGS_DIR/<name> and prints their error-level lines (pino's
 * level 50 and above), so the cause of a failure survives the platform's data dir, which its stop() removes. The lines
 * also go to <name>/errors.txt, which `npm test` prints again after the runner's report: a CI log cut to its last
 * lines loses what was printed mid-run.
 */
export function keepLogs(logsDir: string, name: string): void {
  if (!existsSync(logsDir)) return;
  const target = join(KEPT_LOGS_DIR, name);
  cpSync(logsDir, target, { recursive: true, force: true });
  const errors = readdirSync(logsDir).flatMap((file) => {
    const lines = readFileSync(join(logsDir, file), 'utf8')
      .split('\n')
      .filter((line) => /"level":(5\d|6\d)\b/.test(line));
    return lines.slice(-ERROR_LINES).map((line) => `  ${file}: ${line.slice(0, LINE_CHARS)}`);
  });
  writeFileSync(join(target, 'errors.txt'), errors.map((line) => `${name}/${line.trimStart()}\n`).join(''));
  console.error([`platform logs kept in ${target}`, ...errors].join('\n'));
}
