import { randomBytes } from 'node:crypto';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { context, SpanKind } from '@opentelemetry/api';
import {
  currentTraceId,
  endSpan,
  runWithTrace,
  spanLogFields,
  startSpan,
  startTracing,
  TRANSACTION_ID_ATTRIBUTE,
  type Tracing,
} from '@platform/telemetry';
import { startOtlpReceiver, waitFor, type OtlpReceiver } from '@platform/test-fixtures';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { defineEvents, enqueueEvent, ensureStream, outboxMigration, OutboxRelay, startConsumer } from './index';

const tag = randomBytes(4).toString('hex');
const schema = `evt_trace_${tag}`;
const stream = `EVT_TRACE_${tag.toUpperCase()}`;
const prefix = `t${tag}.events`;
const events = defineEvents<{ 'job.queued': { jobId: string } }>({ subjectPrefix: prefix });

let receiver: OtlpReceiver;
let tracing: Tracing;
let ds: DataSource;
let nc: NatsConnection;
let jsm: JetStreamManager;

const dataSource = () =>
  new DataSource({
    type: 'postgres',
    url: inject('databaseUrl'),
    migrations: [outboxMigration(schema)],
    migrationsTableName: `${schema}_migrations`,
    extra: { max: 2 },
  });

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  tracing = startTracing('events-test', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
  ds = await dataSource().initialize();
  nc = await connect({ servers: inject('natsUrl') });
  jsm = await jetstreamManager(nc);
  await ensureStream(jsm, { name: stream, subjects: [`${prefix}.>`] });
});

afterAll(async () => {
  await tracing?.shutdown();
  await receiver?.close();
  await ds?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await ds?.query(`DROP TABLE IF EXISTS "${schema}_migrations"`);
  await ds?.destroy();
  await jsm?.streams.delete(stream).catch(() => undefined);
  await nc?.close();
});

describe('trace context through the outbox and NATS', () => {
  it('brings an outbox table of the previous revision up to date (trace_parent added)', async () => {
    // What the first revision of the migration made, recorded under its name.
    await ds.query(`CREATE SCHEMA "${schema}"`);
    await ds.query(`CREATE TABLE "${schema}".outbox (
      seq bigint GENERATED ALWAYS AS IDENTITY, id uuid PRIMARY KEY, type text NOT NULL, subject text NOT NULL,
      payload jsonb NOT NULL, trace_id text, created_at timestamptz NOT NULL DEFAULT now(), published_at timestamptz)`);
    await ds.query(`CREATE TABLE "${schema}_migrations" (id SERIAL PRIMARY KEY, "timestamp" bigint NOT NULL, name varchar NOT NULL)`);
    await ds.query(`INSERT INTO "${schema}_migrations" ("timestamp", name) VALUES (1735689600000, $1)`, [
      `EventsOutbox_${schema}_1735689600000`,
    ]);
    expect((await ds.runMigrations()).map((m) => m.name)).toEqual([`EventsOutbox_${schema}_1735689600002`]);
    const cols: { column_name: string }[] = await ds.query(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'outbox'`,
      [schema],
    );
    expect(cols.map((c) => c.column_name)).toContain('trace_parent');
  });

  it("a queued message's handling continues the trace of the request that wrote it, with its transaction id", async () => {
    const relay = new OutboxRelay({ dataSource: ds, schema, nc, pollIntervalMs: 60_000 });
    const seen: { transactionId?: string; traceId?: string }[] = [];
    const consumer = await startConsumer({
      nc,
      stream,
      durable: `trace_${tag}`,
      handler: async () => {
        seen.push({ transactionId: currentTraceId(), traceId: spanLogFields().trace_id });
      },
    });
    try {
      // The request: a SERVER span, as the gRPC interceptor opens, writing the job's message in its transaction.
      const request = startSpan('POST /jobs', SpanKind.SERVER, {});
      const event = await runWithTrace('tx-42', () =>
        context.with(request.ctx, () => ds.transaction((m) => enqueueEvent(m, schema, events.create('job.queued', { jobId: 'j1' })))),
      );
      endSpan(request.span);
      expect(event.traceId).toBe('tx-42');
      expect(await relay.drain()).toBe(1);
      await waitFor(() => seen.length === 1, 10_000);
      const requestTrace = request.span.spanContext();
      expect(seen[0]).toEqual({ transactionId: 'tx-42', traceId: requestTrace.traceId });

      await tracing.forceFlush();
      const spans = await receiver.waitForSpans((all) => all.some((s) => s.name === 'process job.queued'));
      const root = spans.find((s) => s.spanId === requestTrace.spanId);
      const send = spans.find((s) => s.name === 'send job.queued');
      const processed = spans.find((s) => s.name === 'process job.queued');
      expect(root).toMatchObject({ service: 'events-test', traceId: requestTrace.traceId, parentSpanId: undefined });
      // OTLP SpanKind: 4 producer, 5 consumer.
      expect(send).toMatchObject({ traceId: requestTrace.traceId, parentSpanId: requestTrace.spanId, kind: 4 });
      expect(processed).toMatchObject({ traceId: requestTrace.traceId, parentSpanId: send?.spanId, kind: 5 });
      expect(processed?.attributes).toMatchObject({
        [TRANSACTION_ID_ATTRIBUTE]: 'tx-42',
        'messaging.system': 'nats',
        'messaging.message.id': event.id,
        'messaging.destination.name': `${prefix}.job.queued`,
      });
    } finally {
      await consumer.stop();
      await relay.stop();
    }
  });
});
