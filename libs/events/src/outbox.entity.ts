import { EntitySchema } from 'typeorm';
import { OUTBOX_TABLE, quoteSchema } from './sql';

/** One row of a service's `outbox` table. */
export interface OutboxRecord {
  /** Insertion order (bigint identity, as a string); the relay publishes in this order. */
  seq: string;
  id: string;
  type: string;
  subject: string;
  /** The event's `data`. */
  payload: unknown;
  traceId: string | null;
  /** W3C `traceparent` of the span that wrote the event; its publish and handling continue that trace. */
  traceParent: string | null;
  /** The event's `occurredAt`. */
  createdAt: Date;
  publishedAt: Date | null;
}

/**
 * A read-mostly TypeORM entity for the outbox table of `schema`, for services that want to inspect it through a
 * repository. Writing goes through `enqueueEvent`; the table itself is created by `outboxMigration(schema)`.
 */
export function outboxEntity(schema: string, name = 'EventsOutbox'): EntitySchema<OutboxRecord> {
  quoteSchema(schema);
  return new EntitySchema<OutboxRecord>({
    name,
    tableName: OUTBOX_TABLE,
    schema,
    columns: {
      seq: { type: 'bigint', insert: false, update: false },
      id: { type: 'uuid', primary: true },
      type: { type: 'text' },
      subject: { type: 'text' },
      payload: { type: 'jsonb' },
      traceId: { name: 'trace_id', type: 'text', nullable: true },
      traceParent: { name: 'trace_parent', type: 'text', nullable: true },
      createdAt: { name: 'created_at', type: 'timestamptz' },
      publishedAt: { name: 'published_at', type: 'timestamptz', nullable: true },
    },
  });
}
