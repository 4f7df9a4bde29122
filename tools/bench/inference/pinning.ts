/**
 * Core placement for the proxy-tier rows, as router benchmarks do it: the proxy processes on one core, the backend and
 * the load generator on another, so the proxy's cost is not hidden by (or blamed on) the backend's. Uses util-linux's
 * `taskset` (every thread of a process: `-a`; threads started later inherit the mask) and `prlimit` for file
 * descriptors. Without them the run goes on unpinned and says so.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

const which = (tool: string) => ['/usr/bin', '/bin', '/usr/sbin', '/sbin'].map((d) => `${d}/${tool}`).find((p) => existsSync(p));
const TASKSET = which('taskset');
const PRLIMIT = which('prlimit');

export interface Placement {
  /** The CPU list for gateway + inference service (and nginx, for its comparison row); undefined: unpinned. */
  proxy?: string;
  /** The CPU list for the fake backend, the engine server and this process (the load generator). */
  backend?: string;
  /** Every CPU: what this process spawns the platform with, since children inherit its mask. */
  all?: string;
  /** One line for the output and the README: where things run, or why they are not pinned. */
  describe: string;
}

export function placement(): Placement {
  const n = cpus().length;
  if (!TASKSET) return { describe: 'unpinned: taskset (util-linux) is not installed' };
  if (n < 2) return { describe: `unpinned: ${n} core` };
  // With more cores the proxy gets all but the last one, the way it would be deployed; on 2 cores one each.
  const proxy = n === 2 ? '0' : `0-${n - 2}`;
  const backend = String(n - 1);
  return {
    proxy,
    backend,
    all: `0-${n - 1}`,
    describe: `pinned with taskset: gateway + inference (and nginx) on core ${proxy}; fake backend, engine server and load generator on core ${backend}; PostgreSQL, NATS and the other services unpinned`,
  };
}

/** Pins every thread of `pid` to `cpuList`; no-op when unpinned. Throws when taskset refuses (so no row runs misplaced). */
export function pin(pid: number | undefined, cpuList: string | undefined): void {
  if (!TASKSET || cpuList === undefined || pid === undefined) return;
  const r = spawnSync(TASKSET, ['-a', '-cp', cpuList, String(pid)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`taskset -a -cp ${cpuList} ${pid}: ${r.stderr.trim()}`);
}

/** The command that starts `argv` on `cpuList` (children, like nginx's workers, inherit it). */
export function pinnedCommand(argv: string[], cpuList: string | undefined): string[] {
  return TASKSET && cpuList !== undefined ? [TASKSET, '-c', cpuList, ...argv] : argv;
}

/** The soft and hard open-files limits of `pid`. */
function fileLimits(pid: number): { soft: number; hard: number } {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const [soft, hard] = (line ?? '').replace('Max open files', '').trim().split(/\s+/);
  const num = (s: string | undefined) => (s === 'unlimited' ? Infinity : Number(s));
  return { soft: num(soft), hard: num(hard) };
}

/**
 * Raises `pid`'s soft open-files limit to at least `want` (up to its hard limit; raising the hard one needs root) and
 * returns the soft limit it ends with, so the caller can size its run to it.
 */
export function raiseFileLimit(pid: number, want: number): number {
  const { soft, hard } = fileLimits(pid);
  if (soft >= want || !PRLIMIT) return soft;
  const target = Math.min(want, hard);
  const r = spawnSync(PRLIMIT, ['--pid', String(pid), `--nofile=${target}:${hard === Infinity ? 'unlimited' : hard}`], {
    encoding: 'utf8',
  });
  return r.status === 0 ? fileLimits(pid).soft : soft;
}
