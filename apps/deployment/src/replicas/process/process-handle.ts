import { readFileSync } from 'node:fs';

/** What the replica row keeps of an engine-server process: enough to find, probe and stop it after a restart. */
export interface ProcessHandle {
  pid: number;
  port: number;
  logFile: string;
  modelDir: string;
  replicaId: string;
}

/** The variable every replica process carries, so a recycled pid is never mistaken for ours. */
export const REPLICA_ID_VAR = 'PLATFORM_DEPLOYMENT_REPLICA_ID';

export function parseProcessHandle(raw: Record<string, unknown> | undefined): ProcessHandle | undefined {
  if (!raw) return undefined;
  const { pid, port, logFile, modelDir, replicaId } = raw;
  if (typeof pid !== 'number' || typeof port !== 'number' || typeof logFile !== 'string' || typeof modelDir !== 'string') return undefined;
  return { pid, port, logFile, modelDir, replicaId: typeof replicaId === 'string' ? replicaId : '' };
}

/** Whether the process exists and is not a zombie (an exited child nobody reaped still answers signal 0). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S …"; comm may hold spaces and parentheses, the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no procfs (macOS): signal 0 is all there is
  }
}

/**
 * Whether `pid` is the replica process of `replicaId`: its environment names it. Where procfs is missing (macOS) the
 * pid is trusted; where the environment cannot be read (another user), it is not ours.
 */
export function ownsProcess(pid: number, replicaId: string): boolean {
  if (!replicaId) return true;
  let environ: string;
  try {
    environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' && !procfsPresent();
  }
  return environ.split('\0').includes(`${REPLICA_ID_VAR}=${replicaId}`);
}

function procfsPresent(): boolean {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
}

/** Signals the replica's process group (the engine server was started as its leader); false when it is gone. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/** Polls until the process is gone; false when it still runs after `timeoutMs`. */
export async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (pidAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** SIGTERM to the group (the engine server drains), SIGKILL after `graceMs`, and waits until the process is gone. */
export async function terminate(pid: number, graceMs: number): Promise<void> {
  if (!pidAlive(pid)) return;
  signalGroup(pid, 'SIGTERM');
  if (await waitGone(pid, graceMs)) return;
  signalGroup(pid, 'SIGKILL');
  if (!(await waitGone(pid, 10_000))) throw new Error(`replica process ${pid} did not exit after SIGKILL`);
}
