import { Client } from 'pg';
import type { DataSourceOptions } from 'typeorm';

/**
 * Each service owns one PostgreSQL schema. TypeORM keeps its migrations table inside that schema, so the
 * schema must exist before the first migration runs.
 */
export async function ensureSchema(url: string, schema: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } finally {
    await client.end();
  }
}

type PostgresDataSourceOptions = Extract<DataSourceOptions, { type: 'postgres' }>;

/** Creates the service's schema if needed and returns options that run its migrations on connect. */
export async function serviceDataSourceOptions(opts: {
  url: string;
  schema: string;
  entities: PostgresDataSourceOptions['entities'];
  migrations: PostgresDataSourceOptions['migrations'];
}): Promise<PostgresDataSourceOptions> {
  await ensureSchema(opts.url, opts.schema);
  return {
    type: 'postgres',
    url: opts.url,
    schema: opts.schema,
    entities: opts.entities,
    migrations: opts.migrations,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: { max: 10, application_name: opts.schema },
  };
}

/** PostgreSQL's unique_violation: the only error the services translate to 409. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === '23505';
}
