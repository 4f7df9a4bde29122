/**
 * @platform/jobs — one runner for queued jobs (synthetic data, training, and next text extraction, AutoAI RAG,
 * deployments, tuning).
 *
 * A job is a row in the service's own table plus one message on a JetStream work queue that points at it. The API
 * writes both in one transaction (the message goes through the transactional outbox), then any worker may run it:
 *
 * - **Claim with a lease.** A worker takes the row (`queued`, or `running` with a lapsed lease) by setting
 *   `lease_owner` and `lease_expires_at`; one more `attempts`. A redelivered message whose job is leased elsewhere is
 *   handed back to the queue, so one job never runs on two workers.
 * - **Heartbeat.** While the handler runs, the lease is extended every `heartbeatMs` and the message gets an
 *   in-progress ack. A worker that dies stops beating: after the ack wait its message comes back, and once the lease
 *   lapsed another worker claims and resumes the job (from whatever checkpoints the handler kept).
 * - **Cancel notice.** `ctx.signal` aborts when a cancel event arrives (`cancelNotices`), when the heartbeat or a write
 *   finds the job no longer running (canceled, deleted) or leased to someone else, or when the worker shuts down;
 *   `stopReason(ctx.signal)` tells which.
 * - **Release on shutdown.** `stop()` aborts running jobs with `shutdown`, clears their leases and puts their messages
 *   back, so another worker resumes them at once instead of after the lease.
 * - **Bounded redelivery.** A handler error fails the job (`status = 'failed'`, `failure_reason`, the `failedEvent`).
 *   `RetryJobLater`, or an error that says a dependency is down (`isDependencyUnavailable`: gRPC UNAVAILABLE, a lost
 *   database connection, anywhere in its cause chain), releases it for another attempt instead; after `maxAttempts` claims the job fails with
 *   "gave up after N attempts: <last error>", also when its workers kept dying without an error (then `discard(job, reason)`
 *   first removes what their attempts wrote, since no handler runs again to do it). A reason is stored and announced
 *   cut to its first 2,000 characters (`failureReason`).
 * - **Writes under the lease, events through the outbox.** `ctx.write(fn)` runs `fn` in a transaction that holds the
 *   row's lock only while this worker still owns the job, and enqueues the events `fn` returns with it;
 *   `ctx.progress(value)` does the same through the `progress` writer, throttled; `ctx.finish(fn)` is the last write
 *   (completed, or this worker's part done), after which the lease is cleared.
 *
 * ```ts
 * const runner = new QueuedJobRunner<ExtractionJob, ExtractionProgress>({
 *   name: 'extraction', db, nc, relay, logger,
 *   table: { schema: 'documents', entity: ExtractionJob, onClaim: ['started_at = COALESCE(started_at, now())'] },
 *   queue: { stream: 'PLATFORM_JOBS_DOCUMENTS', subjects: ['platform.jobs.extraction.>'], durable: 'extraction-workers',
 *            subject: 'platform.jobs.extraction.run' },
 *   jobId: (message) => (message.data as { jobId: string }).jobId,
 *   cancelNotices: { subjects: [events.subject('extraction.job.canceled')], jobId: (e) => (e.data as { jobId: string }).jobId },
 *   failedEvent: (job, reason) => events.create('extraction.job.failed', { jobId: job.id, reason }),
 *   progress: { write: async (m, job, p) => { await m.update(ExtractionJob, job.id, { progress: p }); return [events.create(...)]; } },
 *   run: async (job, ctx) => {
 *     for (const page of pages) { ctx.signal.throwIfAborted(); …; ctx.progress({ done, total }); }
 *     await ctx.finish(async (m) => { await m.update(ExtractionJob, job.id, { status: 'completed' }); return [events.create(...)]; });
 *   },
 * });
 * await runner.start();  // … on shutdown, before NATS and the relay close:
 * await runner.stop();
 * ```
 *
 * The table needs `id`, `status`, `attempts`, `lease_owner`, `lease_expires_at`, `failure_reason` and `completed_at`
 * (see `JobTable`).
 */
export * from './dependency-unavailable';
export * from './errors';
export * from './failure-reason';
export * from './job-table';
export * from './job-run';
export * from './progress-throttle';
export * from './queued-job-runner';
export * from './update-returning';
