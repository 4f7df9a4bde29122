import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort, startNats, startPostgres, startS3 } from '@platform/infra';

/**
 * Starts one real PostgreSQL, NATS JetStream and S3-compatible server for the whole run. Tests get their
 * addresses through `inject()` and isolate themselves with their own database schema, stream names and keys.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = mkdtempSync(join(tmpdir(), 'platform-test-'));
  chmodSync(root, 0o755); // the postgres user must reach its data dir inside
  const [pgPort, natsPort, s3Port] = [await freePort(), await freePort(), await freePort()];
  const [pg, nats, s3] = await Promise.all([
    startPostgres({ dataDir: join(root, 'pg'), port: pgPort, database: 'platform_test' }),
    startNats({ port: natsPort, storeDir: join(root, 'nats') }),
    startS3({ port: s3Port, directory: join(root, 's3'), accessKey: 'test-key', secretKey: 'test-secret', buckets: ['test-bucket'] }),
  ]);
  project.provide('databaseUrl', pg.url);
  project.provide('natsUrl', nats.url);
  project.provide('s3', { endpoint: s3.endpoint, accessKey: 'test-key', secretKey: 'test-secret', bucket: 'test-bucket' });
  return async () => {
    await Promise.allSettled([pg.stop(), nats.stop(), s3.stop()]);
    rmSync(root, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    natsUrl: string;
    s3: { endpoint: string; accessKey: string; secretKey: string; bucket: string };
  }
}
