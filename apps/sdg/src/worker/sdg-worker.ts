import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError, type Logger } from '@platform/common';
import type { taxonomyV1 } from '@platform/contracts';
import { decodeEvent, ensureStream, startConsumer, type EventConsumer, type EventEnvelope } from '@platform/events';
import type { ObjectStore } from '@platform/object-store';
import type { DataSource } from 'typeorm';
import type { DataJobEntity } from '../jobs/data-job.entity';
import { DataJobStore } from '../jobs/data-job.store';
import { sdgEvents, sdgJobSubjects, type SdgQueueConfig, type SdgRunJob } from '../jobs/sdg-events';
import type { RunSdg, SdgRunContext } from '../pipelines/contract';
import { outputKey } from './output-key';
import { PgCheckpointStore } from './pg-checkpoint-store';
import { ProgressThrottle } from './progress-throttle';

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
  /** Default pipeline options (tests ask for small runs). */
  runOptions?: SdgRunContext['options'];
}

/** A redelivered job whose lease is alive elsewhere: handed back to the queue until that lease ends or the job finishes. */
export class JobLeaseHeldError extends Error {}

/** The job could not start for a passing reason; its message is retried later. */
class RequeueJob extends Error {}

type AbortReason = 'canceled' | 'lease-lost' | 'shutdown';

/**
 * Runs SDG jobs from the work queue. Each message is only a pointer to the job row: the row's lease decides who runs
 * it, so a message delivered twice (ack lost, worker crashed) never runs one job on two workers at once.
 */
export class SdgWorker {
  readonly owner = `sdg-${randomUUID()}`;
  private consumer: EventConsumer | undefined;
  private cancelSub: Subscription | undefined;
  private readonly running = new Map<string, AbortController>();
  private readonly jobs: DataJobStore;
  private readonly leaseMs: number;
  private readonly heartbeatMs: number;

  constructor(private readonly o: SdgWorkerOptions) {
    this.jobs = new DataJobStore(o.db, o.relay);
    this.leaseMs = o.leaseMs ?? 30_000;
    this.heartbeatMs = o.heartbeatMs ?? 2_000;
  }

  async start(): Promise<void> {
    await ensureStream(await jetstreamManager(this.o.nc), {
      name: this.o.queue.stream,
      subjects: sdgJobSubjects(this.o.queue),
      retention: 'workqueue',
    });
    this.cancelSub = this.o.nc.subscribe(sdgEvents.subject('sdg.job.canceled'), {
      callback: (err, msg) => {
        if (err) return;
        try {
          const event = decodeEvent(msg.data);
          if (sdgEvents.is(event, 'sdg.job.canceled')) this.running.get(event.data.dataId)?.abort('canceled' satisfies AbortReason);
        } catch {
          // not an event: ignore
        }
      },
    });
    this.consumer = await startConsumer<EventEnvelope<SdgRunJob>>({
      nc: this.o.nc,
      stream: this.o.queue.stream,
      durable: this.o.queue.durable,
      filterSubject: `${this.o.queue.subjectPrefix}.sdg.run`,
      concurrency: Math.max(1, this.o.concurrency),
      // A job's message stays with it until the job ends: unlimited deliveries, in-progress acks while it runs.
      maxDeliver: -1,
      ackWait: this.o.ackWaitMs ?? 30_000,
      nakDelayMs: (n) => (n <= 1 ? 1_000 : Math.min(this.leaseMs, 1_000 * n)),
      logger: this.o.logger,
      handler: (event) => this.handle(event.data),
    });
  }

  /** Aborts running jobs (handing them to another worker) and stops pulling. */
  async stop(): Promise<void> {
    for (const c of this.running.values()) c.abort('shutdown' satisfies AbortReason);
    await this.consumer?.stop();
    this.cancelSub?.unsubscribe();
  }

  private async handle(msg: SdgRunJob): Promise<void> {
    const claim = await this.jobs.claim(msg.dataId, this.owner, this.leaseMs);
    if (claim.kind === 'gone') return;
    if (claim.kind === 'held') throw new JobLeaseHeldError(`job ${msg.dataId} is running on ${claim.owner ?? 'another worker'}`);
    await this.run(claim.job);
  }

  private async run(job: DataJobEntity): Promise<void> {
    const log = this.o.logger.child({ dataId: job.id, worker: this.owner });
    const abort = new AbortController();
    this.running.set(job.id, abort);
    const heartbeat = setInterval(() => {
      this.jobs.heartbeat(job.id, this.owner, this.leaseMs).then(
        (ok) => {
          if (!ok) abort.abort('lease-lost' satisfies AbortReason);
        },
        (err: unknown) => log.warn({ err }, 'heartbeat failed'),
      );
    }, this.heartbeatMs);
    const progress = new ProgressThrottle(async (p) => {
      if (!(await this.jobs.recordProgress(job, this.owner, p))) abort.abort('lease-lost' satisfies AbortReason);
    }, this.o.progressIntervalMs ?? 1_000);
    try {
      log.info({ attempt: job.attempts }, 'sdg job started');
      await this.jobs.setStage(job.id, this.owner, 'loading');
      const leaves = await this.o.loadLeaves(job).catch((err: unknown) => {
        // The taxonomy service is down: not the job's fault, so it goes back to the queue instead of failing.
        throw isUnavailable(err) ? new RequeueJob(`taxonomy content unavailable for job ${job.id}`, { cause: err }) : err;
      });
      abort.signal.throwIfAborted();
      const result = await this.o.runSdg({
        jobId: job.id,
        projectId: job.projectId,
        taxonomyId: job.taxonomyId,
        leaves,
        readObject: async (key) => (await this.o.store.getBuffer(key)).toString('utf8'),
        writeOutput: async (relativeKey, body) => {
          abort.signal.throwIfAborted();
          await this.o.store.put(outputKey(job.id, relativeKey), Buffer.from(body, 'utf8'));
        },
        teacherModel: job.teacherModel,
        judgeModel: job.judgeModel,
        checkpoints: new PgCheckpointStore(this.o.db, job.id),
        progress: (p) => progress.report(p),
        signal: abort.signal,
        options: { ...this.o.runOptions, ...job.options },
      });
      abort.signal.throwIfAborted();
      await progress.flush();
      if (await this.jobs.complete(job, this.owner, result)) log.info({ samples: result.samples }, 'sdg job completed');
    } catch (err) {
      progress.stop();
      const reason = abort.signal.aborted ? (abort.signal.reason as AbortReason) : undefined;
      if (reason === 'shutdown') {
        await this.jobs.release(job.id, this.owner);
        // Back to the queue for another worker; the checkpoints keep what is done.
        throw new Error(`job ${job.id} interrupted by shutdown`, { cause: err });
      }
      if (reason === 'canceled' || reason === 'lease-lost') {
        log.info({ reason }, 'sdg job stopped');
        return;
      }
      if (err instanceof RequeueJob) {
        await this.jobs.release(job.id, this.owner);
        throw err;
      }
      const message = readableReason(err);
      log.warn({ err, reason: message }, 'sdg job failed');
      await this.jobs.fail(job, this.owner, message);
    } finally {
      clearInterval(heartbeat);
      this.running.delete(job.id);
    }
  }
}

function isUnavailable(err: unknown): boolean {
  return err instanceof PlatformError && err.grpcCode === GrpcStatus.UNAVAILABLE;
}

function readableReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.trim() || 'Synthetic data generation failed for an unknown reason.';
}
