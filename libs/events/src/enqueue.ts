import { currentTraceparent } from '@platform/telemetry';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from './envelope';
import { EventTooLargeError } from './errors';
import { OUTBOX_TABLE, qualified } from './sql';

/**
 * The largest event, as the JSON the relay publishes, that can be enqueued. NATS refuses a message over its
 * `max_payload` (1 MiB by default, headers included), and an event that can never be published would hold every
 * later event of its outbox behind it: it is refused here instead, and its transaction rolls back.
 */
export const MAX_EVENT_BYTES = 512 * 1024;

/**
 * Writes `event` to `<schema>.outbox` through `manager`, which must be the transactional manager of the state change
 * (`dataSource.transaction(async (manager) => ...)`): the event exists exactly when the transaction commits. Call
 * `relay.nudge()` after the commit to publish without waiting for the next poll. When tracing, the active span's
 * `traceparent` is stored with it, so its publishing and handling (a queued job's run) continue this trace.
 */
export async function enqueueEvent<E extends EventEnvelope>(manager: EntityManager, schema: string, event: E): Promise<E> {
  await enqueueEvents(manager, schema, [event]);
  return event;
}

/** `enqueueEvent` for several events, in order, with one statement. */
export async function enqueueEvents(manager: EntityManager, schema: string, events: readonly EventEnvelope[]): Promise<void> {
  const table = qualified(schema, OUTBOX_TABLE);
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error('enqueueEvent needs the EntityManager of an open transaction (dataSource.transaction(manager => ...))');
  }
  if (events.length === 0) return;
  const traceParent = currentTraceparent() ?? null;
  const params: unknown[] = [];
  const rows = events.map((e) => {
    // The payload is the bulk of an event: serialized once, and the envelope around it measured with a 1-byte stand-in.
    const payload = JSON.stringify(e.data ?? null);
    const bytes = Buffer.byteLength(JSON.stringify({ ...e, data: 0 })) - 1 + Buffer.byteLength(payload);
    if (bytes > MAX_EVENT_BYTES) throw new EventTooLargeError(e.type, bytes, MAX_EVENT_BYTES);
    const b = params.length;
    params.push(e.id, e.type, e.subject, payload, e.traceId ?? null, traceParent, e.occurredAt);
    return `($${b + 1}::uuid, $${b + 2}, $${b + 3}, $${b + 4}::jsonb, $${b + 5}, $${b + 6}, $${b + 7}::timestamptz)`;
  });
  await manager.query(
    `INSERT INTO ${table} (id, type, subject, payload, trace_id, trace_parent, created_at) VALUES ${rows.join(', ')}`,
    params,
  );
}
