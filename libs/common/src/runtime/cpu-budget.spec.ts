import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cgroupCpuQuota, cpuBudget } from './cpu-budget';

// Each case is a directory laid out like `/`: proc/self/{cgroup,mountinfo} and the cgroup files, as the kernel writes them.
const roots: string[] = [];

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'cpu-budget-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const V2_MOUNT = '25 30 0:22 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n';
// A hybrid host: v1 controllers (cpu and cpuacct co-mounted) beside an empty unified hierarchy.
const V1_MOUNTS = [
  '30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
  '31 30 0:28 /docker/abc /sys/fs/cgroup/cpu,cpuacct rw,relatime master:9 - cgroup cgroup rw,cpu,cpuacct',
  '33 30 0:30 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset',
  '40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
].join('\n');

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('cgroupCpuQuota', () => {
  it('is unlimited without cgroup files (not Linux, or /proc not mounted)', () => {
    expect(cgroupCpuQuota(tree({}))).toBe(Infinity);
  });

  it('reads cgroup v2 cpu.max inside a cgroup namespace', () => {
    const root = tree({
      'proc/self/cgroup': '0::/\n',
      'proc/self/mountinfo': V2_MOUNT,
      'sys/fs/cgroup/cpu.max': '150000 100000\n',
    });
    expect(cgroupCpuQuota(root)).toBe(1.5);
  });

  it('takes the tightest quota of the cgroup and its ancestors, "max" meaning none', () => {
    const root = tree({
      'proc/self/cgroup': '0::/kubepods/pod1/c1\n',
      'proc/self/mountinfo': V2_MOUNT,
      'sys/fs/cgroup/kubepods/pod1/c1/cpu.max': 'max 100000\n',
      'sys/fs/cgroup/kubepods/pod1/cpu.max': '200000 100000\n',
      'sys/fs/cgroup/kubepods/cpu.max': '400000 100000\n',
      'sys/fs/cgroup/cpu.max': 'max 100000\n',
    });
    expect(cgroupCpuQuota(root)).toBe(2);
  });

  it('is unlimited when every level says max', () => {
    const root = tree({
      'proc/self/cgroup': '0::/user.slice\n',
      'proc/self/mountinfo': V2_MOUNT,
      'sys/fs/cgroup/user.slice/cpu.max': 'max 100000\n',
    });
    expect(cgroupCpuQuota(root)).toBe(Infinity);
  });

  it('reads cgroup v1 cfs quota through the cpu mount, whose root is the container cgroup', () => {
    const root = tree({
      'proc/self/cgroup': '9:cpuset:/docker/abc\n4:cpu,cpuacct:/docker/abc\n0::/\n',
      'proc/self/mountinfo': V1_MOUNTS,
      'sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': '300000\n',
      'sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us': '100000\n',
    });
    expect(cgroupCpuQuota(root)).toBe(3);
  });

  it('treats a v1 quota of -1 as none', () => {
    const root = tree({
      'proc/self/cgroup': '4:cpu,cpuacct:/docker/abc\n',
      'proc/self/mountinfo': V1_MOUNTS,
      'sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': '-1\n',
      'sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us': '100000\n',
    });
    expect(cgroupCpuQuota(root)).toBe(Infinity);
  });

  it('ignores files it cannot read as a quota, and cgroups outside what the mount shows', () => {
    const garbled = tree({
      'proc/self/cgroup': '0::/a\n',
      'proc/self/mountinfo': V2_MOUNT,
      'sys/fs/cgroup/a/cpu.max': 'lots 0\n',
      'sys/fs/cgroup/cpu.max': '100000 0\n',
    });
    expect(cgroupCpuQuota(garbled)).toBe(Infinity);
    const outside = tree({
      'proc/self/cgroup': '0::/../../elsewhere\n',
      'proc/self/mountinfo': V2_MOUNT,
      'sys/fs/cgroup/cpu.max': '100000 100000\n',
    });
    expect(cgroupCpuQuota(outside)).toBe(Infinity);
  });

  it('unescapes mount points written with octal escapes', () => {
    const root = tree({
      'proc/self/cgroup': '0::/\n',
      'proc/self/mountinfo': '25 30 0:22 / /cgroup\\040v2 rw - cgroup2 cgroup2 rw\n',
      'cgroup v2/cpu.max': '200000 100000\n',
    });
    expect(cgroupCpuQuota(root)).toBe(2);
  });
});

describe('cpuBudget', () => {
  it('is the available CPUs without a quota, and the quota rounded down (at least 1) below them', () => {
    expect(cpuBudget(Infinity, 16)).toBe(16);
    expect(cpuBudget(2.5, 16)).toBe(2);
    expect(cpuBudget(0.5, 16)).toBe(1);
    expect(cpuBudget(8, 4)).toBe(4);
  });
});
