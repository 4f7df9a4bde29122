import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import {
  GrpcHealthController,
  ReadinessRegistry,
  createLogger,
  envString,
  grpcClient,
  serviceDataSourceOptions,
  serviceReadiness,
  type Logger,
} from '@platform/common';
import { OutboxRelay, outboxMigration, startOutboxRelay, stopOutboxRelay, type EventConsumer } from '@platform/events';
import { createObjectStoreFromEnv, type ObjectStore } from '@platform/object-store';
import type { DataSource } from 'typeorm';
import { GrpcDataJobs } from './data/data-jobs';
import { startEvaluationResults } from './evaluation/evaluation-results';
import type { TrainingExecutor } from './executors/executor';
import { selectExecutor } from './executors/select-executor';
import { TrainingSchema1763900000400 } from './migrations/1763900000400-training-schema';
import { ModelJobEntity } from './model-job.entity';
import { ModelJobsService, TRAINING_SCHEMA } from './model-jobs.service';
import { loadTrainingConfig, type TrainingConfig } from './training-config';
import { jobQueueCatalog, trainingEventCatalog } from './training-events';
import { TrainingGrpcController } from './training.grpc-controller';
import { DATA_JOBS, LOGGER, NATS_CONNECTION, OBJECT_STORE, TRAINING_CONFIG, TRAINING_EXECUTOR } from './training.tokens';
import { JobRunner } from './worker/job-runner';
import { JobStore } from './worker/job-store';
import { startTrainingWorker } from './worker/training-worker';

const SDG_CLIENT = 'SDG_CLIENT';

/** Starts the queue worker and the evaluation-results consumer once gRPC is up; stops them before NATS closes. */
class TrainingRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumers: EventConsumer[] = [];

  constructor(
    private readonly relay: OutboxRelay,
    private readonly jobs: JobStore,
    private readonly runner: JobRunner,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(TRAINING_CONFIG) private readonly config: TrainingConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { nc, config, store, jobs, logger } = this;
    this.consumers.push(await startEvaluationResults({ nc, config, store, jobs, logger }));
    if (config.workerConcurrency > 0) {
      this.consumers.push(
        await startTrainingWorker({ nc, config, queue: jobQueueCatalog(config.jobsPrefix), jobs, runner: this.runner, logger }),
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    // Running trainers stop first; their jobs go back to the queue and resume on another worker.
    this.runner.shutdown();
    await Promise.all(this.consumers.map((c) => c.stop()));
    await stopOutboxRelay(this.relay, this.nc);
  }
}

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      useFactory: () =>
        serviceDataSourceOptions({
          url: envString('DATABASE_URL'),
          schema: TRAINING_SCHEMA,
          entities: [ModelJobEntity],
          migrations: [outboxMigration(TRAINING_SCHEMA), TrainingSchema1763900000400],
        }),
    }),
  ],
  controllers: [TrainingGrpcController, GrpcHealthController],
  providers: [
    grpcClient(SDG_CLIENT, 'sdg'),
    ModelJobsService,
    { provide: TRAINING_CONFIG, useFactory: () => loadTrainingConfig() },
    { provide: LOGGER, useFactory: () => createLogger('training') },
    { provide: OBJECT_STORE, useFactory: () => createObjectStoreFromEnv() },
    { provide: NATS_CONNECTION, useFactory: () => connect({ servers: envString('NATS_URL'), name: 'training' }) },
    { provide: DATA_JOBS, inject: [SDG_CLIENT], useFactory: (client: ClientGrpc) => new GrpcDataJobs(client) },
    { provide: TRAINING_EXECUTOR, inject: [TRAINING_CONFIG], useFactory: (config: TrainingConfig) => selectExecutor(config) },
    {
      provide: OutboxRelay,
      inject: [getDataSourceToken(), NATS_CONNECTION, TRAINING_CONFIG, LOGGER],
      // One outbox feeds two streams (events and the job queue), so no single expected stream.
      useFactory: (dataSource: DataSource, nc: NatsConnection, config: TrainingConfig, logger: Logger) =>
        startOutboxRelay({
          dataSource,
          schema: TRAINING_SCHEMA,
          nc,
          logger,
          streams: [
            { name: config.eventsStream, subjects: [`${config.eventsPrefix}.>`] },
            { name: config.jobsStream, subjects: [`${config.jobsPrefix}.training.>`], retention: 'workqueue' },
          ],
        }),
    },
    {
      provide: JobStore,
      inject: [getDataSourceToken(), OutboxRelay, TRAINING_CONFIG],
      useFactory: (db: DataSource, relay: OutboxRelay, config: TrainingConfig) =>
        new JobStore(db, relay, trainingEventCatalog(config.eventsPrefix)),
    },
    {
      provide: JobRunner,
      inject: [OBJECT_STORE, JobStore, TRAINING_EXECUTOR, TRAINING_CONFIG],
      useFactory: (store: ObjectStore, jobs: JobStore, executor: TrainingExecutor, config: TrainingConfig) =>
        new JobRunner(store, jobs, executor, config),
    },
    {
      provide: ReadinessRegistry,
      inject: [getDataSourceToken(), NATS_CONNECTION, OBJECT_STORE],
      useFactory: (db: DataSource, nats: NatsConnection, store: ObjectStore) => serviceReadiness({ db, nats, store }),
    },
    TrainingRuntime,
  ],
})
export class TrainingModule {}
