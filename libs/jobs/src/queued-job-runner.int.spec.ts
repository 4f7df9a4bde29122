import { randomBytes } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import pino from 'pino';
import { Client } from 'pg';
import { Column, DataSource, Entity, PrimaryGeneratedColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { serviceDataSourceOptions } from '@platform/common';
import { createEvent, defineEvents, encodeEvent, outboxMigration, type EventEnvelope } from '@platform/events';
import { waitFor } from '@platform/test-fixtures';
import { RetryJobLater, stopReason, type JobStopReason } from './errors';
import { MAX_FAILURE_REASON_CHARS } from './failure-reason';
import type { JobContext } from './job-run';
import { QueuedJobRunner, type JobQueue, type QueuedJobRunnerOptions } from './queued-job-runner';
import { grpcCallToStoppedService } from './testing/unavailable-errors';

const tag = randomBytes(4).toString('hex');
const SCHEMA = 'jobs_test';

@Entity({ name: 'test_jobs' })
class TestJob {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'text' }) status!: string;
  @Column({ type: 'int' }) attempts!: number;
  @Column({ name: 'lease_owner', type: 'text', nullable: true }) leaseOwner!: string | null;
  @Column({ name: 'lease_expires_at', type: 'timestamptz', nullable: true }) leaseExpiresAt!: Date | null;
  @Column({ name: 'failure_reason', type: 'text', nullable: true }) failureReason!: string | null;
  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true }) completedAt!: Date | null;
  @Column({ type: 'jsonb', nullable: true }) progress!: Progress | null;
}

class TestJobs1700000000000 implements MigrationInterface {
  name = 'TestJobs1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ${SCHEMA}.test_jobs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(), status text NOT NULL, attempts int NOT NULL DEFAULT 0,
      lease_owner text, lease_expires_at timestamptz, failure_reason text, completed_at timestamptz, progress jsonb)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ${SCHEMA}.test_jobs`);
  }
}

interface Progress {
  done: number;
}

const events = defineEvents<{
  'test.job.progress': { jobId: string; done: number };
  'test.job.completed': { jobId: string };
  'test.job.failed': { jobId: string; reason: string };
  'test.job.canceled': { jobId: string };
}>({ subjectPrefix: `jt${tag}.events` });

let db: DataSource;
let nc: NatsConnection;
const runners: QueuedJobRunner<TestJob, Progress>[] = [];
const silent = pino({ level: 'silent' });

/** A work queue of its own per test: workqueue streams refuse two consumers with overlapping filters. */
function queueFor(name: string): JobQueue {
  const prefix = `jt${tag}.${name}`;
  return {
    stream: `JOBS_${tag.toUpperCase()}_${name.toUpperCase()}`,
    subjects: [`${prefix}.>`],
    durable: 'workers',
    subject: `${prefix}.run`,
  };
}

async function startRunner(
  queue: JobQueue,
  run: (job: TestJob, ctx: JobContext<Progress>) => Promise<void>,
  options: Partial<QueuedJobRunnerOptions<TestJob, Progress>> = {},
): Promise<QueuedJobRunner<TestJob, Progress>> {
  const runner = new QueuedJobRunner<TestJob, Progress>({
    name: 'test',
    db,
    nc,
    logger: silent,
    table: { schema: SCHEMA, entity: TestJob },
    queue,
    jobId: (e) => (e.data as { jobId?: string }).jobId,
    failedEvent: (job, reason) => events.create('test.job.failed', { jobId: job.id, reason }),
    progress: {
      write: async (m, job, p) => {
        await m.update(TestJob, { id: job.id }, { progress: p });
        return [events.create('test.job.progress', { jobId: job.id, ...p })];
      },
      intervalMs: 50,
    },
    run,
    leaseMs: 2_000,
    heartbeatMs: 200,
    ackWaitMs: 2_000,
    maxAttempts: 3,
    ...options,
  });
  await runner.start();
  runners.push(runner);
  return runner;
}

/** A queued row and `copies` queue messages pointing at it. */
async function enqueue(queue: JobQueue, copies = 1, row: Partial<TestJob> = {}): Promise<string> {
  const saved = await db.getRepository(TestJob).save({ status: 'queued', attempts: 0, ...row });
  const js = jetstream(nc);
  for (let i = 0; i < copies; i++) await js.publish(queue.subject, encodeEvent(createEvent('test.run', { jobId: saved.id })));
  return saved.id;
}

const row = (id: string) => db.getRepository(TestJob).findOneByOrFail({ id });

async function outbox(id: string): Promise<{ type: string; payload: Record<string, unknown> }[]> {
  return db.query(`SELECT type, payload FROM ${SCHEMA}.outbox WHERE payload->>'jobId' = $1 ORDER BY created_at, type`, [id]);
}

const complete = (ctx: JobContext<Progress>, job: TestJob) =>
  ctx.finish(async (m) => {
    await m.update(TestJob, { id: job.id }, { status: 'completed', completedAt: () => 'now()' });
    return [events.create('test.job.completed', { jobId: job.id })];
  });

/**
 * Resolves once the queue's consumer holds no message pending or awaiting an ack: every copy of a job's message has
 * been handled (run or turned away), the positive signal a "nothing else happens" check waits for.
 */
async function queueSettled(queue: JobQueue): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await waitFor(async () => {
    const info = await jsm.consumers.info(queue.stream, queue.durable);
    return info.num_pending === 0 && info.num_ack_pending === 0;
  }, 30_000);
}

/** A generous deadline for a promise that must settle: resolves with 'timed out' (and lets the test fail) after `ms`. */
const timeout = (ms: number) => new Promise<'timed out'>((r) => setTimeout(() => r('timed out'), ms).unref());

/** Resolves with the stop reason once the job's signal aborts. */
const aborted = (signal: AbortSignal) =>
  new Promise<JobStopReason | undefined>((resolve) => signal.addEventListener('abort', () => resolve(stopReason(signal)), { once: true }));

beforeAll(async () => {
  const baseUrl = inject('databaseUrl');
  const admin = new Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE jobs_runner_${tag}`);
  await admin.end();
  db = await new DataSource(
    await serviceDataSourceOptions({
      url: baseUrl.replace(/\/[^/]+$/, `/jobs_runner_${tag}`),
      schema: SCHEMA,
      entities: [TestJob],
      migrations: [outboxMigration(SCHEMA), TestJobs1700000000000],
    }),
  ).initialize();
  nc = await connect({ servers: inject('natsUrl') });
});

afterAll(async () => {
  for (const r of runners) await r.stop();
  await nc?.close();
  await db?.destroy();
});

describe('QueuedJobRunner', () => {
  it('runs a job once when its message is delivered twice, with its progress and completion through the outbox', async () => {
    const queue = queueFor('dup');
    let runs = 0;
    const run = async (job: TestJob, ctx: JobContext<Progress>) => {
      runs++;
      for (let done = 1; done <= 5; done++) {
        await new Promise((r) => setTimeout(r, 40));
        ctx.progress({ done });
      }
      await complete(ctx, job);
    };
    await startRunner(queue, run);
    await startRunner(queue, run);
    const id = await enqueue(queue, 2);

    await waitFor(async () => (await row(id)).status === 'completed', 15_000);
    // The second message was delivered and turned away once the queue holds nothing pending or unacked for it.
    await queueSettled(queue);
    expect(runs).toBe(1);
    expect(await row(id)).toMatchObject({ attempts: 1, leaseOwner: null, leaseExpiresAt: null, progress: { done: 5 } });
    const written = await outbox(id);
    expect(written.filter((e) => e.type === 'test.job.completed')).toHaveLength(1);
    expect(written.filter((e) => e.type === 'test.job.progress').at(-1)?.payload).toMatchObject({ done: 5 });
  });

  it('aborts a canceled job at once on its notice, and on the next heartbeat when the notice is missed', async () => {
    const reasons = new Map<string, Promise<JobStopReason | undefined>>();
    const run = async (job: TestJob, ctx: JobContext<Progress>) => {
      reasons.set(job.id, aborted(ctx.signal));
      await reasons.get(job.id);
      ctx.signal.throwIfAborted();
    };
    const notices = { subjects: [events.subject('test.job.canceled')], jobId: (e: EventEnvelope) => (e.data as { jobId: string }).jobId };
    // Each path on its own, by construction rather than by timing: with the notice, a runner whose next heartbeat is
    // minutes away (only the notice can stop the job in time); without it, a runner that listens to no notice.
    const byNotice = queueFor('cancelnotice');
    await startRunner(byNotice, run, { cancelNotices: notices, leaseMs: 600_000, heartbeatMs: 300_000 });
    const byHeartbeat = queueFor('cancelheartbeat');
    await startRunner(byHeartbeat, run);

    for (const notice of [true, false]) {
      const id = await enqueue(notice ? byNotice : byHeartbeat);
      await waitFor(() => reasons.has(id), 10_000);
      await db.query(`UPDATE ${SCHEMA}.test_jobs SET status = 'canceled' WHERE id = $1`, [id]);
      if (notice) nc.publish(events.subject('test.job.canceled'), encodeEvent(events.create('test.job.canceled', { jobId: id })));
      expect(await Promise.race([reasons.get(id), timeout(30_000)])).toBe('canceled');
      await waitFor(async () => (await row(id)).leaseOwner === null, 30_000);
      expect((await row(id)).status).toBe('canceled');
      expect((await outbox(id)).map((e) => e.type)).not.toContain('test.job.failed');
    }
  });

  it('hands its running jobs back on shutdown, so another worker resumes them long before the lease would lapse', async () => {
    const queue = queueFor('shutdown');
    let stoppedWith: JobStopReason | undefined;
    const run = async (job: TestJob, ctx: JobContext<Progress>) => {
      if (ctx.attempt === 1) {
        stoppedWith = await aborted(ctx.signal);
        ctx.signal.throwIfAborted();
      }
      await complete(ctx, job);
    };
    const first = await startRunner(queue, run, { leaseMs: 60_000, heartbeatMs: 1_000 });
    const id = await enqueue(queue);
    await waitFor(async () => (await row(id)).leaseOwner === first.owner, 10_000);
    const firstLeaseExpiry = (await row(id)).leaseExpiresAt as Date;
    const second = await startRunner(queue, run, { leaseMs: 60_000, heartbeatMs: 1_000 });

    await first.stop();
    expect(stoppedWith).toBe('shutdown');
    await waitFor(async () => (await row(id)).status === 'completed', 50_000);
    // Resumed before the first worker's lease (a minute, on the database's clock) ran out: handed back, not lapsed.
    expect(((await row(id)).completedAt as Date).getTime()).toBeLessThan(firstLeaseExpiry.getTime());
    expect(await row(id)).toMatchObject({ attempts: 2, leaseOwner: null });
    expect(second.owner).not.toBe(first.owner);
  });

  it("fails a job with its handler's error, and gives up after maxAttempts retries with the last one", async () => {
    const queue = queueFor('fail');
    const retrying = new Set<string>();
    const huge = new Set<string>();
    await startRunner(queue, async (job) => {
      if (retrying.has(job.id)) throw new RetryJobLater('the model server is unavailable');
      if (huge.has(job.id)) throw new Error(`a program wrote ${'x'.repeat(2_000_000)}`);
      throw new Error('the data is malformed');
    });
    const broken = await enqueue(queue);
    const unavailable = await db.getRepository(TestJob).save({ status: 'queued', attempts: 0 });
    retrying.add(unavailable.id);
    await jetstream(nc).publish(queue.subject, encodeEvent(createEvent('test.run', { jobId: unavailable.id })));

    await waitFor(async () => (await row(broken)).status === 'failed', 10_000);
    expect(await row(broken)).toMatchObject({ failureReason: 'the data is malformed', attempts: 1, leaseOwner: null });
    expect((await outbox(broken)).map((e) => e.payload)).toEqual([{ jobId: broken, reason: 'the data is malformed' }]);

    await waitFor(async () => (await row(unavailable.id)).status === 'failed', 20_000);
    const reason = 'gave up after 3 attempts: the model server is unavailable';
    expect(await row(unavailable.id)).toMatchObject({ failureReason: reason, attempts: 3, leaseOwner: null });
    expect((await outbox(unavailable.id)).map((e) => e.payload)).toEqual([{ jobId: unavailable.id, reason }]);

    // An error of megabytes: the row and the event (which NATS must carry) hold its first 2,000 characters.
    const loud = await db.getRepository(TestJob).save({ status: 'queued', attempts: 0 });
    huge.add(loud.id);
    await jetstream(nc).publish(queue.subject, encodeEvent(createEvent('test.run', { jobId: loud.id })));
    await waitFor(async () => (await row(loud.id)).status === 'failed', 10_000);
    const cut = `a program wrote ${'x'.repeat(MAX_FAILURE_REASON_CHARS - 16)}`;
    expect((await row(loud.id)).failureReason).toBe(cut);
    expect((await outbox(loud.id)).map((e) => e.payload)).toEqual([{ jobId: loud.id, reason: cut }]);
  });

  it('retries a job later instead of failing it when a service it calls is down (found by the chaos suite)', async () => {
    const queue = queueFor('unavailable');
    const down = await grpcCallToStoppedService();
    let attempts = 0;
    await startRunner(queue, async (job, ctx) => {
      // A pipeline wraps the error of the call it made, as SDG's blocks do.
      if (++attempts === 1) throw new Error(`LLMBlock/gen_questions: ${down.message}`, { cause: down });
      await complete(ctx, job);
    });
    const id = await enqueue(queue);
    await waitFor(async () => (await row(id)).status !== 'queued' && (await row(id)).status !== 'running', 20_000);
    expect(await row(id)).toMatchObject({ status: 'completed', attempts: 2, failureReason: null, leaseOwner: null });
    expect((await outbox(id)).map((e) => e.type)).toEqual(['test.job.completed']);
  });

  it('fails a job whose workers kept dying once it was claimed maxAttempts times, without running it again, after discarding what they wrote', async () => {
    const queue = queueFor('crashes');
    let ran = false;
    const discarded: { id: string; status: string; reason: string }[] = [];
    await startRunner(
      queue,
      async () => {
        ran = true;
      },
      { discard: async (job, reason) => void discarded.push({ id: job.id, status: (await row(job.id)).status, reason }) },
    );
    const id = await enqueue(queue, 1, {
      status: 'running',
      attempts: 3,
      leaseOwner: 'dead-worker',
      leaseExpiresAt: new Date(Date.now() - 1_000),
    });

    await waitFor(async () => (await row(id)).status === 'failed', 10_000);
    expect(ran).toBe(false);
    expect((await row(id)).failureReason).toMatch(/^gave up after 3 attempts: /);
    // Discarded once, while the job was still this worker's and not yet failed.
    expect(discarded).toEqual([{ id, status: 'running', reason: (await row(id)).failureReason }]);
  });

  it('refuses writes once another worker took the job over, and aborts with lease-lost', async () => {
    const queue = queueFor('takeover');
    let write: boolean | undefined;
    let reason: JobStopReason | undefined;
    await startRunner(queue, async (job, ctx) => {
      await db.query(`UPDATE ${SCHEMA}.test_jobs SET lease_owner = 'other-worker' WHERE id = $1`, [job.id]);
      write = await ctx.write(async (m) => {
        await m.update(TestJob, { id: job.id }, { progress: { done: 99 } });
      });
      reason = stopReason(ctx.signal);
      ctx.signal.throwIfAborted();
    });
    const id = await enqueue(queue);

    await waitFor(() => reason !== undefined, 10_000);
    expect(write).toBe(false);
    expect(reason).toBe('lease-lost');
    const after = await row(id);
    expect(after).toMatchObject({ status: 'running', leaseOwner: 'other-worker', progress: null });
  });
});
