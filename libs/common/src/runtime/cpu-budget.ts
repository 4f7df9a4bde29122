import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

/**
 * How many threads this process can keep busy at once: the CPUs its affinity mask allows (`availableParallelism`)
 * capped by the tightest cgroup CPU quota over its cgroup and every ancestor (`docker run --cpus`, a Kubernetes CPU
 * limit). Node 20's libuv (1.46) does not read the quota, so in a container limited to 2 CPUs on a 32-core host
 * `availableParallelism()` says 32, and 32 matmul threads would spend the quota in the first few milliseconds of each
 * scheduling period and then stand throttled for the rest of it. A fractional quota rounds down, never below 1, as
 * libuv 1.49+ and Rust's `available_parallelism` round it.
 *
 * Reading the quota costs some 0.1 ms (a few /proc and cgroup files): a caller that asks often reads it once and
 * passes it in.
 *
 * Imported as `@platform/common/cpu-budget`, not through the package's index: the engine, its server and the
 * extraction workers size their threads with it and must not load the services' runtime (Nest, TypeORM) to do so.
 */
export function cpuBudget(quota = cgroupCpuQuota(), available = availableParallelism()): number {
  return Math.max(1, Math.min(available, Math.floor(quota)));
}

/**
 * CPUs the tightest quota allows (fractional: 1.5 for "150000 100000"), Infinity without one. `root` is for tests: a
 * directory holding `proc/self/{cgroup,mountinfo}` and the cgroup mounts' files.
 */
export function cgroupCpuQuota(root = '/'): number {
  const cgroups = read(join(root, 'proc/self/cgroup'));
  const mounts = read(join(root, 'proc/self/mountinfo'));
  let tightest = Infinity;
  if (cgroups === undefined || mounts === undefined) return tightest;
  for (const line of cgroups.split('\n')) {
    // hierarchy-id:controllers:path; cgroup v2's single hierarchy is "0::/path".
    const m = /^(\d+):([^:]*):(\/.*)$/.exec(line);
    if (!m) continue;
    const v2 = m[1] === '0' && m[2] === '';
    if (!v2 && !m[2].split(',').includes('cpu')) continue;
    const mount = mountOf(mounts, root, v2);
    if (!mount) continue;
    for (const dir of ancestors(mount, m[3])) tightest = Math.min(tightest, (v2 ? cpuMax(dir) : cfsQuota(dir)) ?? Infinity);
  }
  return tightest;
}

interface Mount {
  /** Where the hierarchy is mounted, under `root`. */
  dir: string;
  /** The cgroup this mount shows at `dir` (not "/" where the mount shows a sub-tree and no cgroup namespace hides it). */
  cgroup: string;
}

/** The cgroup2 mount, or the cgroup v1 mount that carries the cpu controller, from /proc/self/mountinfo. */
function mountOf(mountinfo: string, root: string, v2: boolean): Mount | undefined {
  for (const line of mountinfo.split('\n')) {
    // id parent major:minor root mount-point options [optional fields…] - fstype source super-options
    const [left, right] = line.split(' - ');
    if (right === undefined) continue;
    const fields = left.split(' ');
    const [fstype, , superOptions = ''] = right.split(' ');
    const match = v2 ? fstype === 'cgroup2' : fstype === 'cgroup' && superOptions.split(',').includes('cpu');
    if (match && fields.length >= 5) return { dir: join(root, unescape(fields[4])), cgroup: unescape(fields[3]) };
  }
  return undefined;
}

/** The process's cgroup directory under the mount, then each parent up to the mount itself. */
function ancestors(mount: Mount, cgroup: string): string[] {
  const base = mount.cgroup === '/' ? '' : mount.cgroup;
  // Outside the mount's sub-tree the files are not reachable from here.
  if (base !== '' && cgroup !== base && !cgroup.startsWith(`${base}/`)) return [];
  const parts = cgroup.slice(base.length).split('/').filter(Boolean);
  // A cgroup namespace shows a process outside its root as "/../…": nothing of it is mounted here.
  if (parts.includes('..')) return [];
  const dirs: string[] = [];
  for (let n = parts.length; n >= 0; n--) dirs.push(join(mount.dir, ...parts.slice(0, n)));
  return dirs;
}

/** cgroup v2: "max 100000" (no limit) or "<quota> <period>" in microseconds. */
function cpuMax(dir: string): number | undefined {
  const [quota, period] = (read(join(dir, 'cpu.max')) ?? '').trim().split(/\s+/);
  return ratio(quota, period);
}

/** cgroup v1: cpu.cfs_quota_us is -1 without a limit. */
function cfsQuota(dir: string): number | undefined {
  return ratio(read(join(dir, 'cpu.cfs_quota_us'))?.trim(), read(join(dir, 'cpu.cfs_period_us'))?.trim());
}

function ratio(quota: string | undefined, period: string | undefined): number | undefined {
  if (!quota || !period || !/^\d+$/.test(quota) || !/^\d+$/.test(period)) return undefined;
  const q = Number(quota);
  const p = Number(period);
  return q > 0 && p > 0 ? q / p : undefined;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** mountinfo writes space, tab, newline and backslash in paths as octal escapes. */
function unescape(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}
