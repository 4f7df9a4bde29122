import { spawn } from 'node:child_process';
import { bwrapArgs, SANDBOX_ID } from './bwrap-args';
import { DEFAULT_SANDBOX_LIMITS, DEFAULT_SANDBOX_PROGRAMS, type SandboxLimits, type SandboxPrograms } from './sandbox-limits';

export interface SandboxRun {
  /** The program's exit code; null when it was killed by a signal. */
  exitCode: number | null;
  /** The signal that ended it (SIGXCPU/SIGKILL at the CPU limit, SIGKILL at the wall clock or output cap). */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Output went past the cap: the run was stopped there. */
  outputCapped: boolean;
}

/** Caps one stream's bytes; `full` turns true at the first byte past the cap. */
class CappedText {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  full = false;

  constructor(private readonly cap: number) {}

  add(chunk: Buffer): boolean {
    const room = this.cap - this.size;
    if (chunk.length > room) {
      this.chunks.push(chunk.subarray(0, Math.max(0, room)));
      this.size = this.cap;
      this.full = true;
      return false;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
    return true;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/**
 * Runs Python code under bubblewrap (see bwrap-args.ts) and the limits. When this service runs as root, bubblewrap
 * itself is started as nobody: the kernel exempts uid 0 from RLIMIT_NPROC, and a user namespace maps the sandbox
 * onto the uid that started it, so only an unprivileged starter makes the process limit hold. The run is its own
 * process group; the wall clock, the output cap and the caller's abort kill it with SIGKILL, and with it the
 * sandbox's pid namespace (--die-with-parent), so nothing it started outlives it.
 */
export function runSandboxedPython(
  code: string,
  signal: AbortSignal,
  limits: SandboxLimits = DEFAULT_SANDBOX_LIMITS,
  programs: SandboxPrograms = DEFAULT_SANDBOX_PROGRAMS,
): Promise<SandboxRun> {
  const asRoot = process.getuid?.() === 0;
  const child = spawn(programs.bwrap, bwrapArgs(programs, limits), {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
    env: {},
    ...(asRoot ? { uid: SANDBOX_ID, gid: SANDBOX_ID } : {}),
  });
  const stdout = new CappedText(limits.outputBytes);
  const stderr = new CappedText(limits.outputBytes);
  let timedOut = false;
  const kill = () => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, limits.wallMs);
  const onAbort = () => kill();
  signal.addEventListener('abort', onAbort, { once: true });
  child.stdout.on('data', (c: Buffer) => {
    if (!stdout.add(c)) kill();
  });
  child.stderr.on('data', (c: Buffer) => {
    if (!stderr.add(c)) kill();
  });
  // The sandbox may exit (or be killed) before it reads its stdin.
  child.stdin.on('error', () => undefined);
  child.stdin.end(code);
  return new Promise((resolve, reject) => {
    child.once('error', (err) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      reject(err);
    });
    child.once('close', (exitCode, sig) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve({
        exitCode,
        signal: sig,
        stdout: stdout.text(),
        stderr: stderr.text(),
        timedOut,
        outputCapped: stdout.full || stderr.full,
      });
    });
  });
}
