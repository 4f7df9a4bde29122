import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import type { Logger } from '@platform/common';
import {
  decodeEvent,
  ensureStream,
  InvalidEventError,
  startConsumer,
  type ConsumerContext,
  type EventConsumer,
  type EventEnvelope,
  type OutboxRelay,
} from '@platform/events';
import { inSpan } from '@platform/telemetry';
import type { DataSource } from 'typeorm';
import { isDependencyUnavailable } from './dependency-unavailable';
import { JobInterrupted, JobLeaseHeldError, RetryJobLater, stopReason } from './errors';
import { failureReason } from './failure-reason';
import { JobRun, type JobContext, type ProgressWrite } from './job-run';
import { LeasedJobTable, type JobTable } from './job-table';

/** The work queue: a JetStream stream with workqueue retention, one message per job to run, one durable shared by all workers. */
export interface JobQueue {
  stream: string;
  /** The stream's subjects. */
  subjects: string[];
  /** The consumer every worker of this job kind shares. */
  durable: string;
  /** The subject of this kind's run messages. */
  subject: string;
}

export interface QueuedJobRunnerOptions<J extends { id: string }, P = never> {
  /** The job kind, e.g. `sdg`: names this worker (`<name>-<uuid>`) and its log lines. */
  name: string;
  db: DataSource;
  nc: NatsConnection;
  /** Nudged after each write, so announced changes are published at once. */
  relay?: Pick<OutboxRelay, 'nudge'>;
  logger: Logger;
  table: JobTable<J>;
  queue: JobQueue;
  /** The job id a queue message points at (the message is only a pointer; the row holds the job); undefined: poison. */
  jobId(message: EventEnvelope): string | undefined;
  /** Runs the job. It ends with `ctx.finish(...)`, or throws; it stops when `ctx.signal` aborts. */
  run(job: J, ctx: JobContext<P>): Promise<void>;
  /** The event announcing the terminal failure, written with it. */
  failedEvent(job: J, reason: string): EventEnvelope;
  /**
   * Removes what earlier attempts wrote (objects, indexes) when the runner fails a job without running it again: it gave
   * up after maxAttempts claims whose workers died, so the handler's own clean-up, which each attempt runs first, never
   * comes. `reason` is the one the job fails with. A throw leaves the job for a later delivery.
   */
  discard?(job: J, reason: string): Promise<void>;
  /** Events that stop a running job at once (a plain subscription; the heartbeat notices a missed one). */
  cancelNotices?: { subjects: string[]; jobId(event: EventEnvelope): string | undefined };
  /** Where `ctx.progress(value)` goes, at most once per `intervalMs` (default 1 s). */
  progress?: { write: ProgressWrite<J, P>; intervalMs?: number };
  /** Jobs run at once by this worker. Default 1. */
  concurrency?: number;
  /** How long a claim holds without a heartbeat. Default 30 s. */
  leaseMs?: number;
  /** Heartbeat period; also how soon a missed cancel notice is noticed. Default 2 s. */
  heartbeatMs?: number;
  /** JetStream ack wait of the queue consumer: a dead worker's message comes back after it. Default 30 s. */
  ackWaitMs?: number;
  /** Claims of one job before it fails with "gave up after N attempts: …". Default 20. */
  maxAttempts?: number;
}

/**
 * Runs one kind of queued job on any number of workers. Each queue message is only a pointer to the job's row; the
 * row's lease decides who runs it, so a message delivered twice (ack lost, worker crashed) never runs one job on two
 * workers at once. See the package doc (`index.ts`) for the whole contract.
 */
export class QueuedJobRunner<J extends { id: string }, P = never> {
  readonly owner: string;
  private readonly table: LeasedJobTable<J>;
  private readonly runs = new Map<string, JobRun<J, P>>();
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private consumer: EventConsumer | undefined;
  private cancelSubs: Subscription[] = [];
  private stopping = false;

  constructor(private readonly o: QueuedJobRunnerOptions<J, P>) {
    this.owner = `${o.name}-${randomUUID()}`;
    this.table = new LeasedJobTable(o.db, o.table);
    this.leaseMs = o.leaseMs ?? 30_000;
    this.maxAttempts = o.maxAttempts ?? 20;
    if ((o.heartbeatMs ?? 2_000) >= this.leaseMs) throw new Error(`${o.name} jobs: the heartbeat must be shorter than the lease`);
  }

  async start(): Promise<void> {
    const { queue } = this.o;
    await ensureStream(await jetstreamManager(this.o.nc), { name: queue.stream, subjects: queue.subjects, retention: 'workqueue' });
    const notices = this.o.cancelNotices;
    if (notices) this.cancelSubs = this.subscribeCancels(notices);
    this.consumer = await startConsumer({
      nc: this.o.nc,
      stream: queue.stream,
      durable: queue.durable,
      filterSubject: queue.subject,
      concurrency: Math.max(1, this.o.concurrency ?? 1),
      // A job's message stays with it until the job ends: the runner bounds attempts on the row, not on deliveries.
      maxDeliver: -1,
      ackWait: this.o.ackWaitMs ?? 30_000,
      nakDelayMs: (n) => (n <= 1 ? 1_000 : Math.min(this.leaseMs, 1_000 * n)),
      logger: this.o.logger,
      // The consumer runs each handler under its message's transaction id and trace.
      handler: (message, delivery) => this.handle(message, delivery),
    });
  }

  /** Stops running jobs (their leases are released, their messages go back to the queue) and stops pulling. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const run of this.runs.values()) run.stop('shutdown');
    await this.consumer?.stop();
    for (const sub of this.cancelSubs) sub.unsubscribe();
  }

  private async handle(message: EventEnvelope, delivery: ConsumerContext): Promise<void> {
    const id = this.o.jobId(message);
    if (!id) throw new InvalidEventError(`${this.o.name} queue message ${message.id} names no job`);
    if (this.runs.has(id)) throw new JobLeaseHeldError(`job ${id} is already running on this worker`);
    const claim = await this.table.claim(id, this.owner, this.leaseMs);
    if (claim.kind === 'gone') return;
    if (claim.kind === 'held') throw new JobLeaseHeldError(`job ${id} is running on ${claim.owner ?? 'another worker'}`);
    const job = await this.table.find(id);
    if (!job) return;
    const run = new JobRun<J, P>({
      db: this.o.db,
      table: this.table,
      job,
      owner: this.owner,
      attempt: claim.attempts,
      leaseMs: this.leaseMs,
      heartbeatMs: this.o.heartbeatMs ?? 2_000,
      log: this.o.logger.child({ job: id, worker: this.owner }),
      relay: this.o.relay,
      working: () => delivery.working(),
      progress: this.o.progress && { write: this.o.progress.write, intervalMs: this.o.progress.intervalMs ?? 1_000 },
    });
    this.runs.set(id, run);
    if (this.stopping) run.stop('shutdown');
    try {
      await this.settle(job, run);
    } finally {
      run.close();
      this.runs.delete(id);
      // Whatever happened, the job is not this worker's any more: another one may take it at once.
      await this.table.release(id, this.owner).catch((err: unknown) => run.log.warn({ err }, 'lease release failed'));
    }
  }

  /** Runs the job and turns how it ended into the job's state and the message's fate (ack, or nak to run again). */
  private async settle(job: J, run: JobRun<J, P>): Promise<void> {
    const { name } = this.o;
    if (run.attempt > this.maxAttempts) {
      const reason = `gave up after ${this.maxAttempts} attempts: the last one ended without a result (its worker stopped)`;
      await this.o.discard?.(job, reason);
      return this.fail(job, run, reason);
    }
    run.log.info({ attempt: run.attempt }, `${name} job started`);
    try {
      await this.invoke(job, run);
      if (run.finished) return run.log.info(`${name} job finished`);
    } catch (err) {
      if (stopReason(run.signal) === 'shutdown') throw new JobInterrupted(`job ${job.id} interrupted by shutdown`, { cause: err });
      if (stopReason(run.signal)) return run.log.info({ reason: stopReason(run.signal) }, `${name} job stopped`);
      // A service or the database it needs restarting is not the job's fault: it goes back to the queue.
      if (!(err instanceof RetryJobLater) && !isDependencyUnavailable(err)) return this.fail(job, run, readableReason(err));
      if (run.attempt >= this.maxAttempts) return this.fail(job, run, `gave up after ${run.attempt} attempts: ${readableReason(err)}`);
      run.log.info({ err }, `${name} job will be retried`);
      throw err;
    }
    const reason = stopReason(run.signal);
    if (reason === 'shutdown') throw new JobInterrupted(`job ${job.id} interrupted by shutdown`);
    if (reason) return run.log.info({ reason }, `${name} job stopped`);
    // A handler that returns without its last write would leave the job running with nobody on it.
    return this.fail(job, run, `${name} job handler returned without finishing the job`);
  }

  /**
   * The one place a handler runs: in a span (when tracing) under the queue message's, so the job's work continues
   * the trace of the request that created it.
   */
  private invoke(job: J, run: JobRun<J, P>): Promise<void> {
    return inSpan(`${this.o.name} job`, { 'platform.job.id': job.id, 'platform.job.attempt': run.attempt }, () => this.o.run(job, run));
  }

  private async fail(job: J, run: JobRun<J, P>, message: string): Promise<void> {
    run.log.warn({ reason: message }, `${this.o.name} job failed`);
    const reason = failureReason(message);
    await run.end(async (m) => {
      await this.table.markFailed(m, job.id, reason);
      return [this.o.failedEvent(job, reason)];
    });
  }

  private subscribeCancels(notices: NonNullable<QueuedJobRunnerOptions<J, P>['cancelNotices']>): Subscription[] {
    const stopRun = (data: Uint8Array) => {
      try {
        const id = notices.jobId(decodeEvent(data));
        if (id) this.runs.get(id)?.stop('canceled');
      } catch {
        // not an event: ignore
      }
    };
    return notices.subjects.map((subject) =>
      this.o.nc.subscribe(subject, {
        callback: (err, msg) => {
          if (!err) stopRun(msg.data);
        },
      }),
    );
  }
}

function readableReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.trim() || 'the job failed for an unknown reason';
}
