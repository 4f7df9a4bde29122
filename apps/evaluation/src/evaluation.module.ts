import { Inject, Module, type BeforeApplicationShutdown, type OnApplicationShutdown } from '@nestjs/common';
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
import { inferenceV1, taxonomyV1 } from '@platform/contracts';
import { OutboxRelay, inboxMigration, outboxMigration, startOutboxRelay, stopOutboxRelay } from '@platform/events';
import { createObjectStoreFromEnv, type ObjectStore } from '@platform/object-store';
import type { DataSource } from 'typeorm';
import { readEventNames, type EventNames } from './evaluation-event-names';
import { readEvalSettings, type EvalSettings } from './evaluation-settings';
import { EvaluationGrpcController } from './evaluation.grpc-controller';
import { EVALUATION_SCHEMA, EVAL_SETTINGS, INFERENCE, LOGGER, NATS_CONNECTION, OBJECT_STORE, TAXONOMY } from './evaluation.tokens';
import { startTrainingConsumer, type TrainingWorker } from './events/training-events.consumer';
import { EvaluationSchema1763900000500 } from './migrations/1763900000500-evaluation-schema';
import { EvaluationRunEntity } from './runs/evaluation-run.entity';
import { RunStore } from './runs/run-store';

const EVENT_NAMES = 'EVENT_NAMES';
const INFERENCE_CLIENT = 'INFERENCE_CLIENT';
const TAXONOMY_CLIENT = 'TAXONOMY_CLIENT';
const TRAINING_CONSUMER = 'TRAINING_CONSUMER';

/**
 * Stops taking work first, while the database is still open (a running evaluation is interrupted, withdraws its
 * replicas and hands its event back), then publishing, then the connections.
 */
class EvaluationRuntime implements BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(TRAINING_CONSUMER) private readonly consumer: TrainingWorker,
    private readonly relay: OutboxRelay,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
  ) {}
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }
  async onApplicationShutdown(): Promise<void> {
    await stopOutboxRelay(this.relay, this.nc);
  }
}

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      useFactory: () =>
        serviceDataSourceOptions({
          url: envString('DATABASE_URL'),
          schema: EVALUATION_SCHEMA,
          entities: [EvaluationRunEntity],
          migrations: [outboxMigration(EVALUATION_SCHEMA), inboxMigration(EVALUATION_SCHEMA), EvaluationSchema1763900000500],
        }),
    }),
  ],
  controllers: [EvaluationGrpcController, GrpcHealthController],
  providers: [
    { provide: LOGGER, useFactory: () => createLogger('evaluation') },
    { provide: OBJECT_STORE, useFactory: () => createObjectStoreFromEnv() },
    { provide: EVAL_SETTINGS, useFactory: () => readEvalSettings() },
    { provide: EVENT_NAMES, useFactory: () => readEventNames() },
    { provide: NATS_CONNECTION, useFactory: () => connect({ servers: envString('NATS_URL'), name: 'evaluation' }) },
    // Benchmarks run generations for minutes, so both clients get the long deadline.
    grpcClient(INFERENCE_CLIENT, 'inference', { deadline: 'long' }),
    grpcClient(TAXONOMY_CLIENT, 'taxonomy', { deadline: 'long' }),
    {
      provide: INFERENCE,
      inject: [INFERENCE_CLIENT],
      useFactory: (c: ClientGrpc) => c.getService<inferenceV1.InferenceServiceClient>(inferenceV1.INFERENCE_SERVICE_NAME),
    },
    {
      provide: TAXONOMY,
      inject: [TAXONOMY_CLIENT],
      useFactory: (c: ClientGrpc) => c.getService<taxonomyV1.TaxonomyServiceClient>(taxonomyV1.TAXONOMY_SERVICE_NAME),
    },
    {
      provide: OutboxRelay,
      inject: [getDataSourceToken(), NATS_CONNECTION, LOGGER, EVENT_NAMES],
      useFactory: (dataSource: DataSource, nc: NatsConnection, logger: Logger, names: EventNames) =>
        startOutboxRelay({
          dataSource,
          schema: EVALUATION_SCHEMA,
          nc,
          logger,
          expectStream: names.stream,
          streams: [{ name: names.stream, subjects: [`${names.prefix}.>`] }],
        }),
    },
    {
      provide: RunStore,
      inject: [getDataSourceToken(), OutboxRelay],
      useFactory: (ds: DataSource, relay: OutboxRelay) => new RunStore(ds, relay),
    },
    {
      provide: TRAINING_CONSUMER,
      inject: [getDataSourceToken(), NATS_CONNECTION, LOGGER, EVENT_NAMES, RunStore, OBJECT_STORE, INFERENCE, TAXONOMY, EVAL_SETTINGS],
      useFactory: (
        dataSource: DataSource,
        nc: NatsConnection,
        logger: Logger,
        names: EventNames,
        runs: RunStore,
        store: ObjectStore,
        inference: inferenceV1.InferenceServiceClient,
        taxonomy: taxonomyV1.TaxonomyServiceClient,
        settings: EvalSettings,
      ) =>
        startTrainingConsumer({
          nc,
          dataSource,
          runs,
          logger,
          names,
          deps: {
            store,
            inference,
            taxonomy,
            settings,
            threads: settings.engineThreads,
            startTimeoutMs: settings.engineStartTimeoutMs,
            announcer: {
              ready: (r) => runs.publish([names.replica.create('deployment.replica.ready', r)]),
              removed: (r) => runs.publish([names.replica.create('deployment.replica.removed', r)]),
            },
          },
        }),
    },
    {
      provide: ReadinessRegistry,
      inject: [getDataSourceToken(), NATS_CONNECTION, OBJECT_STORE],
      useFactory: (db: DataSource, nats: NatsConnection, store: ObjectStore) => serviceReadiness({ db, nats, store }),
    },
    EvaluationRuntime,
  ],
})
export class EvaluationModule {}
