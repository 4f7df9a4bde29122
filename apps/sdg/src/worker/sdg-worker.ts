import type { NatsConnection } from '@nats-io/nats-core';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError, type Logger } from '@platform/common';
import type { taxonomyV1 } from '@platform/contracts';
import { sdgEvents, type EventEnvelope } from '@platform/events';
import { QueuedJobRunner, RetryJobLater, type JobContext } from '@platform/jobs';
import type { ObjectStore } from '@platform/object-store';
import type { DataSource } from 'typeorm';
import { DataJobEntity } from '../jobs/data-job.entity';
import { SDG_SCHEMA } from '../jobs/data-job.store';
import { sdgJobSubjects, type SdgQueueConfig, type SdgRunJob } from '../jobs/sdg-events';
import type { RunSdg, SdgProgress, SdgRunContext } from '../pipelines/contract';
import { outputKey } from './output-key';
import { PgCheckpointStore } from './pg-checkpoint-store';
import { completeWrite, failedEvent, progressWrite, stageWrite } from './sdg-job-writes';

export interface SdgWorkerOptions {
  db: DataSource;
  nc: NatsConnection;
  store: ObjectStore;
  relay?: { nudge(): void };
  queue: SdgQueueConfig;
  runSdg: RunSdg;
  /** The job's taxonomy leaves (the taxonomy service's GetTaxonomyContent). */
  loadLeaves(job: DataJobEntity): Promise<taxonomyV1.TaxonomyLeaf[]>;
  logger: Logger;
  /** Jobs run at once by this process. */
  concurrency: number;
  /** How long a claim holds without a heartbeat. Default 30 s. */
  leaseMs?: number;
  /** Heartbeat period; also how soon a cancel is noticed when its notice is missed. Default 2 s. */
  heartbeatMs?: number;
  /** Minimum gap between progress writes. Default 1 s. */
  progressIntervalMs?: number;
  /** JetStream ack wait of the queue consumer; a crashed worker's job is redelivered after it. Default 30 s. */
  ackWaitMs?: number;
  /** Claims of one job before it fails. Default 20. */
  maxAttempts?: number;
  /** Default pipeline options (tests ask for small runs). */
  runOptions?: SdgRunContext['options'];
}

/** Runs SDG jobs from the work queue on the platform's job runner (lease, heartbeat, cancel, release on shutdown). */
export class SdgWorker {
  private readonly runner: QueuedJobRunner<DataJobEntity, SdgProgress>;

  constructor(private readonly o: SdgWorkerOptions) {
    const dataId = (e: EventEnvelope) => (e.data as SdgRunJob).dataId;
    this.runner = new QueuedJobRunner<DataJobEntity, SdgProgress>({
      name: 'sdg',
      db: o.db,
      nc: o.nc,
      relay: o.relay,
      logger: o.logger,
      table: {
        schema: SDG_SCHEMA,
        entity: DataJobEntity,
        onClaim: ["state = CASE WHEN status = 'queued' THEN 'starting' ELSE state END", 'started_at = COALESCE(started_at, now())'],
      },
      queue: {
        stream: o.queue.stream,
        subjects: sdgJobSubjects(o.queue),
        durable: o.queue.durable,
        subject: `${o.queue.subjectPrefix}.sdg.run`,
      },
      jobId: dataId,
      cancelNotices: { subjects: [sdgEvents.subject('sdg.job.canceled')], jobId: dataId },
      failedEvent,
      progress: { write: progressWrite, intervalMs: o.progressIntervalMs ?? 1_000 },
      run: (job, ctx) => this.run(job, ctx),
      concurrency: o.concurrency,
      leaseMs: o.leaseMs,
      heartbeatMs: o.heartbeatMs,
      ackWaitMs: o.ackWaitMs,
      maxAttempts: o.maxAttempts,
    });
  }

  get owner(): string {
    return this.runner.owner;
  }

  start(): Promise<void> {
    return this.runner.start();
  }

  /** Hands running jobs back to the queue (their checkpoints keep what is done) and stops pulling. */
  stop(): Promise<void> {
    return this.runner.stop();
  }

  private async run(job: DataJobEntity, ctx: JobContext<SdgProgress>): Promise<void> {
    const { signal } = ctx;
    await ctx.write(stageWrite(job.id, 'loading'));
    const leaves = await this.o.loadLeaves(job).catch((err: unknown) => {
      // The taxonomy service is down: not the job's fault, so it goes back to the queue instead of failing.
      throw isUnavailable(err) ? new RetryJobLater(`taxonomy content unavailable for job ${job.id}`, { cause: err }) : err;
    });
    signal.throwIfAborted();
    const result = await this.o.runSdg({
      jobId: job.id,
      projectId: job.projectId,
      taxonomyId: job.taxonomyId,
      leaves,
      readObject: async (key) => (await this.o.store.getBuffer(key)).toString('utf8'),
      writeOutput: async (relativeKey, body) => {
        signal.throwIfAborted();
        await this.o.store.put(outputKey(job.id, relativeKey), Buffer.from(body, 'utf8'));
      },
      teacherModel: job.teacherModel,
      judgeModel: job.judgeModel,
      checkpoints: new PgCheckpointStore(this.o.db, job.id),
      progress: (p) => ctx.progress({ ...p }),
      signal,
      options: { ...this.o.runOptions, ...job.options },
    });
    signal.throwIfAborted();
    if (await ctx.finish(completeWrite(job, result))) ctx.log.info({ samples: result.samples }, 'sdg job completed');
  }
}

function isUnavailable(err: unknown): boolean {
  return err instanceof PlatformError && err.grpcCode === GrpcStatus.UNAVAILABLE;
}
