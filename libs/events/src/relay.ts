import { jetstream, type JetStreamClient, type JetStreamPublishOptions, type PubAck } from '@nats-io/jetstream';
import { headers, type MsgHdrs, type NatsConnection } from '@nats-io/nats-core';
import type { Span } from '@opentelemetry/api';
import { contextFromTraceparent, endSpan, startSendSpan, tracingEnabled, w3cHeaders } from '@platform/telemetry';
import type { DataSource } from 'typeorm';
import { encodeEvent } from './codec';
import type { EventEnvelope } from './envelope';
import { errorFields, silentLogger, type EventsLogger } from './logger';
import { OUTBOX_TABLE, qualified } from './sql';
import { Waker } from './wake';

/** Header names set on every published event, next to JetStream's `Nats-Msg-Id` (= event id). */
export const EVENT_TYPE_HEADER = 'Event-Type';
export const TRACE_ID_HEADER = 'Trace-Id';

export interface OutboxRelayHooks {
  /**
   * Crash points for tests. A throw from either hook aborts the whole batch the way a killed process would: the
   * transaction rolls back, nothing of the batch is marked, and the row locks are released.
   */
  beforePublish?(event: EventEnvelope): void | Promise<void>;
  afterPublish?(event: EventEnvelope, ack: PubAck): void | Promise<void>;
  /** Called after a batch is marked published (metrics). */
  onPublished?(events: EventEnvelope[]): void;
}

export interface OutboxRelayOptions {
  dataSource: DataSource;
  /** The service's schema holding the `outbox` table. */
  schema: string;
  nc: NatsConnection;
  logger?: EventsLogger;
  /** How often to look for unpublished rows when not nudged. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Rows locked and published per transaction. Default 100. */
  batchSize?: number;
  /** How long to wait for each PubAck. Default 5000 ms. */
  publishTimeoutMs?: number;
  /** Upper bound of the back-off after failures (doubling from pollIntervalMs). Default 30000 ms. */
  maxBackoffMs?: number;
  /** Only accept a PubAck from this stream (guards against a subject captured by the wrong stream). */
  expectStream?: string;
  /** Published rows older than this are deleted periodically. Default 24 h; 0 keeps them forever. */
  retainPublishedMs?: number;
  /** How often to purge published rows. Default 10 min. */
  purgeIntervalMs?: number;
  hooks?: OutboxRelayHooks;
}

interface OutboxRow {
  id: string;
  type: string;
  subject: string;
  payload: unknown;
  trace_id: string | null;
  trace_parent: string | null;
  created_at: Date;
}

/**
 * Publishes a service's outbox to JetStream: locks unpublished rows in `seq` order (`FOR UPDATE SKIP LOCKED`, so any
 * number of relay instances can run), publishes each with `msgID` = event id, waits for its PubAck, then marks the
 * rows published in the same transaction. If the process dies between publish and mark the rows are published again
 * by the next relay, and JetStream drops the copy (same `Nats-Msg-Id` within the stream's duplicate window).
 * Ordering is strict per relay instance; with several instances, batches may interleave.
 */
export class OutboxRelay {
  private readonly o: Required<Omit<OutboxRelayOptions, 'expectStream' | 'hooks' | 'logger'>> &
    Pick<OutboxRelayOptions, 'expectStream' | 'hooks'>;
  private readonly log: EventsLogger;
  private readonly table: string;
  private readonly waker = new Waker();
  private js: JetStreamClient | undefined;
  private loop: Promise<void> | undefined;
  private state: 'idle' | 'running' | 'stopping' = 'idle';
  private lastPurge = 0;

  constructor(opts: OutboxRelayOptions) {
    this.o = {
      pollIntervalMs: 1000,
      batchSize: 100,
      publishTimeoutMs: 5000,
      maxBackoffMs: 30_000,
      retainPublishedMs: 24 * 3600_000,
      purgeIntervalMs: 10 * 60_000,
      ...opts,
    };
    this.table = qualified(opts.schema, OUTBOX_TABLE);
    this.log = opts.logger ?? silentLogger;
  }

  get running(): boolean {
    return this.state === 'running';
  }

  /** Starts the background loop (idempotent). */
  start(): void {
    if (this.state !== 'idle') return;
    this.state = 'running';
    this.lastPurge = Date.now();
    this.loop = this.run();
  }

  /** Finishes the batch in flight, then stops. */
  async stop(): Promise<void> {
    if (this.state === 'idle') return;
    this.state = 'stopping';
    this.waker.wake();
    await this.loop;
    this.loop = undefined;
    this.state = 'idle';
  }

  /** NestJS lifecycle hook (when the relay is registered as a provider): starts the loop. */
  onApplicationBootstrap(): void {
    this.start();
  }

  /** NestJS lifecycle hook: stops the loop before the DataSource and the NATS connection go away. */
  onModuleDestroy(): Promise<void> {
    return this.stop();
  }

  /** Looks for new rows now instead of at the next poll; call it right after committing a transaction with events. */
  nudge(): void {
    this.waker.wake();
  }

  /**
   * Publishes one batch in one transaction and returns how many events it marked. If a publish fails, the events
   * before it are still marked and committed, then the error is thrown.
   */
  async relayOnce(): Promise<number> {
    const js = (this.js ??= jetstream(this.o.nc));
    const { hooks } = this.o;
    const { published, failure } = await this.o.dataSource.transaction(async (m) => {
      const rows: OutboxRow[] = await m.query(
        `SELECT id, type, subject, payload, trace_id, trace_parent, created_at FROM ${this.table}
          WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.o.batchSize],
      );
      const published: EventEnvelope[] = [];
      let failure: unknown;
      for (const row of rows) {
        const event = toEnvelope(row);
        await hooks?.beforePublish?.(event);
        const h = headers();
        const span = row.trace_parent && tracingEnabled() ? sendSpan(event, row.trace_parent, h) : undefined;
        let ack: PubAck;
        try {
          ack = await js.publish(event.subject, encodeEvent(event), this.publishOptions(event, h));
          if (span) endSpan(span);
        } catch (err) {
          if (span) endSpan(span, err);
          failure = err;
          break;
        }
        await hooks?.afterPublish?.(event, ack);
        this.log.debug(
          { eventId: event.id, type: event.type, seq: ack.seq, duplicate: ack.duplicate, traceId: event.traceId },
          'event published',
        );
        published.push(event);
      }
      if (published.length > 0) {
        await m.query(`UPDATE ${this.table} SET published_at = now() WHERE id = ANY($1::uuid[])`, [published.map((e) => e.id)]);
      }
      return { published, failure };
    });
    if (published.length > 0) hooks?.onPublished?.(published);
    if (failure !== undefined) throw failure;
    return published.length;
  }

  /** Runs `relayOnce` until the outbox has nothing left to publish; returns the total. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.relayOnce();
      total += n;
      if (n < this.o.batchSize) return total;
    }
  }

  /** Deletes rows published more than `olderThanMs` ago; returns how many. */
  async purgePublished(olderThanMs: number = this.o.retainPublishedMs): Promise<number> {
    const cutoff = new Date(Date.now() - olderThanMs);
    const res: [unknown[], number] = await this.o.dataSource.query(
      `DELETE FROM ${this.table} WHERE published_at IS NOT NULL AND published_at < $1`,
      [cutoff],
    );
    return res[1];
  }

  private publishOptions(event: EventEnvelope, h: MsgHdrs): Partial<JetStreamPublishOptions> {
    h.set(EVENT_TYPE_HEADER, event.type);
    if (event.traceId) h.set(TRACE_ID_HEADER, event.traceId);
    const opts: Partial<JetStreamPublishOptions> = { msgID: event.id, timeout: this.o.publishTimeoutMs, headers: h };
    if (this.o.expectStream) opts.expect = { streamName: this.o.expectStream };
    return opts;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.state === 'running') {
      let n = 0;
      try {
        n = await this.relayOnce();
        failures = 0;
      } catch (err) {
        failures++;
        this.log.warn({ ...errorFields(err), schema: this.o.schema, failures }, 'outbox relay batch failed; will retry');
      }
      await this.maybePurge();
      if (this.state !== 'running') break;
      if (failures > 0) {
        await this.waker.wait(Math.min(this.o.maxBackoffMs, this.o.pollIntervalMs * 2 ** Math.min(failures - 1, 16)));
      } else if (n < this.o.batchSize) {
        await this.waker.wait(this.o.pollIntervalMs);
      }
    }
  }

  private async maybePurge(): Promise<void> {
    if (this.o.retainPublishedMs <= 0 || Date.now() - this.lastPurge < this.o.purgeIntervalMs) return;
    this.lastPurge = Date.now();
    try {
      const n = await this.purgePublished();
      if (n > 0) this.log.debug({ schema: this.o.schema, deleted: n }, 'purged published outbox rows');
    } catch (err) {
      this.log.warn({ ...errorFields(err), schema: this.o.schema }, 'outbox purge failed');
    }
  }
}

/**
 * A PRODUCER span for one publish, under the span that wrote the event; its context goes out in the message's
 * `traceparent` header, so the consumer's span is its child.
 */
function sendSpan(event: EventEnvelope, traceParent: string, h: MsgHdrs): Span {
  const { span, ctx } = startSendSpan(
    { subject: event.subject, type: event.type, id: event.id, transactionId: event.traceId },
    contextFromTraceparent(traceParent),
  );
  for (const [key, value] of Object.entries(w3cHeaders(ctx))) h.set(key, value);
  return span;
}

function toEnvelope(row: OutboxRow): EventEnvelope {
  const event: EventEnvelope = {
    id: row.id,
    type: row.type,
    subject: row.subject,
    occurredAt: new Date(row.created_at).toISOString(),
    data: row.payload,
  };
  if (row.trace_id) event.traceId = row.trace_id;
  return event;
}
