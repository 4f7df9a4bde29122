import { Module } from '@nestjs/common';
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
import { OutboxRelay, outboxMigration, startOutboxRelay } from '@platform/events';
import { createObjectStoreFromEnv, type ObjectStore } from '@platform/object-store';
import type { DataSource } from 'typeorm';
import { GrpcDataJobs } from './data/data-jobs';
import type { TrainingExecutor } from './executors/executor';
import { selectExecutor } from './executors/select-executor';
import { TrainingSchema1763900000400 } from './migrations/1763900000400-training-schema';
import { TrainingJobLease1763900000410 } from './migrations/1763900000410-training-job-lease';
import { ModelJobEntity } from './model-job.entity';
import { ModelJobsService, TRAINING_SCHEMA } from './model-jobs.service';
import { loadTrainingConfig, type TrainingConfig } from './training-config';
import { trainingEventCatalog } from './training-events';
import { TrainingGrpcController } from './training.grpc-controller';
import { DATA_JOBS, LOGGER, NATS_CONNECTION, OBJECT_STORE, TRAINING_CONFIG, TRAINING_EXECUTOR } from './training.tokens';
import { JobStore } from './worker/job-store';
import { ModelTrainer } from './worker/model-trainer';
import { TrainingJobWrites } from './worker/training-job-writes';
import { TrainingRuntime } from './worker/training-runtime';

const SDG_CLIENT = 'SDG_CLIENT';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      useFactory: () =>
        serviceDataSourceOptions({
          url: envString('DATABASE_URL'),
          schema: TRAINING_SCHEMA,
          entities: [ModelJobEntity],
          migrations: [outboxMigration(TRAINING_SCHEMA), TrainingSchema1763900000400, TrainingJobLease1763900000410],
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
      provide: TrainingJobWrites,
      inject: [TRAINING_CONFIG],
      useFactory: (config: TrainingConfig) => new TrainingJobWrites(trainingEventCatalog(config.eventsPrefix)),
    },
    {
      provide: ModelTrainer,
      inject: [OBJECT_STORE, JobStore, TrainingJobWrites, TRAINING_EXECUTOR, TRAINING_CONFIG],
      useFactory: (store: ObjectStore, jobs: JobStore, writes: TrainingJobWrites, executor: TrainingExecutor, config: TrainingConfig) =>
        new ModelTrainer(store, jobs, writes, executor, config),
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
