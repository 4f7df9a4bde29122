import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { requireDebianPackage } from './debian-package';
import { mkdirSync } from 'node:fs';
import { waitForPort } from './ports';

export interface NatsServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export function findNatsServer(): string {
  return requireDebianPackage(
    'nats-server',
    () => spawnSync('bash', ['-c', 'command -v nats-server'], { encoding: 'utf8' }).stdout.trim() || undefined,
    'nats-server',
  );
}

/** Starts nats-server with JetStream, storing streams under `storeDir` so they survive a restart. */
export async function startNats(opts: { port: number; storeDir: string }): Promise<NatsServer> {
  const bin = findNatsServer();
  mkdirSync(opts.storeDir, { recursive: true });
  const child = spawn(bin, ['-js', '-a', '127.0.0.1', '-p', String(opts.port), '-sd', opts.storeDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`nats-server exited (${code}): ${stderr}`))),
  );
  await Promise.race([waitForPort(opts.port), exited]);
  return {
    url: `nats://127.0.0.1:${opts.port}`,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
