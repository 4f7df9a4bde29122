import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from '@platform/common';
import type { EventEnvelope, OutboxRelay } from '@platform/events';
import { QueuedJobRunner } from '@platform/jobs';
import type { DataSource } from 'typeorm';
import { ModelJobEntity, type StoredProgress } from '../model-job.entity';
import { TRAINING_SCHEMA } from '../model-jobs.service';
import type { TrainingConfig } from '../training-config';
import type { JobQueueCatalog, TrainingEventCatalog, TrainingRun } from '../training-events';
import type { JobStore } from './job-store';
import type { ModelTrainer } from './model-trainer';
import type { TuningTrainer } from '../tunings/tuning-trainer';
import type { TrainingJobWrites } from './training-job-writes';

export interface TrainingWorker {
  readonly owner: string;
  /** Stops the running trainers (their jobs go back to the queue and resume elsewhere) and stops pulling. */
  stop(): Promise<void>;
}

/**
 * Runs training jobs from the JetStream work queue on the platform's job runner: a worker claims the job's row with a
 * lease, so a message delivered twice never trains one job on two workers; a worker that dies mid-epoch stops
 * renewing its lease, and once it lapsed (and the message came back after the ack wait) another worker resumes the
 * job from its last checkpoint. The worker's part ends at `evaluating`; the evaluation verdict finishes the job.
 */
export async function startTrainingWorker(o: {
  db: DataSource;
  nc: NatsConnection;
  relay: Pick<OutboxRelay, 'nudge'>;
  config: TrainingConfig;
  queue: JobQueueCatalog;
  events: TrainingEventCatalog;
  jobs: JobStore;
  writes: TrainingJobWrites;
  trainer: ModelTrainer;
  /** Runs every kind but instructlab (tunings); without it such a job fails. */
  tunings?: TuningTrainer;
  logger: Logger;
}): Promise<TrainingWorker> {
  const { config } = o;
  const modelId = (e: EventEnvelope) => (e.data as Partial<TrainingRun>).modelId;
  const runner = new QueuedJobRunner<ModelJobEntity, StoredProgress>({
    name: 'training',
    db: o.db,
    nc: o.nc,
    relay: o.relay,
    logger: o.logger,
    table: {
      schema: TRAINING_SCHEMA,
      entity: ModelJobEntity,
      onClaim: [
        'running_at = coalesce(running_at, now())',
        'modified_at = now()',
        // Tunings show the watsonx states: claimed is pending (staging data) until training runs.
        "state = CASE WHEN state <> '' THEN state WHEN kind = 'instructlab' THEN 'preparing' ELSE 'pending' END",
      ],
      onFail: ["state = 'failed'", 'modified_at = now()'],
      claimableWhen: "state <> 'evaluating'",
    },
    queue: {
      stream: config.jobsStream,
      subjects: [`${config.jobsPrefix}.training.>`],
      durable: `${config.durablePrefix}-workers`,
      subject: o.queue.subject('training.run'),
    },
    jobId: modelId,
    cancelNotices: { subjects: o.events.subjects('training.job.canceled', 'training.job.deleted'), jobId: modelId },
    failedEvent: (job, reason) => o.jobs.failedEvent(job, reason),
    progress: { write: o.writes.progress, intervalMs: 1_000 },
    run: (job, ctx) => {
      if (job.kind === 'instructlab') return o.trainer.run(job, ctx);
      if (!o.tunings) throw new Error(`this worker runs no ${job.kind} jobs`);
      return o.tunings.run(job, ctx);
    },
    concurrency: Math.max(1, config.workerConcurrency),
    leaseMs: config.leaseMs,
    heartbeatMs: config.cancelPollMs,
    ackWaitMs: config.jobAckWaitMs,
    maxAttempts: config.maxAttempts,
  });
  await runner.start();
  return runner;
}
