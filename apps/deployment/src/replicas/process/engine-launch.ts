import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { listenHost } from '@platform/common';
import { freePort } from '@platform/infra';
import { REPLICA_ID_VAR, type ProcessHandle } from './process-handle';

const ROOT = resolve(__dirname, '../../../../..');

export interface EngineLaunch {
  replicaId: string;
  modelDir: string;
  servedModelName: string;
  logFile: string;
  threads: number;
  logLevel: string;
  maxModelLen?: number;
}

/**
 * Starts the built-in engine server (apps/engine-server) on a free port, in a process group of its own with its
 * output in `logFile`: it outlives a crash of the deployment service, whose next keeper adopts it by pid and port.
 */
export async function launchEngine(o: EngineLaunch): Promise<{ child: ChildProcess; handle: ProcessHandle }> {
  const port = await freePort();
  const log = openSync(o.logFile, 'w');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'apps/engine-server/src/main.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
        PLATFORM_ENGINE_PORT: String(port),
        PLATFORM_ENGINE_HOST: listenHost() ?? '127.0.0.1',
        PLATFORM_ENGINE_MODELS: `${o.modelDir}:${o.servedModelName}`,
        PLATFORM_ENGINE_THREADS: String(o.threads),
        PLATFORM_ENGINE_LOG_LEVEL: o.logLevel,
        PLATFORM_ENGINE_MAX_MODEL_LEN: o.maxModelLen ? String(o.maxModelLen) : '',
        [REPLICA_ID_VAR]: o.replicaId,
      },
      detached: true,
      stdio: ['ignore', log, log],
    });
  } finally {
    closeSync(log);
  }
  // The service may exit before it: nothing here waits for the replica.
  child.unref();
  if (!child.pid) throw new Error('the engine server could not be spawned');
  return { child, handle: { pid: child.pid, port, logFile: o.logFile, modelDir: o.modelDir, replicaId: o.replicaId } };
}

/** The last `lines` lines of a replica's log (what a failed start reports). */
export async function logTail(logFile: string, lines = 15, maxBytes = 8192): Promise<string> {
  try {
    const f = await open(logFile, 'r');
    try {
      const { size } = await f.stat();
      const length = Math.min(size, maxBytes);
      const buf = Buffer.alloc(length);
      await f.read(buf, 0, length, size - length);
      return buf.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } finally {
      await f.close();
    }
  } catch {
    return '';
  }
}
