import type { Provider, Type } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { getDataSourceToken } from '@nestjs/typeorm';
import { grpcClient, type Logger } from '@platform/common';
import { inferenceV1 } from '@platform/contracts';
import type { ObjectStore } from '@platform/object-store';
import { RetrievalIndex, VectorIndex, loadVectorIndexSettings, retrievalEntities, retrievalMigration } from '@platform/retrieval';
import { LOGGER, OBJECT_STORE } from '@platform/service';
import type { DataSource } from 'typeorm';
import type { DocumentsConfig } from '../documents.config';
import { documentsEventCatalog } from '../documents-events';
import { DOCUMENTS_CONFIG, DOCUMENTS_SCHEMA } from '../documents.tokens';
import { RagExperiments1765100001000 } from '../migrations/1765100001000-rag-experiments';
import { ragPatternNotebooks } from './rag-notebooks';
import { RagExperimentEntity } from './rag-experiment.entity';
import { RagExperimentRunner } from './rag-experiment-runner';
import { RagExperimentsGrpcController } from './rag-experiments.grpc-controller';
import { RagExperimentsService } from './rag-experiments.service';
import { RagIndex } from './rag-index';
import { RagInference } from './rag-inference';
import { RagPromptsService } from './rag-prompts.service';
import { RagWorker } from './rag-worker';
import { RAG_INFERENCE_CLIENT, RAG_INFERENCE_SERVICE, RAG_RETRIEVAL_INDEX, RAG_VECTOR_INDEX } from './rag.tokens';

/**
 * AutoAI RAG in the documents service, for its module to list: `entities: [...ragEntities]`, `migrations:
 * [...ragMigrations]`, `controllers: [...ragControllers]`, `providers: [...ragProviders]`.
 */
export const ragEntities = [RagExperimentEntity, ...retrievalEntities(DOCUMENTS_SCHEMA)];
/** The retrieval tables (retrieval_generations, retrieval_chunks) in the documents schema, then the experiments'. */
export const ragMigrations = [retrievalMigration(DOCUMENTS_SCHEMA), RagExperiments1765100001000];
export const ragControllers: Type[] = [RagExperimentsGrpcController];

export const ragProviders: Provider[] = [
  grpcClient(RAG_INFERENCE_CLIENT, 'inference', { deadline: 'long' }),
  {
    provide: RAG_INFERENCE_SERVICE,
    inject: [RAG_INFERENCE_CLIENT],
    useFactory: (c: ClientGrpc) => c.getService<inferenceV1.InferenceServiceClient>(inferenceV1.INFERENCE_SERVICE_NAME),
  },
  {
    // LanceDB at PLATFORM_VECTOR_INDEX_URI (read by @platform/retrieval), as the agents service's memory banks.
    provide: RAG_VECTOR_INDEX,
    useFactory: async () => {
      const vectors = await VectorIndex.connect(loadVectorIndexSettings());
      return Object.assign(vectors, { onApplicationShutdown: () => vectors.close() });
    },
  },
  {
    provide: RAG_RETRIEVAL_INDEX,
    inject: [getDataSourceToken(), RAG_VECTOR_INDEX, LOGGER],
    useFactory: (db: DataSource, vectors: VectorIndex, logger: Logger) =>
      new RetrievalIndex({ db, schema: DOCUMENTS_SCHEMA, vectors, logger }),
  },
  RagInference,
  {
    provide: RagIndex,
    inject: [RAG_RETRIEVAL_INDEX, RagInference],
    useFactory: (index: RetrievalIndex, inference: RagInference) => new RagIndex(index, inference),
  },
  {
    provide: RagExperimentRunner,
    inject: [OBJECT_STORE, RagIndex, RagInference, DOCUMENTS_CONFIG, getDataSourceToken()],
    useFactory: (store: ObjectStore, index: RagIndex, inference: RagInference, config: DocumentsConfig, db: DataSource) =>
      new RagExperimentRunner(store, index, inference, ragPatternNotebooks, config, documentsEventCatalog(config.eventsPrefix), (id) =>
        db.getRepository(RagExperimentEntity).existsBy({ id }),
      ),
  },
  RagExperimentsService,
  RagPromptsService,
  RagWorker,
];
