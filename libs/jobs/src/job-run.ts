import type { Logger } from '@platform/common';
import { enqueueEvents, type EventEnvelope, type OutboxRelay } from '@platform/events';
import type { DataSource, EntityManager } from 'typeorm';
import type { JobStopReason } from './errors';
import type { LeasedJobTable } from './job-table';
import { ProgressThrottle } from './progress-throttle';

/** Writes to the job's rows inside the runner's transaction; the events it returns are announced with them (outbox). */
export type LeasedWrite = (m: EntityManager) => Promise<readonly EventEnvelope[] | void>;

/** Writes one progress value (the row and, usually, a progress event). */
export type ProgressWrite<J, P> = (m: EntityManager, job: J, progress: P) => Promise<readonly EventEnvelope[] | void>;

/** What a handler gets with its job. */
export interface JobContext<P = never> {
  /** This worker's id, as stored in `lease_owner`. */
  readonly owner: string;
  /** 1 on the first claim; more after a crash, a shutdown or a retry. */
  readonly attempt: number;
  /** Aborts when the job is canceled (or deleted), its lease is lost, or the worker shuts down; see `stopReason`. */
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** Reports progress; written (throttled, latest value wins) with the runner's `progress` writer. */
  progress(value: P): void;
  /** Runs `write` in one transaction while this worker holds the job; false (nothing written, signal aborted) otherwise. */
  write(write: LeasedWrite): Promise<boolean>;
  /** The job's last write (completed, or the worker's part done): pending progress first, then `write` and the lease cleared. */
  finish(write: LeasedWrite): Promise<boolean>;
}

export interface JobRunOptions<J extends { id: string }, P> {
  db: DataSource;
  table: LeasedJobTable<J>;
  job: J;
  owner: string;
  attempt: number;
  leaseMs: number;
  heartbeatMs: number;
  log: Logger;
  relay?: Pick<OutboxRelay, 'nudge'>;
  /** JetStream in-progress ack of the job's message. */
  working(): void;
  progress?: { write: ProgressWrite<J, P>; intervalMs: number };
}

/** One claimed job while it runs: its heartbeat, its abort signal, and every write it makes under its lease. */
export class JobRun<J extends { id: string }, P> implements JobContext<P> {
  private readonly abort = new AbortController();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly throttle: ProgressThrottle<P> | undefined;
  private beating = false;
  /** The last write went through: the job left this worker's hands. */
  finished = false;

  constructor(private readonly o: JobRunOptions<J, P>) {
    this.heartbeat = setInterval(() => this.beat(), o.heartbeatMs);
    const progress = o.progress;
    if (progress)
      this.throttle = new ProgressThrottle(
        (p) => this.write((m) => progress.write(m, o.job, p)).then(() => undefined),
        progress.intervalMs,
      );
  }

  get owner(): string {
    return this.o.owner;
  }

  get attempt(): number {
    return this.o.attempt;
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get log(): Logger {
    return this.o.log;
  }

  /** Aborts the handler with a reason; the first reason stays. */
  stop(reason: JobStopReason): void {
    if (!this.abort.signal.aborted) this.abort.abort(reason);
  }

  progress(value: P): void {
    if (!this.throttle) throw new Error('this runner has no progress writer');
    this.throttle.report(value);
  }

  write(write: LeasedWrite): Promise<boolean> {
    return this.transaction(write, false);
  }

  async finish(write: LeasedWrite): Promise<boolean> {
    await this.throttle?.flush();
    return this.end(write);
  }

  /** The last write without the pending progress (a failure). */
  end(write: LeasedWrite): Promise<boolean> {
    this.throttle?.stop();
    return this.transaction(write, true);
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.throttle?.stop();
  }

  private async transaction(write: LeasedWrite, last: boolean): Promise<boolean> {
    const { db, table, job, owner } = this.o;
    const lost = await db.transaction(async (m) => {
      const reason = await table.lock(m, job.id, owner);
      if (reason) return reason;
      const events = (await write(m)) ?? [];
      if (last) await table.clearLease(m, job.id);
      await enqueueEvents(m, table.schema, events);
      return undefined;
    });
    if (lost) {
      this.stop(lost);
      return false;
    }
    if (last) {
      this.finished = true;
      clearInterval(this.heartbeat);
    }
    this.o.relay?.nudge();
    return true;
  }

  private beat(): void {
    if (this.beating || this.finished) return;
    this.beating = true;
    try {
      this.o.working();
    } catch {
      // connection gone: the lease below is what keeps the job, and the message comes back after the ack wait
    }
    void this.o.table
      .heartbeat(this.o.job.id, this.o.owner, this.o.leaseMs)
      .then(
        (lost) => {
          if (lost && !this.finished) this.stop(lost);
        },
        (err: unknown) => this.o.log.warn({ err }, 'job heartbeat failed'),
      )
      .finally(() => (this.beating = false));
  }
}
