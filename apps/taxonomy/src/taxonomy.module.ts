import { Module } from '@nestjs/common';
import { loadS3Config } from '@platform/object-store';
import { PlatformServiceModule } from '@platform/service';
import { TaxonomySchema1763900000100 } from './migrations/1763900000100-taxonomy-schema';
import { TaxonomyLeaves1763900000200 } from './migrations/1763900000200-taxonomy-leaves';
import { Secrets1763900000300 } from './migrations/1763900000300-secrets';
import { SecretBindings1763900000400 } from './migrations/1763900000400-secret-bindings';
import { TaxonomyLeafEntity } from './leaf.entity';
import { LeafReader } from './leaf-reading';
import { SecretEntity } from './secrets/secret.entity';
import { SecretCipher } from './secrets/secret-cipher';
import { SecretsGrpcController } from './secrets/secrets.grpc-controller';
import { SECRET_CIPHER, SecretsService } from './secrets/secrets.service';
import { TaxonomyConfig } from './taxonomy.config';
import { TaxonomyEntity } from './taxonomy.entity';
import { TaxonomyGrpcController } from './taxonomy.grpc-controller';
import { TAXONOMY_SCHEMA, TaxonomyService } from './taxonomy.service';
import { DOCUMENT_POLICY, STORE_LOCATION, type StoreLocation } from './taxonomy.tokens';

@Module({
  imports: [
    PlatformServiceModule.forRoot({
      name: 'taxonomy',
      config: TaxonomyConfig,
      database: {
        schema: TAXONOMY_SCHEMA,
        entities: [TaxonomyEntity, TaxonomyLeafEntity, SecretEntity],
        migrations: [TaxonomySchema1763900000100, TaxonomyLeaves1763900000200, Secrets1763900000300, SecretBindings1763900000400],
      },
      outbox: {},
      objectStore: true,
    }),
  ],
  controllers: [TaxonomyGrpcController, SecretsGrpcController],
  providers: [
    TaxonomyService,
    SecretsService,
    { provide: SECRET_CIPHER, inject: [TaxonomyConfig.token], useFactory: (c: TaxonomyConfig) => new SecretCipher(c.secretsKey) },
    { provide: DOCUMENT_POLICY, inject: [TaxonomyConfig.token], useFactory: (c: TaxonomyConfig) => c.documents },
    { provide: LeafReader, inject: [TaxonomyConfig.token], useFactory: (c: TaxonomyConfig) => new LeafReader(c.leafReading) },
    { provide: STORE_LOCATION, useFactory: (): StoreLocation => ({ bucket: loadS3Config().bucket, endpoint: loadS3Config().endpoint }) },
  ],
})
export class TaxonomyModule {}
