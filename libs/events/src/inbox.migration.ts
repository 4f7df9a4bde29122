import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationName, type MigrationClass } from './outbox.migration';
import { INBOX_MIGRATION_TIMESTAMP, INBOX_TABLE, qualified, quoteSchema } from './sql';

/** A TypeORM migration that creates `<schema>.processed_events` (and the schema if missing), used by `handleOnce`. */
export function inboxMigration(schema: string, opts: { timestamp?: number } = {}): MigrationClass {
  const s = quoteSchema(schema);
  const table = qualified(schema, INBOX_TABLE);
  const name = migrationName('EventsInbox', schema, opts.timestamp ?? INBOX_MIGRATION_TIMESTAMP);
  return class InboxMigration implements MigrationInterface {
    readonly name = name;
    async up(q: QueryRunner): Promise<void> {
      await q.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      await q.query(`CREATE TABLE IF NOT EXISTS ${table} (
        event_id text PRIMARY KEY,
        processed_at timestamptz NOT NULL DEFAULT now()
      )`);
      await q.query(`CREATE INDEX IF NOT EXISTS processed_events_processed_at_idx ON ${table} (processed_at)`);
    }
    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  };
}
