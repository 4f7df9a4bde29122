import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { NatsConnection } from '@nats-io/nats-core';
import { intSetting, defineConfig, type Logger } from '@platform/common';
import { OutboxRelay, type EventEnvelope } from '@platform/events';
import { QueuedJobRunner } from '@platform/jobs';
import { LOGGER, NATS_CONNECTION } from '@platform/service';
import type { DataSource } from 'typeorm';
import type { DocumentsConfig } from '../documents.config';
import { documentsEventCatalog } from '../documents-events';
import { DOCUMENTS_CONFIG, DOCUMENTS_SCHEMA } from '../documents.tokens';
import { RagExperimentEntity } from './rag-experiment.entity';
import { RagExperimentRunner } from './rag-experiment-runner';
import { ragJobCatalog, type RagRun } from './rag-events';

/** The experiments' own settings (the job queue's lease, heartbeat and attempts are the documents service's). */
export const RagSettings = defineConfig('documents-rag', {
  /** Experiments one process runs at once; 0 runs the API only. */
  workers: intSetting('PLATFORM_DOCUMENTS_RAG_WORKERS', { default: 1, min: 0, max: 16 }),
});

/**
 * Runs AutoAI RAG experiments from the documents job stream on the platform's job runner (a lease per experiment, so
 * a message delivered twice never runs one experiment twice; a dead worker's experiment is taken up by another, which
 * removes what the first wrote and starts over). Started once gRPC is up, stopped before the relay and NATS are.
 */
@Injectable()
export class RagWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private jobs: QueuedJobRunner<RagExperimentEntity> | undefined;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly relay: OutboxRelay,
    private readonly runner: RagExperimentRunner,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(DOCUMENTS_CONFIG) private readonly config: DocumentsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const workers = RagSettings.load().workers;
    if (workers === 0) return;
    const { config } = this;
    const events = documentsEventCatalog(config.eventsPrefix);
    const experimentId = (e: EventEnvelope) => (e.data as Partial<RagRun>).experimentId;
    this.jobs = new QueuedJobRunner<RagExperimentEntity>({
      name: 'autoai-rag',
      db: this.db,
      nc: this.nc,
      relay: this.relay,
      logger: this.logger,
      table: {
        schema: DOCUMENTS_SCHEMA,
        entity: RagExperimentEntity,
        onClaim: ['running_at = coalesce(running_at, now())'],
        onFail: ["state = 'failed'", "failure_code = 'autoai_rag_failed'", "message_level = 'error'", 'message_text = $2'],
      },
      queue: {
        stream: config.jobs.stream,
        subjects: [`${config.jobs.prefix}.documents.>`],
        durable: `${config.jobs.durablePrefix}-rag-workers`,
        subject: ragJobCatalog(config.jobs.prefix).subject('documents.rag.run'),
      },
      jobId: experimentId,
      cancelNotices: { subjects: events.subjects('documents.rag.canceled', 'documents.rag.deleted'), jobId: experimentId },
      failedEvent: (job, reason) => this.runner.failedEvent(job, reason),
      discard: (job, reason) => this.runner.discard(job, reason),
      run: (job, ctx) => this.runner.run(job, ctx),
      concurrency: workers,
      leaseMs: config.jobs.leaseMs,
      heartbeatMs: config.jobs.heartbeatMs,
      ackWaitMs: config.jobs.ackWaitMs,
      maxAttempts: config.jobs.maxAttempts,
    });
    await this.jobs.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Running experiments stop first; they go back to the queue and start over on another worker.
    await this.jobs?.stop();
  }
}
