const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Validates a schema name and returns it double-quoted for SQL; schema names are never taken from user input. */
export function quoteSchema(schema: string): string {
  if (!IDENT.test(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}: use letters, digits and _`);
  return `"${schema}"`;
}

/** `"schema"."table"` for a validated schema. */
export function qualified(schema: string, table: string): string {
  return `${quoteSchema(schema)}."${table}"`;
}

export const OUTBOX_TABLE = 'outbox';
export const INBOX_TABLE = 'processed_events';

/**
 * Migration timestamps are fixed so the class name (and TypeORM's migrations row) is stable across releases. The
 * outbox's is its revision: its migration is idempotent, and a new revision (…002: the trace_parent column) runs
 * once more on databases an earlier one made, bringing them up to the current table.
 */
export const OUTBOX_MIGRATION_TIMESTAMP = 1735689600002; // 2025-01-01T00:00:00.002Z
export const INBOX_MIGRATION_TIMESTAMP = 1735689600001;
