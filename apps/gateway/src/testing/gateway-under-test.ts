import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PLATFORM_SERVICES, serviceEnvPrefix, type PlatformServiceName } from '@platform/common';
import { Client } from 'pg';
import { inject } from 'vitest';
import { createGateway } from '../create-gateway';

export interface GatewayUnderTest {
  url: string;
  app: NestFastifyApplication;
  adminPassword: string;
  /** A bearer token of the `admin` user. */
  adminToken(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The real gateway (createGateway, as main.ts builds it) listening on a free port, on a database of its own on the
 * shared test PostgreSQL. No domain service runs: the routes served by the gateway alone (identity, projects, spaces)
 * and everything its HTTP layer does before a handler (parsers, limits, headers, framework errors) are real.
 */
export async function startGatewayUnderTest(env: Record<string, string> = {}): Promise<GatewayUnderTest> {
  const database = `gw_${randomBytes(6).toString('hex')}`;
  const base = inject('databaseUrl');
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();

  const adminPassword = 'admin-test-password';
  const settings: Record<string, string> = {
    DATABASE_URL: base.replace(/\/[^/]+$/, `/${database}`),
    PLATFORM_JWT_SECRET: randomBytes(32).toString('base64url'),
    PLATFORM_ADMIN_PASSWORD: adminPassword,
    PLATFORM_ADMIN_APIKEY: randomBytes(24).toString('base64url'),
    LOG_LEVEL: 'silent',
    // No service runs: point every client at a port nothing listens on rather than at the defaults.
    ...Object.fromEntries(
      (Object.keys(PLATFORM_SERVICES) as PlatformServiceName[]).map((name) => [`${serviceEnvPrefix(name)}_GRPC_URL`, '127.0.0.1:9']),
    ),
    ...env,
  };
  const saved = Object.fromEntries(Object.keys(settings).map((k) => [k, process.env[k]]));
  Object.assign(process.env, settings);
  const app = await createGateway();
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  let token: string | undefined;
  return {
    url,
    app,
    adminPassword,
    async adminToken() {
      if (token) return token;
      const res = await fetch(`${url}/icp4d-api/v1/authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: adminPassword }),
      });
      if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${await res.text()}`);
      token = ((await res.json()) as { token: string }).token;
      return token;
    },
    async stop() {
      await app.close();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      const cleanup = new Client({ connectionString: base });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}
