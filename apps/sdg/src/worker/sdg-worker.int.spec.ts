import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OutboxRelay, eventsStream, eventsSubjectPrefix, encodeEvent, ensureStream } from '@platform/events';
import { waitFor } from '@platform/test-fixtures';
import { jetstreamManager } from '@nats-io/jetstream';
import { DataJobEntity } from '../jobs/data-job.entity';
import { cancelDataJobIn } from '../jobs/data-job.store';
import { sdgJobs, type SdgQueueConfig } from '../jobs/sdg-events';
import { batchWriter } from './testing/batch-writer';
import { enqueueJob, openDataSource, startFixtureWorker, type StartedWorker, type WorkerFixture } from './testing/worker-fixture';

const ROOT = resolve(__dirname, '../../../..');
const tag = randomBytes(4).toString('hex');
const queue: SdgQueueConfig = { stream: `SDG_WORKER_${tag.toUpperCase()}`, subjectPrefix: `t${tag}.jobs`, durable: 'sdg-workers' };
const LEAVES = ['compositional_skills/writing/poems/qna.yaml', 'knowledge/science/sun/qna.yaml'];

let fixture: WorkerFixture;
let ds: DataSource;
let nc: NatsConnection;
let relay: OutboxRelay;
const workers: StartedWorker[] = [];
const children: ChildProcess[] = [];

const job = (id: string) => ds.getRepository(DataJobEntity).findOneByOrFail({ id });

async function checkpointRows(id: string): Promise<{ leaf_path: string; batch_index: number; n: number }[]> {
  return ds.query(
    'SELECT leaf_path, batch_index, jsonb_array_length(rows) AS n FROM sdg.checkpoints WHERE job_id = $1 ORDER BY leaf_path, batch_index',
    [id],
  );
}

beforeAll(async () => {
  const baseUrl = inject('databaseUrl');
  const database = `sdg_worker_${tag}`;
  const admin = new Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const s3 = inject('s3');
  fixture = {
    databaseUrl: baseUrl.replace(/\/[^/]+$/, `/${database}`),
    natsUrl: inject('natsUrl'),
    s3: { endpoint: s3.endpoint, bucket: s3.bucket, accessKey: s3.accessKey, secretKey: s3.secretKey },
    queue,
    leaseMs: 2_000,
    ackWaitMs: 2_000,
    leafPaths: LEAVES,
  };
  ds = await openDataSource(fixture.databaseUrl);
  nc = await connect({ servers: fixture.natsUrl });
  await ensureStream(await jetstreamManager(nc), { name: eventsStream(), subjects: [`${eventsSubjectPrefix()}.>`] });
  relay = new OutboxRelay({ dataSource: ds, schema: 'sdg', nc, pollIntervalMs: 100 });
  relay.start();
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const w of workers) await w.stop();
  await relay?.stop();
  await nc?.close();
  await ds?.destroy();
});

describe('SDG workers on the JetStream work queue', () => {
  it('never run one job on two workers, even when its message is delivered twice', async () => {
    const overlap = new Map<string, number>();
    let maxOverlap = 0;
    const generated = new Map<string, number>();
    const run = batchWriter({
      batches: 4,
      rowsPerBatch: 2,
      batchMs: 60,
      onRun: (id, d) => {
        const n = (overlap.get(id) ?? 0) + d;
        overlap.set(id, n);
        maxOverlap = Math.max(maxOverlap, n);
      },
      onBatch: (id, leaf, b) => generated.set(`${id}|${leaf}|${b}`, (generated.get(`${id}|${leaf}|${b}`) ?? 0) + 1),
    });
    workers.push(await startFixtureWorker(fixture, ds, run), await startFixtureWorker(fixture, ds, run));

    const jobs = await Promise.all([1, 2, 3].map(() => enqueueJob(ds, relay, queue)));
    // A second message for every job, as after a lost ack: both workers now hold a message for the same job.
    const js = jetstream(nc);
    for (const j of jobs) {
      const dup = sdgJobs(queue).create('sdg.run', { dataId: j.id, projectId: j.projectId });
      await js.publish(dup.subject, encodeEvent(dup));
    }

    for (const j of jobs) await waitFor(async () => (await job(j.id)).status === 'completed', 30_000);
    expect(maxOverlap).toBe(1);
    for (const j of jobs) {
      const row = await job(j.id);
      expect(row.attempts).toBe(1);
      expect(row.samples).toEqual(Object.fromEntries(LEAVES.map((l) => [l, 8])));
      expect(row.tokens?.data_leaf_nodes).toEqual(Object.fromEntries(LEAVES.map((l) => [l, 80])));
      expect(row.completedAt).toBeInstanceOf(Date);
      expect(row.state).toBe('');
      expect(row.progress).toMatchObject({ stage: 'generate', done: 8, total: 8 });
      expect(await checkpointRows(j.id)).toHaveLength(8);
    }
    expect([...generated.values()].every((n) => n === 1)).toBe(true);
    expect(generated.size).toBe(3 * 8);
    while (workers.length) await workers.pop()?.stop();
  });

  it('resumes a job whose worker process was killed, without duplicate or lost checkpoint rows', async () => {
    const BATCHES = 10;
    const ROWS = 3;
    const j = await enqueueJob(ds, relay, queue);
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'apps/sdg/src/worker/testing/worker-child.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
        SDG_WORKER_FIXTURE: JSON.stringify(fixture),
        SDG_BATCHES: String(BATCHES),
        SDG_ROWS: String(ROWS),
        SDG_BATCH_MS: '200',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let childLog = '';
    child.stdout?.on('data', (b: Buffer) => (childLog += b.toString()));
    child.stderr?.on('data', (b: Buffer) => (childLog += b.toString()));

    await waitFor(async () => (await checkpointRows(j.id)).length >= 4, 60_000).catch((err: Error) => {
      throw new Error(`${err.message}; child output: ${childLog}`);
    });
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    const beforeKill = (await checkpointRows(j.id)).map((r) => `${r.leaf_path}|${r.batch_index}`);
    expect(beforeKill.length).toBeGreaterThanOrEqual(4);
    expect(beforeKill.length).toBeLessThan(BATCHES * LEAVES.length);
    expect((await job(j.id)).status).toBe('running');

    const resumed: string[] = [];
    workers.push(
      await startFixtureWorker(
        fixture,
        ds,
        batchWriter({ batches: BATCHES, rowsPerBatch: ROWS, batchMs: 20, onBatch: (_id, leaf, b) => resumed.push(`${leaf}|${b}`) }),
      ),
    );
    await waitFor(async () => (await job(j.id)).status === 'completed', 30_000);

    const rows = await checkpointRows(j.id);
    expect(rows).toHaveLength(BATCHES * LEAVES.length);
    expect(rows.reduce((n, r) => n + Number(r.n), 0)).toBe(BATCHES * LEAVES.length * ROWS);
    expect(new Set(rows.map((r) => `${r.leaf_path}|${r.batch_index}`)).size).toBe(BATCHES * LEAVES.length);
    // The second worker only generated what the first had not saved, and together they cover every batch.
    expect(resumed.filter((k) => beforeKill.includes(k))).toEqual([]);
    expect(resumed.length + beforeKill.length).toBe(BATCHES * LEAVES.length);
    expect((await job(j.id)).attempts).toBe(2);
    while (workers.length) await workers.pop()?.stop();
  });

  it('stops a running job promptly when it is canceled', async () => {
    let started = 0;
    let ended = 0;
    let saved = 0;
    const run = batchWriter({
      batches: 200,
      rowsPerBatch: 1,
      batchMs: 100,
      onBatch: () => saved++,
      onRun: (_id, d) => void (d === 1 ? started++ : ended++),
    });
    workers.push(await startFixtureWorker(fixture, ds, run));
    const j = await enqueueJob(ds, relay, queue);
    await waitFor(async () => (await job(j.id)).status === 'running' && saved >= 2, 15_000);

    const savedAtCancel = saved;
    await ds.transaction((m) => cancelDataJobIn(m, j));
    relay.nudge();
    await waitFor(() => ended === 1, 60_000, 10);
    // Promptly, counted in the stand-in's batches (100 ms each) rather than in wall-clock time: a few batches while
    // the notice travels (outbox, JetStream, the worker; the heartbeat as a fallback), not the ~400 the job has left.
    expect(saved - savedAtCancel).toBeLessThanOrEqual(20);

    // Nothing runs again: the row is settled and its queue message is neither pending nor awaiting an ack, the only
    // ways a second run could start. Waiting for that (not for a fixed time) shows the worker is past that point.
    const savedAtEnd = saved;
    const jsm = await jetstreamManager(nc);
    await waitFor(async () => {
      const [row, info] = await Promise.all([job(j.id), jsm.consumers.info(queue.stream, queue.durable)]);
      return row.status === 'canceled' && row.leaseOwner === null && info.num_ack_pending === 0 && info.num_pending === 0;
    }, 30_000);
    expect(saved).toBe(savedAtEnd);
    expect(started).toBe(1);
    const row = await job(j.id);
    expect(row.status).toBe('canceled');
    expect(row.completedAt).toBeInstanceOf(Date);
    expect(row.leaseOwner).toBeNull();
    while (workers.length) await workers.pop()?.stop();
  });
});
