import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort, startNats, startPostgres, startS3 } from '@platform/infra';

interface TestServers {
  databaseUrl: string;
  natsUrl: string;
  s3: { endpoint: string; accessKey: string; secretKey: string; bucket: string };
  stop(): Promise<void>;
}

async function startTestServers(): Promise<TestServers> {
  const root = mkdtempSync(join(tmpdir(), 'platform-test-'));
  chmodSync(root, 0o755); // the postgres user must reach its data dir inside
  const [pgPort, natsPort, s3Port] = [await freePort(), await freePort(), await freePort()];
  const [pg, nats, s3] = await Promise.all([
    startPostgres({ dataDir: join(root, 'pg'), port: pgPort, database: 'platform_test' }),
    startNats({ port: natsPort, storeDir: join(root, 'nats') }),
    startS3({ port: s3Port, directory: join(root, 's3'), accessKey: 'test-key', secretKey: 'test-secret', buckets: ['test-bucket'] }),
  ]);
  return {
    databaseUrl: pg.url,
    natsUrl: nats.url,
    s3: { endpoint: s3.endpoint, accessKey: 'test-key', secretKey: 'test-secret', bucket: 'test-bucket' },
    async stop() {
      await Promise.allSettled([pg.stop(), nats.stop(), s3.stop()]);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

// Each tier that needs servers declares this setup, and vitest loads it once per tier, in this one process: the
// tiers of a run share one set of servers, kept on the process rather than the module, stopped after the last tier.
const SHARED = Symbol.for('platform.test-servers');
type Shared = { servers: Promise<TestServers>; users: number };
const holder = globalThis as typeof globalThis & { [SHARED]?: Shared };

/**
 * Starts one real PostgreSQL, NATS JetStream and S3-compatible server for the whole run. Tests get their
 * addresses through `inject()` and isolate themselves with their own database schema, stream names and keys.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const shared = (holder[SHARED] ??= { servers: startTestServers(), users: 0 });
  shared.users += 1;
  const servers = await shared.servers;
  project.provide('databaseUrl', servers.databaseUrl);
  project.provide('natsUrl', servers.natsUrl);
  project.provide('s3', servers.s3);
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    delete holder[SHARED];
    await servers.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    natsUrl: string;
    s3: { endpoint: string; accessKey: string; secretKey: string; bucket: string };
  }
}
