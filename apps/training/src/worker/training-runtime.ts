import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from '@platform/common';
import { OutboxRelay } from '@platform/events';
import type { ObjectStore } from '@platform/object-store';
import type { DataSource } from 'typeorm';
import { startEvaluationResults } from '../evaluation/evaluation-results';
import type { TrainingConfig } from '../training-config';
import { jobQueueCatalog, trainingEventCatalog } from '../training-events';
import { LOGGER, NATS_CONNECTION, OBJECT_STORE } from '@platform/service';
import { TRAINING_CONFIG } from '../training.tokens';
import { JobStore } from './job-store';
import { ModelTrainer } from './model-trainer';
import { TrainingJobWrites } from './training-job-writes';
import { startTrainingWorker } from './training-worker';
import { TuningTrainer } from '../tunings/tuning-trainer';

/** Starts the queue worker and the evaluation-results consumer once gRPC is up; stops them before the relay and NATS do. */
@Injectable()
export class TrainingRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumers: { stop(): Promise<void> }[] = [];

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly relay: OutboxRelay,
    private readonly jobs: JobStore,
    private readonly writes: TrainingJobWrites,
    private readonly trainer: ModelTrainer,
    private readonly tunings: TuningTrainer,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(TRAINING_CONFIG) private readonly config: TrainingConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { db, nc, relay, config, store, jobs, writes, trainer, tunings, logger } = this;
    this.consumers.push(await startEvaluationResults({ nc, config, store, jobs, logger }));
    if (config.workerConcurrency > 0) {
      const queue = jobQueueCatalog(config.jobsPrefix);
      const events = trainingEventCatalog(config.eventsPrefix);
      this.consumers.push(await startTrainingWorker({ db, nc, relay, config, queue, events, jobs, writes, trainer, tunings, logger }));
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Running trainers stop first; their jobs go back to the queue and resume on another worker.
    await Promise.all(this.consumers.map((c) => c.stop()));
  }
}
