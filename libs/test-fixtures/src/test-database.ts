import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { inject } from 'vitest';

/**
 * A new, empty database (`<prefix>_<random>`) on the shared test PostgreSQL, so spec files never see each other's
 * rows; returns its URL.
 */
export async function createTestDatabase(prefix: string): Promise<string> {
  const base = inject('databaseUrl');
  const database = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }
  return base.replace(/\/[^/]+$/, `/${database}`);
}
