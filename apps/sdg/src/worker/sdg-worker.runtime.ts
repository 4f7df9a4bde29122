import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from '@platform/common';
import { OutboxRelay } from '@platform/events';
import type { ObjectStore } from '@platform/object-store';
import type { DataSource } from 'typeorm';
import { TaxonomySource } from '../clients/taxonomy-source';
import type { RunSdg } from '../pipelines/contract';
import { LOGGER, NATS_CONNECTION, OBJECT_STORE } from '@platform/service';
import { SdgConfig } from '../sdg.config';
import { RUN_SDG } from '../sdg.tokens';
import { SdgWorker } from './sdg-worker';

/**
 * Runs PLATFORM_SDG_WORKERS jobs at once in this process (default 1; 0 makes an API-only instance), and on shutdown
 * hands running jobs back to the queue before NATS and the relay close.
 */
@Injectable()
export class SdgWorkerRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker: SdgWorker | undefined;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(SdgConfig.token) private readonly config: SdgConfig,
    @Inject(RUN_SDG) private readonly runSdg: RunSdg,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly taxonomies: TaxonomySource,
    private readonly relay: OutboxRelay,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { concurrency, leaseMs, heartbeatMs, maxAttempts, ackWaitMs } = this.config.worker;
    if (concurrency <= 0) return;
    this.worker = new SdgWorker({
      db: this.db,
      nc: this.nc,
      store: this.store,
      relay: this.relay,
      queue: this.config.queue,
      runSdg: this.runSdg,
      loadLeaves: (job) => this.taxonomies.leaves(job.projectId, job.taxonomyId),
      logger: this.logger,
      concurrency,
      leaseMs,
      heartbeatMs,
      maxAttempts,
      ackWaitMs,
    });
    await this.worker.start();
    this.logger.info({ concurrency, owner: this.worker.owner }, 'sdg worker started');
  }

  /** Before the platform module stops the relay and drains NATS (its hook runs after this one). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.stop();
  }
}
