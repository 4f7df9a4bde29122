import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { requireDebianPackage } from './debian-package';
import { waitForPort } from './ports';

export interface NatsServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface NatsOptions {
  port: number;
  /** JetStream's store: streams and consumers survive a restart (and a crash) on the same folder. */
  storeDir: string;
  /** The server's output goes here (appended), so it keeps logging if this process dies first; default: kept in memory. */
  logFile?: string;
}

export function findNatsServer(): string {
  return requireDebianPackage(
    'nats-server',
    () => spawnSync('bash', ['-c', 'command -v nats-server'], { encoding: 'utf8' }).stdout.trim() || undefined,
    'nats-server',
  );
}

/** Starts nats-server with JetStream, storing streams under `storeDir` so they survive a restart. */
export async function startNats(opts: NatsOptions): Promise<NatsServer> {
  const bin = findNatsServer();
  mkdirSync(opts.storeDir, { recursive: true });
  const args = ['-js', '-a', '127.0.0.1', '-p', String(opts.port), '-sd', opts.storeDir];
  let output = () => '';
  let child: ChildProcess;
  if (opts.logFile) {
    mkdirSync(dirname(opts.logFile), { recursive: true });
    const log = openSync(opts.logFile, 'a');
    child = spawn(bin, args, { stdio: ['ignore', log, log] });
    closeSync(log);
    const file = opts.logFile;
    output = () => (existsSync(file) ? readFileSync(file, 'utf8').slice(-4000) : '');
  } else {
    child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    output = () => stderr;
  }
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`nats-server exited (${code}): ${output()}`))),
  );
  exited.catch(() => undefined);
  try {
    await Promise.race([waitForPort(opts.port), exited]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    url: `nats://127.0.0.1:${opts.port}`,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
