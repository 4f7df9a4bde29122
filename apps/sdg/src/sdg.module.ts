import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ClientsModule, type ClientGrpc } from '@nestjs/microservices';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import {
  GrpcHealthController,
  ReadinessRegistry,
  createLogger,
  envString,
  grpcOptions,
  serviceDataSourceOptions,
  serviceGrpcUrl,
  serviceReadiness,
  type Logger,
} from '@platform/common';
import { inferenceV1, taxonomyV1 } from '@platform/contracts';
import { OutboxRelay, eventsStream, eventsSubjectPrefix, outboxMigration, startOutboxRelay, stopOutboxRelay } from '@platform/events';
import { createObjectStoreFromEnv, type ObjectStore } from '@platform/object-store';
import type { DataSource } from 'typeorm';
import { ModelDefaults } from './clients/model-defaults';
import { TaxonomySource } from './clients/taxonomy-source';
import { DataJobEntity } from './jobs/data-job.entity';
import { SDG_SCHEMA } from './jobs/data-job.store';
import { DataJobsService } from './jobs/data-jobs.service';
import { sdgJobSubjects, sdgQueueFromEnv, type SdgQueueConfig } from './jobs/sdg-events';
import { syntheticDataProvider } from './llama-stack/synthetic-data.provider';
import { SdgSchema1763900000300 } from './migrations/1763900000300-sdg-schema';
import { SdgDataLeafNodes1763900000310 } from './migrations/1763900000310-data-leaf-nodes-map';
import { runSdg } from './pipelines';
import { SdgGrpcController } from './sdg.grpc-controller';
import { INFERENCE_CLIENT, LOGGER, NATS_CONNECTION, OBJECT_STORE, RUN_SDG, SDG_QUEUE, TAXONOMY_CLIENT } from './sdg.tokens';
import { SdgWorkerRuntime } from './worker/sdg-worker.runtime';

/** Stops publishing and closes NATS after the workers and in-flight gRPC calls are done. */
class SdgConnections implements OnApplicationShutdown {
  constructor(
    private readonly relay: OutboxRelay,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
  ) {}
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
          schema: SDG_SCHEMA,
          entities: [DataJobEntity],
          migrations: [outboxMigration(SDG_SCHEMA), SdgSchema1763900000300, SdgDataLeafNodes1763900000310],
        }),
    }),
    ClientsModule.registerAsync([
      { name: TAXONOMY_CLIENT, useFactory: () => grpcOptions(serviceGrpcUrl('taxonomy'), ['taxonomy']) },
      { name: INFERENCE_CLIENT, useFactory: () => grpcOptions(serviceGrpcUrl('inference'), ['inference']) },
    ]),
  ],
  controllers: [SdgGrpcController, GrpcHealthController],
  providers: [
    DataJobsService,
    syntheticDataProvider,
    { provide: LOGGER, useFactory: () => createLogger('sdg') },
    { provide: OBJECT_STORE, useFactory: () => createObjectStoreFromEnv() },
    { provide: SDG_QUEUE, useFactory: sdgQueueFromEnv },
    { provide: RUN_SDG, useValue: runSdg },
    { provide: NATS_CONNECTION, useFactory: () => connect({ servers: envString('NATS_URL'), name: 'sdg' }) },
    {
      provide: TaxonomySource,
      inject: [TAXONOMY_CLIENT],
      useFactory: (c: ClientGrpc) => new TaxonomySource(c.getService<taxonomyV1.TaxonomyServiceClient>(taxonomyV1.TAXONOMY_SERVICE_NAME)),
    },
    {
      provide: ModelDefaults,
      inject: [INFERENCE_CLIENT],
      useFactory: (c: ClientGrpc) =>
        new ModelDefaults(c.getService<inferenceV1.InferenceServiceClient>(inferenceV1.INFERENCE_SERVICE_NAME), {
          teacher: process.env.PLATFORM_SDG_TEACHER_MODEL,
          judge: process.env.PLATFORM_SDG_JUDGE_MODEL,
        }),
    },
    {
      provide: OutboxRelay,
      inject: [getDataSourceToken(), NATS_CONNECTION, LOGGER, SDG_QUEUE],
      // One outbox carries both domain events and job messages, which land in different streams: no expected stream.
      useFactory: (dataSource: DataSource, nc: NatsConnection, logger: Logger, queue: SdgQueueConfig) =>
        startOutboxRelay({
          dataSource,
          schema: SDG_SCHEMA,
          nc,
          logger,
          streams: [
            { name: eventsStream(), subjects: [`${eventsSubjectPrefix()}.>`] },
            { name: queue.stream, subjects: sdgJobSubjects(queue), retention: 'workqueue' },
          ],
        }),
    },
    {
      provide: ReadinessRegistry,
      inject: [getDataSourceToken(), NATS_CONNECTION, OBJECT_STORE],
      useFactory: (db: DataSource, nats: NatsConnection, store: ObjectStore) => serviceReadiness({ db, nats, store }),
    },
    SdgConnections,
    SdgWorkerRuntime,
  ],
})
export class SdgModule {}
