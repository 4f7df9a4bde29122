import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from '@platform/common';
import type { EventEnvelope, OutboxRelay } from '@platform/events';
import { QueuedJobRunner } from '@platform/jobs';
import type { DataSource } from 'typeorm';
import type { DocumentsConfig } from '../documents.config';
import type { DocumentsEventCatalog, DocumentsJobCatalog, ExtractionRun } from '../documents-events';
import { DOCUMENTS_SCHEMA } from '../documents.tokens';
import { ExtractionEntity } from './extraction.entity';
import type { ExtractionRunner, PageProgress } from './extraction-runner';

/**
 * Runs text extractions from the JetStream work queue on the platform's job runner: a worker claims the job's row with
 * a lease, so a message delivered twice never runs one job on two workers; a worker that dies mid-job stops renewing
 * its lease, and once it lapsed (and the message came back after the ack wait) another worker runs the job again,
 * deleting what the first one wrote.
 */
export async function startExtractionWorker(o: {
  db: DataSource;
  nc: NatsConnection;
  relay: Pick<OutboxRelay, 'nudge'>;
  config: DocumentsConfig;
  queue: DocumentsJobCatalog;
  events: DocumentsEventCatalog;
  runner: ExtractionRunner;
  logger: Logger;
}): Promise<{ stop(): Promise<void> }> {
  const { config } = o;
  const extractionId = (e: EventEnvelope) => (e.data as Partial<ExtractionRun>).extractionId;
  const jobs = new QueuedJobRunner<ExtractionEntity, PageProgress>({
    name: 'extraction',
    db: o.db,
    nc: o.nc,
    relay: o.relay,
    logger: o.logger,
    table: {
      schema: DOCUMENTS_SCHEMA,
      entity: ExtractionEntity,
      onClaim: ['running_at = coalesce(running_at, now())'],
      onFail: ["state = 'failed'", "error_code = 'extraction_failed'"],
    },
    queue: {
      stream: config.jobs.stream,
      subjects: [`${config.jobs.prefix}.documents.>`],
      durable: `${config.jobs.durablePrefix}-extraction-workers`,
      subject: o.queue.subject('documents.extraction.run'),
    },
    jobId: extractionId,
    cancelNotices: { subjects: o.events.subjects('documents.extraction.canceled', 'documents.extraction.deleted'), jobId: extractionId },
    failedEvent: (job, reason) => o.runner.failedEvent(job, reason),
    discard: (job) => o.runner.discard(job),
    progress: { write: o.runner.progress, intervalMs: 500 },
    run: (job, ctx) => o.runner.run(job, ctx),
    concurrency: Math.max(1, config.jobs.extractionWorkers),
    leaseMs: config.jobs.leaseMs,
    heartbeatMs: config.jobs.heartbeatMs,
    ackWaitMs: config.jobs.ackWaitMs,
    maxAttempts: config.jobs.maxAttempts,
  });
  await jobs.start();
  return jobs;
}
