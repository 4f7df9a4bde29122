import type { DataSource, EntityManager } from 'typeorm';
import type { ConsumerContext } from './consumer';
import type { EventEnvelope } from './envelope';
import { INBOX_TABLE, qualified } from './sql';

export type HandleOnceResult<R> = { processed: true; result: R } | { processed: false };

/**
 * Runs `fn` and records `eventId` in `<schema>.processed_events` in one transaction; if the id is already recorded
 * (a redelivery), `fn` is skipped. The id row is inserted first, so a concurrent duplicate waits for this transaction
 * and is then skipped (or runs, if this one rolled back). Anything `fn` throws rolls both back.
 */
export async function handleOnce<R>(
  dataSource: DataSource,
  schema: string,
  eventId: string,
  fn: (manager: EntityManager) => Promise<R>,
): Promise<HandleOnceResult<R>> {
  const table = qualified(schema, INBOX_TABLE);
  return dataSource.transaction(async (manager) => {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO ${table} (event_id) VALUES ($1) ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      [eventId],
    );
    if (inserted.length === 0) return { processed: false } as const;
    return { processed: true, result: await fn(manager) } as const;
  });
}

/**
 * Wraps a handler for `startConsumer` so that each event id is applied once: `fn` runs inside `handleOnce`'s
 * transaction (use `manager` for all writes) and redeliveries of an already applied event are acked without running it.
 */
export function idempotent<E extends EventEnvelope>(
  dataSource: DataSource,
  schema: string,
  fn: (event: E, manager: EntityManager, ctx: ConsumerContext) => Promise<void>,
): (event: E, ctx: ConsumerContext) => Promise<void> {
  return async (event, ctx) => {
    await handleOnce(dataSource, schema, event.id, (manager) => fn(event, manager, ctx));
  };
}

/** Whether `eventId` was already handled. */
export async function wasProcessed(dataSource: DataSource | EntityManager, schema: string, eventId: string): Promise<boolean> {
  const rows: unknown[] = await dataSource.query(`SELECT 1 FROM ${qualified(schema, INBOX_TABLE)} WHERE event_id = $1`, [eventId]);
  return rows.length > 0;
}

/**
 * Deletes inbox rows older than `olderThanMs` (keep them well beyond the stream's redelivery horizon); returns how many.
 */
export async function purgeProcessed(dataSource: DataSource, schema: string, olderThanMs: number): Promise<number> {
  const res: [unknown[], number] = await dataSource.query(`DELETE FROM ${qualified(schema, INBOX_TABLE)} WHERE processed_at < $1`, [
    new Date(Date.now() - olderThanMs),
  ]);
  return res[1];
}
