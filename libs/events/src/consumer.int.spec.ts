import { randomBytes } from 'node:crypto';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createEvent,
  DeferredEventError,
  encodeEvent,
  ensureStream,
  EventTooLargeError,
  handleOnce,
  idempotent,
  inboxMigration,
  MAX_EVENT_BYTES,
  PermanentEventError,
  purgeProcessed,
  startConsumer,
  wasProcessed,
  type EventConsumer,
  type EventEnvelope,
  type PoisonEvent,
  type StartConsumerOptions,
} from './index';
import { waitFor } from '@platform/test-fixtures';

const tag = randomBytes(4).toString('hex');
const schema = `evt_consumer_${tag}`;
const stream = `EVT_CONSUMER_${tag.toUpperCase()}`;
const prefix = `c${tag}.events`;

let ds: DataSource;
let nc: NatsConnection;
let jsm: JetStreamManager;
let js: JetStreamClient;
const consumers: EventConsumer[] = [];

/** Each test gets its own subject space and durable, so tests never see each other's messages. */
function scope(name: string) {
  const subjectPrefix = `${prefix}.${name}`;
  return {
    durable: `d_${name}`,
    filterSubject: `${subjectPrefix}.>`,
    async publish(data: unknown, opts: { type?: string; id?: string } = {}): Promise<EventEnvelope> {
      const ev = createEvent(opts.type ?? 'thing.happened', data, { subjectPrefix, id: opts.id });
      await js.publish(ev.subject, encodeEvent(ev), { msgID: `${ev.id}:${Math.random()}` });
      return ev;
    },
    async info() {
      return jsm.consumers.info(stream, `d_${name}`);
    },
  };
}

async function start(o: Omit<StartConsumerOptions, 'nc' | 'stream'>): Promise<EventConsumer> {
  const c = await startConsumer({ nc, stream, nakDelayMs: 150, ackWait: 5000, ...o });
  consumers.push(c);
  return c;
}

async function applied(): Promise<{ event_id: string; value: string }[]> {
  return ds.query(`SELECT event_id, value FROM "${schema}".applied ORDER BY value`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  ds = new DataSource({
    type: 'postgres',
    url: inject('databaseUrl'),
    migrations: [inboxMigration(schema)],
    migrationsTableName: `${schema}_migrations`,
    extra: { max: 6 },
  });
  await ds.initialize();
  await ds.runMigrations();
  await ds.query(`CREATE TABLE "${schema}".applied (event_id text NOT NULL, value text NOT NULL)`);
  nc = await connect({ servers: inject('natsUrl') });
  jsm = await jetstreamManager(nc);
  js = jetstream(nc);
  await ensureStream(jsm, { name: stream, subjects: [`${prefix}.>`] });
});

afterAll(async () => {
  await Promise.all(consumers.map((c) => c.stop()));
  await ds?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await ds?.query(`DROP TABLE IF EXISTS "${schema}_migrations"`);
  await jsm?.streams.delete(stream).catch(() => undefined);
  await nc?.close();
  if (ds?.isInitialized) await ds.destroy();
});

describe('startConsumer', () => {
  it('acks only after the handler and its transaction succeed', async () => {
    const s = scope('ack');
    const ackPendingDuringHandler: number[] = [];
    // Recorded here, asserted after: a failed expect inside the handler would only nak the message.
    const deliveryCounts: number[] = [];
    await start({
      durable: s.durable,
      filterSubject: s.filterSubject,
      handler: async (ev, ctx) => {
        deliveryCounts.push(ctx.deliveryCount);
        await handleOnce(ds, schema, ev.id, (m) => m.query(`INSERT INTO "${schema}".applied VALUES ($1, 'ack')`, [ev.id]));
        ackPendingDuringHandler.push((await s.info()).num_ack_pending);
      },
    });
    const ev = await s.publish({ n: 1 });
    await waitFor(async () => (await s.info()).ack_floor.stream_seq > 0);
    const info = await s.info();
    expect(deliveryCounts).toEqual([1]);
    expect(ackPendingDuringHandler).toEqual([1]);
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
    expect(info.num_redelivered).toBe(0);
    expect(await wasProcessed(ds, schema, ev.id)).toBe(true);
    expect(info.config.ack_policy).toBe('explicit');
  });

  it('redelivers with a delay after a transient error', async () => {
    const s = scope('transient');
    const deliveries: { count: number; at: number }[] = [];
    await start({
      durable: s.durable,
      filterSubject: s.filterSubject,
      nakDelayMs: 300,
      handler: async (_ev, ctx) => {
        deliveries.push({ count: ctx.deliveryCount, at: Date.now() });
        if (ctx.deliveryCount === 1) throw new Error('database briefly unavailable');
      },
    });
    await s.publish({ n: 1 });
    await waitFor(async () => deliveries.length === 2 && (await s.info()).num_ack_pending === 0);
    expect(deliveries.map((d) => d.count)).toEqual([1, 2]);
    expect(deliveries[1]!.at - deliveries[0]!.at).toBeGreaterThanOrEqual(250);
  });

  it('redelivers a deferred event like a transient one, logging it at debug level instead of as a failure', async () => {
    const s = scope('deferred');
    const lines: { level: string; msg?: string }[] = [];
    const record = (level: string) => (_obj: object, msg?: string) => void lines.push({ level, msg });
    let deliveries = 0;
    await start({
      durable: s.durable,
      filterSubject: s.filterSubject,
      logger: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') },
      handler: async () => {
        if (++deliveries === 1) throw new DeferredEventError('job is running on another worker');
      },
    });
    await s.publish({ n: 1 });
    await waitFor(async () => deliveries === 2 && (await s.info()).num_ack_pending === 0);
    expect(lines.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
    expect(lines).toContainEqual({ level: 'debug', msg: 'event deferred' });
  });

  it('terminates poison messages: permanent errors, events too large to enqueue, undecodable bodies, and after maxDeliver', async () => {
    const s = scope('poison');
    const poisoned: PoisonEvent[] = [];
    const calls = new Map<string, number>();
    await start({
      durable: s.durable,
      filterSubject: s.filterSubject,
      maxDeliver: 3,
      nakDelayMs: 50,
      onPoison: (p) => void poisoned.push(p),
      handler: async (ev) => {
        calls.set(ev.type, (calls.get(ev.type) ?? 0) + 1);
        if (ev.type === 'bad.permanent') throw new PermanentEventError('unknown taxonomy');
        if (ev.type === 'bad.too-large') throw new EventTooLargeError('too.large', 600_000, MAX_EVENT_BYTES);
        if (ev.type === 'bad.transient') throw new Error('still failing');
      },
    });
    await s.publish({}, { type: 'bad.permanent' });
    await s.publish({}, { type: 'bad.too-large' });
    await js.publish(`${prefix}.poison.garbage`, new TextEncoder().encode('{not json'));
    await s.publish({}, { type: 'bad.transient' });
    await s.publish({}, { type: 'good' });
    // Nothing can come back once the server holds no message of this consumer as pending or awaiting an ack: a
    // terminated message is settled, a merely unacked one would still count in num_ack_pending until redelivered.
    await waitFor(async () => {
      const info = await s.info();
      return poisoned.length === 4 && calls.get('good') === 1 && info.num_ack_pending === 0 && info.num_pending === 0;
    }, 15_000);
    expect(Object.fromEntries(calls)).toEqual({ 'bad.permanent': 1, 'bad.too-large': 1, 'bad.transient': 3, good: 1 });
    expect(poisoned.map((p) => [p.reason, p.event?.type, p.deliveryCount])).toEqual([
      ['permanent', 'bad.permanent', 1],
      ['permanent', 'bad.too-large', 1],
      ['invalid', undefined, 1],
      ['max-deliver', 'bad.transient', 3],
    ]);
  });

  it('uses isTransient to decide what is retried', async () => {
    const s = scope('classify');
    const poisoned: PoisonEvent[] = [];
    let calls = 0;
    await start({
      durable: s.durable,
      filterSubject: s.filterSubject,
      isTransient: (err) => (err as Error).message !== 'validation',
      onPoison: (p) => void poisoned.push(p),
      handler: async () => {
        calls++;
        throw new Error('validation');
      },
    });
    await s.publish({});
    // Settled on the server (not pending, not awaiting an ack): a retry would have to come from one of those.
    await waitFor(async () => {
      const info = await s.info();
      return poisoned.length === 1 && info.num_ack_pending === 0 && info.num_pending === 0;
    }, 15_000);
    expect(calls).toBe(1);
    expect(poisoned[0]!.reason).toBe('permanent');
  });

  it('handleOnce skips a redelivered duplicate', async () => {
    const s = scope('dedup');
    let runs = 0;
    let crashed = false;
    const outcomes: boolean[] = [];
    const crashedOnDelivery: number[] = [];
    await start({
      durable: s.durable,
      filterSubject: s.filterSubject,
      handler: async (ev, ctx) => {
        const r = await handleOnce(ds, schema, ev.id, async (m) => {
          runs++;
          await m.query(`INSERT INTO "${schema}".applied VALUES ($1, $2)`, [ev.id, 'dedup']);
        });
        outcomes.push(r.processed);
        // committed, but the "process dies" before the ack: the message comes back
        if (!crashed) {
          crashed = true;
          crashedOnDelivery.push(ctx.deliveryCount);
          throw new Error('crash before ack');
        }
      },
    });
    const ev = await s.publish({ n: 1 });
    // the same event published again (e.g. re-published after the duplicate window): also skipped
    await s.publish({ n: 1 }, { id: ev.id });
    await waitFor(async () => outcomes.length === 3 && (await s.info()).num_ack_pending === 0);
    expect(crashedOnDelivery).toEqual([1]);
    expect(runs).toBe(1);
    expect(outcomes.sort()).toEqual([false, false, true]);
    expect((await applied()).filter((r) => r.value === 'dedup')).toHaveLength(1);
  });

  it('sends in-progress acks during a long handler, and stop() waits for it to finish and ack', async () => {
    const s = scope('working');
    const ACK_WAIT = 1000;
    const deliveries: number[] = [];
    let finished = false;
    let release = (): void => undefined;
    const released = new Promise<void>((r) => (release = r));
    const c = await startConsumer({
      nc,
      stream,
      durable: s.durable,
      filterSubject: s.filterSubject,
      ackWait: ACK_WAIT,
      handler: async (_ev, ctx) => {
        deliveries.push(ctx.deliveryCount);
        // Held by the test, so it is certainly still running when stop() is called, however slow the machine.
        await released;
        // Work still in progress after stop() was called: stop() must wait for it, not return once the pull is closed.
        await ds.query('SELECT pg_sleep(0.5)');
        finished = true;
      },
    });
    await s.publish({});
    await waitFor(() => deliveries.length === 1);
    // The premise is elapsed time itself: the handler outlives three ack waits (a slower machine only lengthens the
    // wait). Only the in-progress acks keep the server from redelivering meanwhile.
    await sleep(3 * ACK_WAIT);
    expect((await s.info()).num_redelivered).toBe(0);
    const stopped = c.stop();
    release();
    await stopped;
    expect(finished).toBe(true);
    expect(deliveries).toEqual([1]);
    const info = await s.info();
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_redelivered).toBe(0);
    expect(info.ack_floor.stream_seq).toBeGreaterThan(0);
  });

  it('instances sharing a durable split the work and each event is applied once', async () => {
    const s = scope('shared');
    const seen: string[] = [];
    const handler = idempotent(ds, schema, async (ev, m) => {
      seen.push(ev.id);
      await m.query(`INSERT INTO "${schema}".applied VALUES ($1, 'shared')`, [ev.id]);
    });
    await Promise.all([0, 1].map(() => start({ durable: s.durable, filterSubject: s.filterSubject, concurrency: 2, handler })));
    const evs = await Promise.all(Array.from({ length: 20 }, (_, n) => s.publish({ n })));
    await waitFor(
      async () => (await applied()).filter((r) => r.value === 'shared').length === 20 && (await s.info()).num_ack_pending === 0,
    );
    expect(new Set(seen)).toEqual(new Set(evs.map((e) => e.id)));
  });
});

describe('handleOnce', () => {
  it('rolls back the id with the work, and lets only one of two concurrent duplicates run', async () => {
    const id = createEvent('x', {}).id;
    await expect(
      handleOnce(ds, schema, id, async (m) => {
        await m.query(`INSERT INTO "${schema}".applied VALUES ($1, 'rollback')`, [id]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await wasProcessed(ds, schema, id)).toBe(false);

    let runs = 0;
    const results = await Promise.all(
      [0, 1].map(() =>
        handleOnce(ds, schema, id, async (m) => {
          runs++;
          // Hold this transaction until the duplicate is blocked behind it on the inbox row, so the two really
          // overlap; were both let through, neither would ever be blocked and this wait would fail.
          const [{ pid }] = (await m.query('SELECT pg_backend_pid() AS pid')) as { pid: number }[];
          await waitFor(async () => {
            const [{ n }] = (await ds.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [
              pid,
            ])) as { n: number }[];
            return n > 0;
          }, 15_000);
          await m.query(`INSERT INTO "${schema}".applied VALUES ($1, 'once')`, [id]);
          return 'done';
        }),
      ),
    );
    expect(runs).toBe(1);
    expect(results.filter((r) => r.processed)).toEqual([{ processed: true, result: 'done' }]);
    expect((await applied()).filter((r) => r.event_id === id).map((r) => r.value)).toEqual(['once']);
    expect(await purgeProcessed(ds, schema, 3_600_000)).toBe(0);
  });
});
