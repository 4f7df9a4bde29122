import { join } from 'node:path';
import { postgresUrl, startNats, startPostgres, type PostgresOptions } from '@platform/infra';
import type { ProcessSpec } from './supervisor';

/** PostgreSQL as a supervised process: restarted on the same data directory and port, so its URL never changes. */
export function postgresProcess(o: PostgresOptions): ProcessSpec & { url: string } {
  return {
    name: 'postgres',
    logFile: join(o.dataDir, 'postgres.log'),
    url: postgresUrl(o.port, o.database),
    start: async () => (await startPostgres(o)).process,
    // Fast shutdown: open transactions roll back, sessions end, the data is flushed.
    stop: (child) =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      }),
  };
}

/** NATS JetStream as a supervised process: restarted on the same port and store, so streams and consumers survive. */
export function natsProcess(o: { port: number; storeDir: string; logFile: string }): ProcessSpec & { url: string } {
  return {
    name: 'nats',
    logFile: o.logFile,
    url: `nats://127.0.0.1:${o.port}`,
    start: async () => (await startNats(o)).process,
  };
}
