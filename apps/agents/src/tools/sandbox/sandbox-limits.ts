/** Bounds of one sandboxed run (PLATFORM_AGENTS_SANDBOX_* in the service's config). */
export interface SandboxLimits {
  /** CPU seconds (RLIMIT_CPU): a busy loop is killed by the kernel. */
  cpuSeconds: number;
  /** Address space (RLIMIT_AS) of each process. */
  memoryBytes: number;
  /** Processes of the sandbox's user (RLIMIT_NPROC): a fork bomb stops here. */
  processes: number;
  /** Largest file a process may write (RLIMIT_FSIZE). */
  fileBytes: number;
  /** Size of the scratch tmpfs (its working directory), all files together. */
  scratchBytes: number;
  /** Wall-clock limit: the whole sandbox is killed (sleeping code uses no CPU). */
  wallMs: number;
  /** stdout and stderr are each cut here; output past it stops the run. */
  outputBytes: number;
  /** Longest program accepted. */
  codeBytes: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  cpuSeconds: 10,
  memoryBytes: 512 * 1024 * 1024,
  processes: 32,
  fileBytes: 16 * 1024 * 1024,
  scratchBytes: 64 * 1024 * 1024,
  wallMs: 15_000,
  outputBytes: 64 * 1024,
  codeBytes: 64 * 1024,
};

export interface SandboxPrograms {
  /** bubblewrap (Debian `bubblewrap`). */
  bwrap: string;
  /** The interpreter (Debian `python3`); it must live under /usr, which is what the sandbox sees of the system. */
  python: string;
}

export const DEFAULT_SANDBOX_PROGRAMS: SandboxPrograms = { bwrap: '/usr/bin/bwrap', python: '/usr/bin/python3' };
