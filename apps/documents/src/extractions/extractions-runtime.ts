import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from '@platform/common';
import { OutboxRelay } from '@platform/events';
import { LOGGER, NATS_CONNECTION } from '@platform/service';
import type { DataSource } from 'typeorm';
import type { DocumentsConfig } from '../documents.config';
import { documentsEventCatalog, documentsJobCatalog } from '../documents-events';
import { DOCUMENTS_CONFIG } from '../documents.tokens';
import { ExtractionRunner } from './extraction-runner';
import { startExtractionWorker } from './extraction-worker';
import { ExtractionsService } from './extractions.service';

/**
 * Starts the extraction worker (unless PLATFORM_DOCUMENTS_EXTRACTION_WORKERS is 0) and the retention sweep once gRPC is
 * up; stops them before the relay and NATS do.
 */
@Injectable()
export class ExtractionsRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker: { stop(): Promise<void> } | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly relay: OutboxRelay,
    private readonly runner: ExtractionRunner,
    private readonly extractions: ExtractionsService,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(DOCUMENTS_CONFIG) private readonly config: DocumentsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { db, nc, relay, config, runner, logger } = this;
    if (config.jobs.extractionWorkers > 0) {
      const queue = documentsJobCatalog(config.jobs.prefix);
      const events = documentsEventCatalog(config.eventsPrefix);
      this.worker = await startExtractionWorker({ db, nc, relay, config, queue, events, runner, logger });
    }
    // One sweep at a time: a slow one delays the next instead of overlapping it.
    this.sweepTimer = setInterval(() => (this.sweeping = this.sweeping.then(() => this.sweep())), config.extractions.sweepMs);
    this.sweeping = this.sweep();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.sweepTimer);
    // Running jobs stop first; they go back to the queue and run again on another worker.
    await this.worker?.stop();
    await this.sweeping;
  }

  /** Deletes every expired extraction, a batch at a time. */
  private async sweep(): Promise<void> {
    try {
      let total = 0;
      for (let n = await this.extractions.sweepExpired(); n > 0; n = await this.extractions.sweepExpired()) total += n;
      if (total > 0) this.logger.info({ deleted: total }, 'expired text extractions deleted');
    } catch (err) {
      this.logger.warn({ err }, 'text extraction retention sweep failed');
    }
  }
}
