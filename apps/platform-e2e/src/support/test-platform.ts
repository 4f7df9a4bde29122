import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { inject } from 'vitest';
import { freePort } from '@platform/infra';
import { startPlatform, type PlatformOptions, type PlatformSecrets, type RunningPlatform } from '@platform/launcher';
import { Api } from './api';

export interface TestPlatform {
  url: string;
  secrets: PlatformSecrets;
  api: Api;
  options: PlatformOptions;
  /** Stops every process and starts them again on the same database, bucket and streams. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The real platform, started by the same launcher code as `npm start`, as separate processes, on the shared test
 * servers, with a database of its own so test files never see each other's rows.
 */
export async function startTestPlatform(): Promise<TestPlatform> {
  const baseUrl = inject('databaseUrl');
  const database = `e2e_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();

  const dataDir = mkdtempSync(join(tmpdir(), 'platform-e2e-'));
  chmodSync(dataDir, 0o755);
  const s3 = inject('s3');
  const options: PlatformOptions = {
    dataDir,
    ports: { gateway: await freePort(), taxonomyGrpc: await freePort(), taxonomyOps: await freePort() },
    databaseUrl: baseUrl.replace(/\/[^/]+$/, `/${database}`),
    natsUrl: inject('natsUrl'),
    s3: { endpoint: s3.endpoint, bucket: s3.bucket, accessKey: s3.accessKey, secretKey: s3.secretKey },
    secrets: { adminPassword: 'admin-e2e-password', adminApiKey: randomBytes(24).toString('base64url'), jwtSecret: randomBytes(32).toString('base64url') },
    env: { LOG_LEVEL: 'warn' },
  };
  let running: RunningPlatform = await startPlatform(options);
  const url = running.gatewayUrl;
  return {
    url,
    secrets: options.secrets,
    api: new Api(url, options.secrets),
    options,
    restart: async () => {
      await running.stop();
      running = await startPlatform(options);
    },
    stop: async () => {
      await running.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
