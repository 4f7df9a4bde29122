import { Module } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { getDataSourceToken } from '@nestjs/typeorm';
import { grpcClient } from '@platform/common';
import { inferenceV1 } from '@platform/contracts';
import { OutboxRelay } from '@platform/events';
import { PlatformServiceModule } from '@platform/service';
import type { DataSource } from 'typeorm';
import { assetProviders, ModelAssetsGrpcController } from './assets/asset-providers';
import { ModelAssetEntity } from './assets/model-asset.entity';
import { DeploymentConfig } from './deployment.config';
import { DeploymentGrpcController } from './deployment.grpc-controller';
import { DEPLOYMENT_SCHEMA, INFERENCE, INFERENCE_CLIENT, KEEPER_QUEUE, PROMPT_TEMPLATES, PROMPTS_CLIENT } from './deployment.tokens';
import { DeploymentChangesService } from './deployments/deployment-changes.service';
import { DeploymentEntity } from './deployments/deployment.entity';
import { DeploymentStore } from './deployments/deployment-store';
import { DeploymentsService } from './deployments/deployments.service';
import { GrpcPromptTemplates } from './deployments/prompt-templates';
import { TemporaryDeploymentsService } from './deployments/temporary-deployments.service';
import { DEPLOYMENT_MIGRATIONS } from './migrations/deployment-migrations';
import { keeperJobSubjects, type KeeperQueueConfig } from './replicas/keeper-queue';
import { keeperProviders } from './replicas/keeper/keeper-providers';
import { ReplicaEntity } from './replicas/replica.entity';

/**
 * The deployment service: the deployments API (`deployments/`), model assets and the model store (`assets/`), and the
 * keepers that run each deployment's replicas (`replicas/`, a long job of the one job runner per deployment).
 */
@Module({
  imports: [
    PlatformServiceModule.forRoot({
      name: 'deployment',
      config: DeploymentConfig,
      database: {
        schema: DEPLOYMENT_SCHEMA,
        entities: [DeploymentEntity, ReplicaEntity, ModelAssetEntity],
        migrations: DEPLOYMENT_MIGRATIONS,
      },
      // One outbox carries the lifecycle events, the replica announcements and the keepers' queue messages.
      outbox: {
        jobStreams: ({ queue }: DeploymentConfig) => [{ name: queue.stream, subjects: keeperJobSubjects(queue), retention: 'workqueue' }],
      },
      // Model assets read the model store and keepers download weights from the bucket.
      objectStore: true,
    }),
  ],
  controllers: [DeploymentGrpcController, ModelAssetsGrpcController],
  providers: [
    { provide: KEEPER_QUEUE, inject: [DeploymentConfig.token], useFactory: (c: DeploymentConfig) => c.queue },
    grpcClient(INFERENCE_CLIENT, 'inference'),
    {
      provide: INFERENCE,
      inject: [INFERENCE_CLIENT],
      useFactory: (c: ClientGrpc) => c.getService<inferenceV1.InferenceServiceClient>(inferenceV1.INFERENCE_SERVICE_NAME),
    },
    grpcClient(PROMPTS_CLIENT, 'prompts'),
    { provide: PROMPT_TEMPLATES, inject: [PROMPTS_CLIENT], useFactory: (c: ClientGrpc) => new GrpcPromptTemplates(c) },
    {
      provide: DeploymentStore,
      inject: [getDataSourceToken(), OutboxRelay, KEEPER_QUEUE],
      useFactory: (db: DataSource, relay: OutboxRelay, queue: KeeperQueueConfig) => new DeploymentStore(db, relay, queue),
    },
    DeploymentsService,
    DeploymentChangesService,
    TemporaryDeploymentsService,
    ...assetProviders,
    ...keeperProviders,
  ],
})
export class DeploymentModule {}
