import { randomBytes, randomUUID } from 'node:crypto';
import { jetstreamManager, type JetStreamManager, type PubAck } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import pino from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, inject, it } from 'vitest';
import {
  createEvent,
  defineEvents,
  enqueueEvent,
  enqueueEvents,
  ensureStream,
  EventTooLargeError,
  MAX_EVENT_BYTES,
  outboxEntity,
  outboxMigration,
  OutboxRelay,
  startConsumer,
  type AnyEventOf,
  type EventEnvelope,
  type EventsLogger,
  type OutboxRecord,
  type OutboxRelayOptions,
  type StartConsumerOptions,
} from './index';
import { waitFor } from '@platform/test-fixtures';

const tag = randomBytes(4).toString('hex');
const schema = `evt_outbox_${tag}`;
const stream = `EVT_OUTBOX_${tag.toUpperCase()}`;
const prefix = `t${tag}.events`;

type TestEvents = {
  'thing.created': { thingId: string; n: number };
  'thing.deleted': { thingId: string };
};
const events = defineEvents<TestEvents>({ subjectPrefix: prefix });

const dataSources: DataSource[] = [];
async function newDataSource(applicationName = `events-test-${tag}`): Promise<DataSource> {
  const ds = new DataSource({
    type: 'postgres',
    url: inject('databaseUrl'),
    applicationName,
    entities: [outboxEntity(schema)],
    migrations: [outboxMigration(schema)],
    migrationsTableName: `${schema}_migrations`,
    extra: { max: 4 },
  });
  await ds.initialize();
  dataSources.push(ds);
  return ds;
}

let ds: DataSource;
let nc: NatsConnection;
let jsm: JetStreamManager;

const relayOpts = (over: Partial<OutboxRelayOptions> = {}): OutboxRelayOptions => ({
  dataSource: ds,
  schema,
  nc,
  pollIntervalMs: 60_000,
  ...over,
});

async function enqueue(...evs: EventEnvelope[]): Promise<void> {
  await ds.transaction((m) => enqueueEvents(m, schema, evs));
}
async function streamCount(): Promise<number> {
  return (await jsm.streams.info(stream)).state.messages;
}
async function rows(): Promise<OutboxRecord[]> {
  return ds.getRepository<OutboxRecord>('EventsOutbox').find({ order: { seq: 'ASC' } });
}
async function readStream(): Promise<{ body: EventEnvelope; msgId: string | undefined; type: string | undefined }[]> {
  const out = [];
  const { state } = await jsm.streams.info(stream);
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq });
    if (!m) continue;
    out.push({ body: m.json<EventEnvelope>(), msgId: m.header.get('Nats-Msg-Id'), type: m.header.get('Event-Type') });
  }
  return out;
}

beforeAll(async () => {
  ds = await newDataSource();
  await ds.runMigrations();
  nc = await connect({ servers: inject('natsUrl') });
  jsm = await jetstreamManager(nc);
  await ensureStream(jsm, { name: stream, subjects: [`${prefix}.>`], duplicateWindow: 60_000 });
});

afterAll(async () => {
  await ds?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await ds?.query(`DROP TABLE IF EXISTS "${schema}_migrations"`);
  await jsm?.streams.delete(stream).catch(() => undefined);
  await nc?.close();
  await Promise.all(dataSources.filter((d) => d.isInitialized).map((d) => d.destroy()));
});

beforeEach(async () => {
  await ds.query(`TRUNCATE "${schema}".outbox`);
  await jsm.streams.purge(stream);
});

describe('outbox', () => {
  it('migration creates the table once and is recorded', async () => {
    expect(await ds.showMigrations()).toBe(false);
    expect(await ds.runMigrations()).toEqual([]);
    const cols: { column_name: string }[] = await ds.query(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'outbox' ORDER BY ordinal_position`,
      [schema],
    );
    expect(cols.map((c) => c.column_name)).toEqual([
      'seq',
      'id',
      'type',
      'subject',
      'payload',
      'trace_id',
      'trace_parent',
      'created_at',
      'published_at',
    ]);
  });

  it('writes the row only when the transaction commits', async () => {
    const committed = events.create('thing.created', { thingId: 'a', n: 1 }, { traceId: 'trace-1' });
    await ds.transaction(async (m) => {
      await m.query('SELECT 1');
      await enqueueEvent(m, schema, committed);
    });
    const rolledBack = events.create('thing.created', { thingId: 'b', n: 2 });
    await expect(
      ds.transaction(async (m) => {
        await enqueueEvent(m, schema, rolledBack);
        throw new Error('state change failed');
      }),
    ).rejects.toThrow('state change failed');

    const all = await rows();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      id: committed.id,
      type: 'thing.created',
      subject: `${prefix}.thing.created`,
      payload: { thingId: 'a', n: 1 },
      traceId: 'trace-1',
      publishedAt: null,
    });
    expect(all[0]!.createdAt.toISOString()).toBe(committed.occurredAt);
  });

  it('refuses an event too large to publish, so its state change rolls back and the events after it still flow', async () => {
    const tooLarge = events.create('thing.created', { thingId: 'x'.repeat(MAX_EVENT_BYTES), n: 1 });
    await expect(
      ds.transaction(async (m) => {
        await m.query(`INSERT INTO "${schema}".outbox (id, type, subject, payload, created_at) VALUES ($1, 't', 's', '{}', now())`, [
          randomUUID(),
        ]);
        await enqueueEvent(m, schema, tooLarge);
      }),
    ).rejects.toThrow(EventTooLargeError);
    expect(await rows()).toHaveLength(0);

    // The largest event that is accepted reaches the stream (NATS's default max_payload is 1 MiB, headers included).
    const overhead = Buffer.byteLength(JSON.stringify(events.create('thing.created', { thingId: '', n: 2 })));
    const largest = events.create('thing.created', { thingId: 'y'.repeat(MAX_EVENT_BYTES - overhead), n: 2 });
    const after = events.create('thing.deleted', { thingId: 'z' });
    await enqueue(largest, after);
    expect(await new OutboxRelay(relayOpts()).drain()).toBe(2);
    expect((await readStream()).map((g) => g.body.id)).toEqual([largest.id, after.id]);
  });

  it('refuses to enqueue outside a transaction', async () => {
    await expect(enqueueEvent(ds.manager, schema, events.create('thing.deleted', { thingId: 'x' }))).rejects.toThrow(/transaction/);
    expect(await rows()).toHaveLength(0);
  });
});

describe('OutboxRelay', () => {
  it('publishes each event exactly once, in order, and marks it', async () => {
    const evs = [1, 2, 3, 4, 5].map((n) => events.create('thing.created', { thingId: `t${n}`, n }, { traceId: `tr${n}` }));
    await enqueue(...evs.slice(0, 3));
    await enqueue(...evs.slice(3));
    const relay = new OutboxRelay(relayOpts({ batchSize: 2 }));
    expect(await relay.drain()).toBe(5);
    expect(await relay.drain()).toBe(0);

    expect(await streamCount()).toBe(5);
    const got = await readStream();
    expect(got.map((g) => g.body)).toEqual(evs);
    expect(got.map((g) => g.msgId)).toEqual(evs.map((e) => e.id));
    expect(got.every((g) => g.type === 'thing.created')).toBe(true);
    expect((await rows()).every((r) => r.publishedAt instanceof Date)).toBe(true);
  });

  it('publishes exactly once when killed between commit and publish', async () => {
    const ev = events.create('thing.created', { thingId: 'k1', n: 1 });
    await enqueue(ev);
    const crashedDs = await newDataSource();
    const crashed = new OutboxRelay(
      relayOpts({
        dataSource: crashedDs,
        hooks: {
          beforePublish: () => {
            throw new Error('killed before publish');
          },
        },
      }),
    );
    await expect(crashed.relayOnce()).rejects.toThrow('killed before publish');
    await crashedDs.destroy();
    expect(await streamCount()).toBe(0);
    expect((await rows())[0]!.publishedAt).toBeNull();

    const fresh = new OutboxRelay(relayOpts({ dataSource: await newDataSource() }));
    expect(await fresh.drain()).toBe(1);
    expect(await fresh.drain()).toBe(0);
    expect(await streamCount()).toBe(1);
    expect((await rows())[0]!.publishedAt).toBeInstanceOf(Date);
  });

  it('publishes exactly once when killed between publish and marking', async () => {
    const evs = [events.create('thing.created', { thingId: 'k2', n: 1 }), events.create('thing.deleted', { thingId: 'k2' })];
    await enqueue(...evs);
    const crashedDs = await newDataSource();
    const crashed = new OutboxRelay(
      relayOpts({
        dataSource: crashedDs,
        hooks: {
          afterPublish: (e) => {
            if (e.id === evs[1]!.id) throw new Error('killed after publish');
          },
        },
      }),
    );
    await expect(crashed.relayOnce()).rejects.toThrow('killed after publish');
    await crashedDs.destroy();
    expect(await streamCount()).toBe(2); // both reached JetStream ...
    expect((await rows()).map((r) => r.publishedAt)).toEqual([null, null]); // ... but neither was marked

    const acks: PubAck[] = [];
    const fresh = new OutboxRelay(
      relayOpts({ dataSource: await newDataSource(), hooks: { afterPublish: (_e, ack) => void acks.push(ack) } }),
    );
    expect(await fresh.drain()).toBe(2);
    expect(acks.map((a) => a.duplicate)).toEqual([true, true]); // JetStream dropped the re-publish
    expect(await streamCount()).toBe(2);
    expect((await readStream()).map((g) => g.body.id)).toEqual(evs.map((e) => e.id));
    expect((await rows()).every((r) => r.publishedAt instanceof Date)).toBe(true);
  });

  it('publishes exactly once when its database connection dies between publish and marking', async () => {
    const ev = events.create('thing.created', { thingId: 'k3', n: 1 });
    await enqueue(ev);
    const app = `events-crash-${tag}`;
    const crashed = new OutboxRelay(
      relayOpts({
        dataSource: await newDataSource(app),
        hooks: {
          // a real connection loss: the server ends the relay's session while it holds the row lock
          afterPublish: async () => {
            await ds.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [app]);
          },
        },
      }),
    );
    await expect(crashed.relayOnce()).rejects.toThrow();
    expect(await streamCount()).toBe(1);
    expect((await rows())[0]!.publishedAt).toBeNull();

    const fresh = new OutboxRelay(relayOpts({ dataSource: await newDataSource() }));
    expect(await fresh.drain()).toBe(1);
    expect(await streamCount()).toBe(1);
    expect((await rows())[0]!.publishedAt).toBeInstanceOf(Date);
  });

  it('two concurrent relays never publish the same row', async () => {
    const evs = Array.from({ length: 40 }, (_, n) => events.create('thing.created', { thingId: `c${n}`, n }));
    await enqueue(...evs);
    const seen: string[][] = [[], []];
    const duplicates: string[] = [];
    const mk = async (i: number) =>
      new OutboxRelay(
        relayOpts({
          dataSource: await newDataSource(),
          batchSize: 4,
          hooks: {
            beforePublish: async (e) => {
              seen[i]!.push(e.id);
              await new Promise((r) => setTimeout(r, 2));
            },
            afterPublish: (e, ack) => void (ack.duplicate && duplicates.push(e.id)),
          },
        }),
      );
    const [a, b] = [await mk(0), await mk(1)];
    const [na, nb] = await Promise.all([a.drain(), b.drain()]);
    expect(na + nb).toBe(40);
    expect(seen[0]!.length).toBeGreaterThan(0);
    expect(seen[1]!.length).toBeGreaterThan(0);
    expect(seen[0]!.filter((id) => seen[1]!.includes(id))).toEqual([]);
    expect(duplicates).toEqual([]);
    expect(await streamCount()).toBe(40);
  });

  it('runs in the background and publishes right after a nudge', async () => {
    // Each relay's polls (transactions) are counted, so the test knows when its first, empty poll is over.
    const polls = [0, 0];
    const counted = async (i: number) => {
      const d = await newDataSource();
      const transaction = d.transaction.bind(d) as (run: (m: EntityManager) => Promise<unknown>) => Promise<unknown>;
      d.transaction = (async (run: (m: EntityManager) => Promise<unknown>) => {
        try {
          return await transaction(run);
        } finally {
          polls[i]!++;
        }
      }) as DataSource['transaction'];
      return new OutboxRelay(relayOpts({ dataSource: d }));
    };
    const relays = [await counted(0), await counted(1)];
    relays.forEach((r) => r.start());
    try {
      await waitFor(() => polls.every((n) => n >= 1), 15_000);
      const ev = events.create('thing.deleted', { thingId: 'n1' });
      await enqueue(ev);
      relays.forEach((r) => r.nudge());
      // Both relays' next polls are a minute away (pollIntervalMs): a publish well within that can only come from the
      // nudge, however slow the machine is.
      await waitFor(async () => (await rows())[0]?.publishedAt, 30_000);
      expect(await streamCount()).toBe(1);
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
    }
    expect(relays.every((r) => !r.running)).toBe(true);
  });

  it('marks what it published before a failing publish and retries the rest later', async () => {
    const first = events.create('thing.created', { thingId: 'f1', n: 1 });
    const orphan = createEvent('orphan.event', { x: 1 }, { subjectPrefix: `nostream${tag}` });
    const last = events.create('thing.created', { thingId: 'f2', n: 2 });
    await enqueue(first, orphan, last);
    const relay = new OutboxRelay(relayOpts({ publishTimeoutMs: 1000 }));
    await expect(relay.relayOnce()).rejects.toThrow();
    expect((await rows()).map((r) => r.publishedAt !== null)).toEqual([true, false, false]);
    expect(await streamCount()).toBe(1);

    await ds.query(`DELETE FROM "${schema}".outbox WHERE id = $1`, [orphan.id]);
    expect(await relay.drain()).toBe(1);
    expect((await readStream()).map((g) => g.body.id)).toEqual([first.id, last.id]);
  });

  it('purges published rows only', async () => {
    await enqueue(events.create('thing.created', { thingId: 'p1', n: 1 }));
    const relay = new OutboxRelay(relayOpts());
    await relay.drain();
    await enqueue(events.create('thing.created', { thingId: 'p2', n: 2 }));
    expect(await relay.purgePublished(0)).toBe(1);
    const left = await rows();
    expect(left.map((r) => (r.payload as { thingId: string }).thingId)).toEqual(['p2']);
  });
});

describe('ensureStream', () => {
  it('is idempotent and adds subjects without removing any', async () => {
    const name = `${stream}_ENSURE`;
    try {
      const a = await ensureStream(jsm, { name, subjects: [`e${tag}.a.>`], duplicateWindow: 30_000 });
      expect(a.config.storage).toBe('file');
      expect(a.config.duplicate_window).toBe(30_000 * 1e6);
      const b = await ensureStream(jsm, { name, subjects: [`e${tag}.a.>`], duplicateWindow: 30_000 });
      expect(b.config).toEqual(a.config);
      const c = await ensureStream(jsm, { name, subjects: [`e${tag}.b.>`], duplicateWindow: 45_000 });
      expect(c.config.subjects).toEqual([`e${tag}.a.>`, `e${tag}.b.>`]);
      expect(c.config.duplicate_window).toBe(45_000 * 1e6);
      const [d, e] = await Promise.all([
        ensureStream(jsm, { name: `${name}2`, subjects: [`e${tag}.c.>`] }),
        ensureStream(jsm, { name: `${name}2`, subjects: [`e${tag}.c.>`] }),
      ]);
      expect(d.config.name).toBe(e.config.name);
    } finally {
      await jsm.streams.delete(name).catch(() => undefined);
      await jsm.streams.delete(`${name}2`).catch(() => undefined);
    }
  });
});

describe('types', () => {
  it('typed event maps, envelopes and a pino logger fit the API', async () => {
    const ev = events.create('thing.created', { thingId: 'x', n: 1 });
    // @ts-expect-error payload must match the declared type
    events.create('thing.created', { thingId: 'x' });
    // @ts-expect-error unknown event type
    events.create('thing.unknown', {});
    expect(ev).toMatchObject({ type: 'thing.created', subject: `${prefix}.thing.created`, data: { thingId: 'x', n: 1 } });
    expect(ev.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(Number.isNaN(Date.parse(ev.occurredAt))).toBe(false);
    expect(events.is(ev, 'thing.created')).toBe(true);
    expect(events.is(ev, 'thing.deleted')).toBe(false);
    expect(events.subject('thing.deleted')).toBe(`${prefix}.thing.deleted`);
    // Narrowing by `type` is the type-checker's to prove (tsc covers the specs): each branch sees its own payload.
    const narrowed = (e: AnyEventOf<TestEvents>) => {
      if (e.type === 'thing.created') {
        expectTypeOf(e.data).toEqualTypeOf<{ thingId: string; n: number }>();
        return e.data.n;
      }
      expectTypeOf(e.data).toEqualTypeOf<{ thingId: string }>();
      // @ts-expect-error thing.deleted carries no n
      return e.data.n;
    };
    expect(narrowed(ev)).toBe(1);

    // At run time: a pino logger takes the relay's log lines, and a typed handler receives the relayed events.
    const lines: { level: number; msg: string; eventId?: string }[] = [];
    const logger: EventsLogger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const received: AnyEventOf<TestEvents>[] = [];
    const typed: StartConsumerOptions<AnyEventOf<TestEvents>> = {
      nc,
      stream,
      durable: `typed_${tag}`,
      filterSubject: `${prefix}.>`,
      handler: async (e) => void received.push(e),
    };
    const consumer = await startConsumer(typed);
    try {
      const deleted = events.create('thing.deleted', { thingId: 'x' });
      await enqueue(ev, deleted);
      expect(await new OutboxRelay(relayOpts({ logger })).drain()).toBe(2);
      await waitFor(() => received.length === 2, 15_000);
      expect(received.map((e) => [e.id, e.type, e.data])).toEqual([
        [ev.id, 'thing.created', { thingId: 'x', n: 1 }],
        [deleted.id, 'thing.deleted', { thingId: 'x' }],
      ]);
      expect(lines.filter((l) => l.msg === 'event published').map((l) => [l.level, l.eventId])).toEqual([
        [20, ev.id],
        [20, deleted.id],
      ]);
    } finally {
      await consumer.stop();
      await jsm.consumers.delete(stream, `typed_${tag}`).catch(() => undefined);
    }
  });
});
