import type { Provider } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { grpcClient } from '@platform/common';
import { loadS3Config, type ObjectStore } from '@platform/object-store';
import { OBJECT_STORE } from '@platform/service';
import { DeploymentConfig } from '../deployment.config';
import { DOCUMENTS_CLIENT, MODEL_STORE, PLATFORM_BUCKET, RAG_PATTERNS, TRAINING_CLIENT, TRAINING_RESULTS } from './asset.tokens';
import { asDirectory } from './bucket-path';
import { ModelAssetsService } from './model-assets.service';
import { ModelStore } from './model-store';
import { GrpcRagPatterns } from './rag-patterns';
import { GrpcTrainingResults } from './training-results';

export { ModelAssetsGrpcController } from './model-assets.grpc-controller';

/**
 * What the deployment module provides for model assets (with `ModelAssetsGrpcController` as a controller); needs the
 * platform service module's database, object store and `DeploymentConfig`.
 */
export const assetProviders: Provider[] = [
  grpcClient(TRAINING_CLIENT, 'training'),
  { provide: TRAINING_RESULTS, inject: [TRAINING_CLIENT], useFactory: (client: ClientGrpc) => new GrpcTrainingResults(client) },
  grpcClient(DOCUMENTS_CLIENT, 'documents'),
  { provide: RAG_PATTERNS, inject: [DOCUMENTS_CLIENT], useFactory: (client: ClientGrpc) => new GrpcRagPatterns(client) },
  {
    provide: MODEL_STORE,
    inject: [OBJECT_STORE, DeploymentConfig.token],
    useFactory: (store: ObjectStore, config: DeploymentConfig) =>
      new ModelStore(store, config.modelStorePrefix === '' ? '' : asDirectory(config.modelStorePrefix)),
  },
  { provide: PLATFORM_BUCKET, useFactory: () => loadS3Config().bucket },
  ModelAssetsService,
];
