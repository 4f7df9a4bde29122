import { Inject, Module, type BeforeApplicationShutdown } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { NatsConnection } from '@nats-io/nats-core';
import { grpcClient, type Logger } from '@platform/common';
import { deploymentV1, inferenceV1, taxonomyV1 } from '@platform/contracts';
import { OutboxRelay } from '@platform/events';
import type { ObjectStore } from '@platform/object-store';
import { LOGGER, NATS_CONNECTION, OBJECT_STORE, PlatformServiceModule } from '@platform/service';
import type { DataSource } from 'typeorm';
import { readEventNames, type EventNames } from './evaluation-event-names';
import { EvaluationConfig, type EvalSettings } from './evaluation-settings';
import { EvaluationGrpcController } from './evaluation.grpc-controller';
import { DEPLOYMENTS, EVALUATION_SCHEMA, EVAL_SETTINGS, INFERENCE, TAXONOMY } from './evaluation.tokens';
import { startTrainingConsumer, type TrainingWorker } from './events/training-events.consumer';
import { EvaluationSchema1763900000500 } from './migrations/1763900000500-evaluation-schema';
import { EvaluationRunEntity } from './runs/evaluation-run.entity';
import { RunStore } from './runs/run-store';

const EVENT_NAMES = 'EVENT_NAMES';
const INFERENCE_CLIENT = 'INFERENCE_CLIENT';
const TAXONOMY_CLIENT = 'TAXONOMY_CLIENT';
const DEPLOYMENT_CLIENT = 'DEPLOYMENT_CLIENT';
const TRAINING_CONSUMER = 'TRAINING_CONSUMER';

/**
 * Stops taking work while the database and NATS are still open: a running evaluation is interrupted, withdraws its
 * replicas and hands its event back (the platform module stops the relay and NATS afterwards).
 */
class EvaluationRuntime implements BeforeApplicationShutdown {
  constructor(@Inject(TRAINING_CONSUMER) private readonly consumer: TrainingWorker) {}
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }
}

@Module({
  imports: [
    PlatformServiceModule.forRoot({
      name: 'evaluation',
      config: EvaluationConfig,
      database: { schema: EVALUATION_SCHEMA, entities: [EvaluationRunEntity], migrations: [EvaluationSchema1763900000500] },
      outbox: { inbox: true },
      objectStore: true,
    }),
  ],
  controllers: [EvaluationGrpcController],
  providers: [
    { provide: EVAL_SETTINGS, inject: [EvaluationConfig.token], useFactory: (c: EvaluationConfig) => c.settings },
    { provide: EVENT_NAMES, inject: [EvaluationConfig.token], useFactory: (c: EvaluationConfig) => readEventNames(c.consumer) },
    // Benchmarks run generations for minutes, so both clients get the long deadline.
    grpcClient(INFERENCE_CLIENT, 'inference', { deadline: 'long' }),
    grpcClient(TAXONOMY_CLIENT, 'taxonomy', { deadline: 'long' }),
    grpcClient(DEPLOYMENT_CLIENT, 'deployment'),
    {
      provide: DEPLOYMENTS,
      inject: [DEPLOYMENT_CLIENT],
      useFactory: (c: ClientGrpc) => c.getService<deploymentV1.DeploymentServiceClient>(deploymentV1.DEPLOYMENT_SERVICE_NAME),
    },
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
      provide: RunStore,
      inject: [getDataSourceToken(), OutboxRelay],
      useFactory: (ds: DataSource, relay: OutboxRelay) => new RunStore(ds, relay),
    },
    {
      provide: TRAINING_CONSUMER,
      inject: [
        getDataSourceToken(),
        NATS_CONNECTION,
        LOGGER,
        EVENT_NAMES,
        RunStore,
        OBJECT_STORE,
        INFERENCE,
        TAXONOMY,
        DEPLOYMENTS,
        EVAL_SETTINGS,
      ],
      useFactory: (
        dataSource: DataSource,
        nc: NatsConnection,
        logger: Logger,
        names: EventNames,
        runs: RunStore,
        store: ObjectStore,
        inference: inferenceV1.InferenceServiceClient,
        taxonomy: taxonomyV1.TaxonomyServiceClient,
        deployments: deploymentV1.DeploymentServiceClient,
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
            deployments,
            serving: { readyTimeoutMs: settings.replicaReadyTimeoutMs, leaseMs: settings.replicaLeaseMs },
          },
        }),
    },
    EvaluationRuntime,
  ],
})
export class EvaluationModule {}
