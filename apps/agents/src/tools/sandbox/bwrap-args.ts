import { lstatSync, readlinkSync } from 'node:fs';
import type { SandboxLimits, SandboxPrograms } from './sandbox-limits';

/** The sandbox's uid and gid, inside and (when the service runs as root) outside: Debian's `nobody`. */
export const SANDBOX_ID = 65534;

/** Scratch space: the only writable directory, and the working directory. */
export const SCRATCH = '/scratch';

/**
 * The top-level system directories as they are on this host: merged-/usr systems have /bin, /lib… as symlinks into
 * /usr (recreated as symlinks), others get read-only binds.
 */
function systemDirs(): string[] {
  const args: string[] = ['--ro-bind', '/usr', '/usr'];
  for (const dir of ['/bin', '/sbin', '/lib', '/lib64', '/lib32']) {
    let isLink: boolean;
    try {
      isLink = lstatSync(dir).isSymbolicLink();
    } catch {
      continue;
    }
    if (isLink) args.push('--symlink', readlinkSync(dir), dir);
    else args.push('--ro-bind', dir, dir);
  }
  // Debian's alternatives (python3 links through it on some installs) and the loader's cache; nothing else of /etc.
  args.push('--ro-bind-try', '/etc/alternatives', '/etc/alternatives', '--ro-bind-try', '/etc/ld.so.cache', '/etc/ld.so.cache');
  return args;
}

/**
 * The interpreter first lowers its own rlimits, then replaces itself by the program's interpreter reading the code
 * from stdin, so every process the code starts inherits them. Lowering needs no privilege; nothing can raise them.
 */
function limitsPreamble(python: string, l: SandboxLimits): string {
  const set = (name: string, v: number, hard = v) => `r.setrlimit(r.${name},(${v},${hard}))`;
  return [
    'import os,resource as r',
    // SIGXCPU at the soft limit says why; at an equal hard limit the kernel would send a bare SIGKILL instead.
    set('RLIMIT_CPU', l.cpuSeconds, l.cpuSeconds + 1),
    set('RLIMIT_AS', l.memoryBytes),
    set('RLIMIT_NPROC', l.processes),
    set('RLIMIT_FSIZE', l.fileBytes),
    set('RLIMIT_CORE', 0),
    `os.execv(${JSON.stringify(python)},["python3","-I","-"])`,
  ].join('\n');
}

/**
 * bubblewrap's command line: every namespace unshared (no network: only a loopback-less net namespace), a user
 * namespace as nobody with no capabilities, a new session (no terminal injection), killed with its parent, a
 * read-only root with only the system's /usr (no /home, no /etc beyond the above, no service files), a fresh /proc
 * and minimal /dev, and a size-bounded tmpfs as the working directory.
 */
export function bwrapArgs(p: SandboxPrograms, l: SandboxLimits): string[] {
  return [
    '--unshare-all',
    '--unshare-user',
    '--uid',
    String(SANDBOX_ID),
    '--gid',
    String(SANDBOX_ID),
    '--cap-drop',
    'ALL',
    '--die-with-parent',
    '--new-session',
    '--hostname',
    'sandbox',
    ...systemDirs(),
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--size',
    String(l.scratchBytes),
    '--tmpfs',
    SCRATCH,
    '--chdir',
    SCRATCH,
    '--clearenv',
    '--setenv',
    'PATH',
    '/usr/bin:/bin',
    '--setenv',
    'HOME',
    SCRATCH,
    '--setenv',
    'LANG',
    'C.UTF-8',
    '--remount-ro',
    '/',
    p.python,
    '-I',
    '-S',
    '-c',
    limitsPreamble(p.python, l),
  ];
}
