import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { GrpcHealthController, ReadinessRegistry, createLogger, envString, serviceDataSourceOptions, type Logger } from '@platform/common';
import { EVENTS_STREAM, EVENTS_SUBJECT_PREFIX, OutboxRelay, ensureStream, outboxMigration } from '@platform/events';
import { createObjectStoreFromEnv, loadS3Config, type ObjectStore } from '@platform/object-store';
import type { DataSource } from 'typeorm';
import { TaxonomySchema1763900000100 } from './migrations/1763900000100-taxonomy-schema';
import { TaxonomyEntity } from './taxonomy.entity';
import { TaxonomyGrpcController } from './taxonomy.grpc-controller';
import { TAXONOMY_SCHEMA, TaxonomyService } from './taxonomy.service';
import { NATS_CONNECTION, OBJECT_STORE, STORE_LOCATION } from './taxonomy.tokens';

export const LOGGER = 'LOGGER';

/** Stops publishing and closes NATS after Nest has drained in-flight gRPC calls. */
class TaxonomyRuntime implements OnApplicationShutdown {
  constructor(
    private readonly relay: OutboxRelay,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.nc.drain();
  }
}

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      useFactory: () =>
        serviceDataSourceOptions({
          url: envString('DATABASE_URL'),
          schema: TAXONOMY_SCHEMA,
          entities: [TaxonomyEntity],
          migrations: [outboxMigration(TAXONOMY_SCHEMA), TaxonomySchema1763900000100],
        }),
    }),
  ],
  controllers: [TaxonomyGrpcController, GrpcHealthController],
  providers: [
    TaxonomyService,
    { provide: LOGGER, useFactory: () => createLogger('taxonomy') },
    { provide: OBJECT_STORE, useFactory: () => createObjectStoreFromEnv() },
    { provide: STORE_LOCATION, useFactory: () => ({ bucket: loadS3Config().bucket, endpoint: loadS3Config().endpoint }) },
    { provide: NATS_CONNECTION, useFactory: () => connect({ servers: envString('NATS_URL'), name: 'taxonomy' }) },
    {
      provide: OutboxRelay,
      inject: [getDataSourceToken(), NATS_CONNECTION, LOGGER],
      useFactory: async (dataSource: DataSource, nc: NatsConnection, logger: Logger) => {
        await ensureStream(await jetstreamManager(nc), { name: EVENTS_STREAM, subjects: [`${EVENTS_SUBJECT_PREFIX}.>`] });
        const relay = new OutboxRelay({ dataSource, schema: TAXONOMY_SCHEMA, nc, logger, expectStream: EVENTS_STREAM });
        relay.start();
        return relay;
      },
    },
    {
      provide: ReadinessRegistry,
      inject: [getDataSourceToken(), NATS_CONNECTION, OBJECT_STORE],
      useFactory: (db: DataSource, nc: NatsConnection, store: ObjectStore) => {
        const registry = new ReadinessRegistry();
        registry.add('database', async () => {
          await db.query('SELECT 1');
        });
        registry.add('nats', async () => {
          if (nc.isClosed()) throw new Error('connection closed');
          await nc.flush();
        });
        registry.add('object_store', async () => {
          await store.exists('.readiness-probe');
        });
        return registry;
      },
    },
    TaxonomyRuntime,
  ],
})
export class TaxonomyModule {}
