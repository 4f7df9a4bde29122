import type { MigrationInterface, QueryRunner } from 'typeorm';
import { OUTBOX_MIGRATION_TIMESTAMP, OUTBOX_TABLE, qualified, quoteSchema } from './sql';

export type MigrationClass = new () => MigrationInterface;

/** Used by the migration helpers: `<Prefix><schema>` + a 13-digit timestamp, as TypeORM requires. */
export function migrationName(prefix: string, schema: string, timestamp: number): string {
  if (!Number.isInteger(timestamp) || String(timestamp).length !== 13) throw new Error('migration timestamp must have 13 digits');
  return `${prefix}_${schema}_${timestamp}`;
}

/**
 * A TypeORM migration that creates `<schema>.outbox` (and the schema if missing), or brings an existing one up to
 * date. Put it in the service's `migrations` list. The default timestamp (2025-01-01) orders it before the service's
 * own migrations; pass `timestamp` to place it elsewhere.
 */
export function outboxMigration(schema: string, opts: { timestamp?: number } = {}): MigrationClass {
  const s = quoteSchema(schema);
  const table = qualified(schema, OUTBOX_TABLE);
  const name = migrationName('EventsOutbox', schema, opts.timestamp ?? OUTBOX_MIGRATION_TIMESTAMP);
  return class OutboxMigration implements MigrationInterface {
    readonly name = name;
    async up(q: QueryRunner): Promise<void> {
      await q.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      await q.query(`CREATE TABLE IF NOT EXISTS ${table} (
        seq bigint GENERATED ALWAYS AS IDENTITY,
        id uuid PRIMARY KEY,
        type text NOT NULL,
        subject text NOT NULL,
        payload jsonb NOT NULL,
        trace_id text,
        trace_parent text,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
      // Tables made before the trace_parent column (see OUTBOX_MIGRATION_TIMESTAMP).
      await q.query(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS trace_parent text`);
      await q.query(`CREATE INDEX IF NOT EXISTS outbox_unpublished_idx ON ${table} (seq) WHERE published_at IS NULL`);
      await q.query(`CREATE INDEX IF NOT EXISTS outbox_published_at_idx ON ${table} (published_at) WHERE published_at IS NOT NULL`);
    }
    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  };
}
