import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { createLogger, serviceDataSourceOptions } from '@platform/common';
import { OutboxRelay, encodeEvent, enqueueEvent, ensureStream, outboxMigration } from '@platform/events';
import { waitFor } from '@platform/test-fixtures';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { PhaseCallbacks, PhaseOutcome, PhaseSpec, TrainingExecutor } from '../executors/executor';
import { defaultHyperparameters } from '../hyperparameters';
import { TrainingSchema1763900000400 } from '../migrations/1763900000400-training-schema';
import { TrainingJobLease1763900000410 } from '../migrations/1763900000410-training-job-lease';
import { Tunings1763900000420 } from '../migrations/1763900000420-tunings';
import { ModelJobEntity } from '../model-job.entity';
import { TRAINING_SCHEMA } from '../model-jobs.service';
import { loadTrainingConfig, type TrainingConfig } from '../training-config';
import { jobQueueCatalog, trainingEventCatalog } from '../training-events';
import { createDatabase, objectStoreOf } from '../testing/training-fixture';
import { JobStore } from './job-store';
import { ModelTrainer } from './model-trainer';
import { TrainingJobWrites } from './training-job-writes';
import { startTrainingWorker, type TrainingWorker } from './training-worker';

const tag = randomBytes(4).toString('hex');
const root = mkdtempSync(join(tmpdir(), 'training-worker-'));

/**
 * A remote-style executor (nothing staged locally) that "trains" each epoch in `epochMs` and counts how many runs of
 * one job overlap, so a job trained on two workers at once shows up.
 */
class CountingExecutor implements TrainingExecutor {
  readonly kind = 'process' as const;
  readonly local = false;
  maxOverlap = 0;
  readonly epochsTrained = new Map<string, number>();
  private readonly running = new Map<string, number>();

  constructor(private readonly epochMs: number) {}

  describe() {
    return { executor: 'counting' };
  }

  async runPhase(spec: PhaseSpec, cb: PhaseCallbacks): Promise<PhaseOutcome> {
    const n = (this.running.get(spec.modelId) ?? 0) + 1;
    this.running.set(spec.modelId, n);
    this.maxOverlap = Math.max(this.maxOverlap, n);
    try {
      for (let epoch = spec.resumeFromEpoch + 1; epoch <= spec.settings.epochs; epoch++) {
        await new Promise((r) => setTimeout(r, this.epochMs));
        if (cb.signal.aborted) return { status: 'canceled' };
        cb.onStep({ step: epoch, epoch, loss: 1 / epoch, lr: 1e-3, tokensPerSecond: 100 });
        const key = `${spec.modelId}|${spec.phase}|${epoch}`;
        this.epochsTrained.set(key, (this.epochsTrained.get(key) ?? 0) + 1);
        await cb.onCheckpoint({ epoch, globalStep: epoch, totalSteps: spec.settings.epochs });
      }
      return { status: 'completed' };
    } finally {
      this.running.set(spec.modelId, (this.running.get(spec.modelId) ?? 1) - 1);
    }
  }
}

let db: DataSource;
let nc: NatsConnection;
let relay: OutboxRelay;
let config: TrainingConfig;
const workers: { worker: TrainingWorker; nc: NatsConnection }[] = [];

async function startWorker(executor: TrainingExecutor): Promise<void> {
  const conn = await connect({ servers: inject('natsUrl') });
  const events = trainingEventCatalog(config.eventsPrefix);
  const jobs = new JobStore(db, relay, events);
  const writes = new TrainingJobWrites(events);
  const trainer = new ModelTrainer(objectStoreOf({ ...infra(), s3: inject('s3') }), jobs, writes, executor, config);
  const worker = await startTrainingWorker({
    db,
    nc: conn,
    relay,
    config,
    queue: jobQueueCatalog(config.jobsPrefix),
    events,
    jobs,
    writes,
    trainer,
    logger: createLogger('training-test-worker'),
  });
  workers.push({ worker, nc: conn });
}

const infra = () => ({ databaseUrl: inject('databaseUrl'), natsUrl: inject('natsUrl') });

/** A queued job with its queue message, as ModelJobsService.create writes them (without the data checks). */
async function enqueueJob(): Promise<ModelJobEntity> {
  const hyperparameters = defaultHyperparameters('process');
  hyperparameters.phase1.epochs = 2;
  hyperparameters.phase2.epochs = 2;
  const row = await db.transaction(async (m) => {
    const repo = m.getRepository(ModelJobEntity);
    const saved = await repo.save(
      repo.create({
        projectId: randomUUID(),
        name: `m-${randomBytes(3).toString('hex')}`,
        baseModel: 'tiny-base',
        dataId: randomUUID(),
        taxonomyId: randomUUID(),
        status: 'queued',
        state: '',
        createdBy: 'test',
        executor: 'process',
        hyperparameters,
      }),
    );
    await enqueueEvent(
      m,
      TRAINING_SCHEMA,
      jobQueueCatalog(config.jobsPrefix).create('training.run', { modelId: saved.id, projectId: saved.projectId ?? '' }),
    );
    return saved;
  });
  relay.nudge();
  return row;
}

beforeAll(async () => {
  const url = await createDatabase(inject('databaseUrl'), `training_worker_${tag}`);
  config = loadTrainingConfig({
    PLATFORM_TRAINING_WORK_DIR: join(root, 'work'),
    PLATFORM_EVENTS_PREFIX: `tw${tag}.events`,
    PLATFORM_EVENTS_STREAM: `TRAINING_WORKER_EVENTS_${tag.toUpperCase()}`,
    PLATFORM_TRAINING_JOBS_PREFIX: `tw${tag}.jobs`,
    PLATFORM_TRAINING_JOBS_STREAM: `TRAINING_WORKER_JOBS_${tag.toUpperCase()}`,
    PLATFORM_TRAINING_DURABLE_PREFIX: `training_worker_${tag}`,
    PLATFORM_TRAINING_JOB_ACK_WAIT_MS: '2000',
    PLATFORM_TRAINING_LEASE_MS: '2000',
    PLATFORM_TRAINING_CANCEL_POLL_MS: '200',
  });
  db = await new DataSource(
    await serviceDataSourceOptions({
      url,
      schema: TRAINING_SCHEMA,
      entities: [ModelJobEntity],
      migrations: [outboxMigration(TRAINING_SCHEMA), TrainingSchema1763900000400, TrainingJobLease1763900000410, Tunings1763900000420],
    }),
  ).initialize();
  nc = await connect({ servers: inject('natsUrl') });
  const jsm = await jetstreamManager(nc);
  await ensureStream(jsm, { name: config.eventsStream, subjects: [`${config.eventsPrefix}.>`] });
  await ensureStream(jsm, { name: config.jobsStream, subjects: [`${config.jobsPrefix}.training.>`], retention: 'workqueue' });
  relay = new OutboxRelay({ dataSource: db, schema: TRAINING_SCHEMA, nc, pollIntervalMs: 100 });
  relay.start();
});

afterAll(async () => {
  for (const w of workers) {
    await w.worker.stop();
    await w.nc.close();
  }
  await relay?.stop();
  await nc?.close();
  await db?.destroy();
  rmSync(root, { recursive: true, force: true });
});

describe('training workers on the JetStream work queue', () => {
  it('never train one job on two workers, even when its message is delivered twice', async () => {
    const executor = new CountingExecutor(150);
    await startWorker(executor);
    await startWorker(executor);

    const jobs = await Promise.all([1, 2, 3].map(() => enqueueJob()));
    // A second message for every job, as after a lost ack: both workers now hold a message for the same job.
    const js = jetstream(nc);
    for (const j of jobs) {
      const dup = jobQueueCatalog(config.jobsPrefix).create('training.run', { modelId: j.id, projectId: j.projectId ?? '' });
      await js.publish(dup.subject, encodeEvent(dup));
    }

    const row = (id: string) => db.getRepository(ModelJobEntity).findOneByOrFail({ id });
    for (const j of jobs) await waitFor(async () => (await row(j.id)).state === 'evaluating', 60_000);
    // The duplicates were delivered and turned away once the queue holds nothing pending or unacked.
    const jsm = await jetstreamManager(nc);
    await waitFor(async () => {
      const info = await jsm.consumers.info(config.jobsStream, `${config.durablePrefix}-workers`);
      return info.num_pending === 0 && info.num_ack_pending === 0;
    }, 30_000);

    expect(executor.maxOverlap).toBe(1);
    expect([...executor.epochsTrained.values()].every((n) => n === 1)).toBe(true);
    expect(executor.epochsTrained.size).toBe(3 * 4);
    for (const j of jobs) {
      const done = await row(j.id);
      expect(done).toMatchObject({ status: 'running', state: 'evaluating', attempts: 1, leaseOwner: null, leaseExpiresAt: null });
      expect(done.checkpoints.map((c) => `${c.phase}/${c.epoch}`)).toEqual(['1/1', '1/2', '2/1', '2/2']);
      expect(done.progress).toMatchObject({ phase: 2, epoch: 2, epochs: 2 });
    }
  }, 90_000);
});
