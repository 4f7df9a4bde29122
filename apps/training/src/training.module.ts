import { Module } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { getDataSourceToken } from '@nestjs/typeorm';
import { grpcClient } from '@platform/common';
import { OutboxRelay } from '@platform/events';
import type { ObjectStore } from '@platform/object-store';
import { OBJECT_STORE, PlatformServiceModule } from '@platform/service';
import type { DataSource } from 'typeorm';
import { GrpcDataJobs } from './data/data-jobs';
import { DatasetEntity } from './datasets/dataset.entity';
import { DatasetsGrpcController } from './datasets/datasets.grpc-controller';
import { DatasetsService } from './datasets/datasets.service';
import type { TrainingExecutor } from './executors/executor';
import { selectExecutor } from './executors/select-executor';
import { TrainingSchema1763900000400 } from './migrations/1763900000400-training-schema';
import { TrainingJobLease1763900000410 } from './migrations/1763900000410-training-job-lease';
import { Tunings1763900000420 } from './migrations/1763900000420-tunings';
import { Datasets1763900000430 } from './migrations/1763900000430-datasets';
import { ModelJobEntity } from './model-job.entity';
import { ModelJobsService, TRAINING_SCHEMA } from './model-jobs.service';
import { TrainingSettings, type TrainingConfig } from './training-config';
import { trainingEventCatalog } from './training-events';
import { TrainingGrpcController } from './training.grpc-controller';
import { DATA_JOBS, TRAINING_CONFIG, TRAINING_EXECUTOR } from './training.tokens';
import { JobStore } from './worker/job-store';
import { ModelTrainer } from './worker/model-trainer';
import { TrainingJobWrites } from './worker/training-job-writes';
import { TrainingRuntime } from './worker/training-runtime';
import { TuningsService } from './tunings/tunings.service';
import { DEPLOYMENT_CLIENT, GrpcModelAssets, MODEL_ASSETS, type ModelAssets } from './tunings/model-assets-client';
import { TuningJobWrites } from './tunings/tuning-job-writes';
import { TuningTrainer } from './tunings/tuning-trainer';

const SDG_CLIENT = 'SDG_CLIENT';

@Module({
  imports: [
    PlatformServiceModule.forRoot({
      name: 'training',
      config: TrainingSettings,
      database: {
        schema: TRAINING_SCHEMA,
        entities: [ModelJobEntity, DatasetEntity],
        migrations: [TrainingSchema1763900000400, TrainingJobLease1763900000410, Tunings1763900000420, Datasets1763900000430],
      },
      // One outbox feeds the events stream and the job queue.
      outbox: {
        jobStreams: (c: TrainingConfig) => [{ name: c.jobsStream, subjects: [`${c.jobsPrefix}.training.>`], retention: 'workqueue' }],
      },
      objectStore: true,
    }),
  ],
  controllers: [TrainingGrpcController, DatasetsGrpcController],
  providers: [
    grpcClient(SDG_CLIENT, 'sdg'),
    ModelJobsService,
    DatasetsService,
    TuningsService,
    grpcClient(DEPLOYMENT_CLIENT, 'deployment'),
    { provide: MODEL_ASSETS, inject: [DEPLOYMENT_CLIENT], useFactory: (client: ClientGrpc) => new GrpcModelAssets(client) },
    {
      provide: TuningTrainer,
      inject: [getDataSourceToken(), OBJECT_STORE, JobStore, TRAINING_EXECUTOR, TRAINING_CONFIG, MODEL_ASSETS],
      useFactory: (
        db: DataSource,
        store: ObjectStore,
        jobs: JobStore,
        executor: TrainingExecutor,
        config: TrainingConfig,
        assets: ModelAssets,
      ) => new TuningTrainer(db, store, jobs, new TuningJobWrites(trainingEventCatalog(config.eventsPrefix)), executor, config, assets),
    },
    { provide: DATA_JOBS, inject: [SDG_CLIENT], useFactory: (client: ClientGrpc) => new GrpcDataJobs(client) },
    { provide: TRAINING_EXECUTOR, inject: [TRAINING_CONFIG], useFactory: (config: TrainingConfig) => selectExecutor(config) },
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
    TrainingRuntime,
  ],
})
export class TrainingModule {}
