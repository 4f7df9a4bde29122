import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import {
  GrpcHealthController,
  ReadinessRegistry,
  createLogger,
  envBool,
  envString,
  serviceDataSourceOptions,
  serviceReadiness,
  type Logger,
} from '@platform/common';
import { OutboxRelay, eventsStream, eventsSubjectPrefix, outboxMigration, startOutboxRelay, stopOutboxRelay } from '@platform/events';
import { createObjectStoreFromEnv, loadS3Config, type ObjectStore } from '@platform/object-store';
import type { DataSource } from 'typeorm';
import { TaxonomySchema1763900000100 } from './migrations/1763900000100-taxonomy-schema';
import { TaxonomyLeaves1763900000200 } from './migrations/1763900000200-taxonomy-leaves';
import { Secrets1763900000300 } from './migrations/1763900000300-secrets';
import { documentLimitsFromEnv } from './documents';
import { TaxonomyLeafEntity } from './leaf.entity';
import { SecretEntity } from './secrets/secret.entity';
import { SecretCipher } from './secrets/secret-cipher';
import { SecretsGrpcController } from './secrets/secrets.grpc-controller';
import { SECRET_CIPHER, SecretsService } from './secrets/secrets.service';
import { TaxonomyEntity } from './taxonomy.entity';
import { TaxonomyGrpcController } from './taxonomy.grpc-controller';
import { TAXONOMY_SCHEMA, TaxonomyService } from './taxonomy.service';
import { DOCUMENT_POLICY, LOGGER, NATS_CONNECTION, OBJECT_STORE, STORE_LOCATION, type DocumentPolicy } from './taxonomy.tokens';

/** Stops publishing and closes NATS after Nest has drained in-flight gRPC calls. */
class TaxonomyRuntime implements OnApplicationShutdown {
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
          schema: TAXONOMY_SCHEMA,
          entities: [TaxonomyEntity, TaxonomyLeafEntity, SecretEntity],
          migrations: [outboxMigration(TAXONOMY_SCHEMA), TaxonomySchema1763900000100, TaxonomyLeaves1763900000200, Secrets1763900000300],
        }),
    }),
  ],
  controllers: [TaxonomyGrpcController, SecretsGrpcController, GrpcHealthController],
  providers: [
    TaxonomyService,
    SecretsService,
    // Required: without the key no secret could be opened, so the service refuses to start rather than fail later.
    { provide: SECRET_CIPHER, useFactory: () => new SecretCipher(envString('PLATFORM_SECRETS_KEY')) },
    {
      provide: DOCUMENT_POLICY,
      useFactory: (): DocumentPolicy => ({ allowPrivate: envBool('PLATFORM_ALLOW_PRIVATE_GIT', false), limits: documentLimitsFromEnv() }),
    },
    { provide: LOGGER, useFactory: () => createLogger('taxonomy') },
    { provide: OBJECT_STORE, useFactory: () => createObjectStoreFromEnv() },
    { provide: STORE_LOCATION, useFactory: () => ({ bucket: loadS3Config().bucket, endpoint: loadS3Config().endpoint }) },
    { provide: NATS_CONNECTION, useFactory: () => connect({ servers: envString('NATS_URL'), name: 'taxonomy' }) },
    {
      provide: OutboxRelay,
      inject: [getDataSourceToken(), NATS_CONNECTION, LOGGER],
      useFactory: (dataSource: DataSource, nc: NatsConnection, logger: Logger) =>
        startOutboxRelay({
          dataSource,
          schema: TAXONOMY_SCHEMA,
          nc,
          logger,
          expectStream: eventsStream(),
          streams: [{ name: eventsStream(), subjects: [`${eventsSubjectPrefix()}.>`] }],
        }),
    },
    {
      provide: ReadinessRegistry,
      inject: [getDataSourceToken(), NATS_CONNECTION, OBJECT_STORE],
      useFactory: (db: DataSource, nats: NatsConnection, store: ObjectStore) => serviceReadiness({ db, nats, store }),
    },
    TaxonomyRuntime,
  ],
})
export class TaxonomyModule {}
