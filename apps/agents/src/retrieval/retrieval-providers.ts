import type { Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Logger } from '@platform/common';
import { RetrievalIndex, VectorIndex } from '@platform/retrieval';
import { LOGGER } from '@platform/service';
import type { DataSource } from 'typeorm';
import { AgentsConfig } from '../agents.config';
import { AGENTS_SCHEMA, RETRIEVAL_INDEX, VECTOR_INDEX } from '../agents.tokens';
import { RetrievalGarbageCollector } from './retrieval-garbage-collector';

/** The vector index (LanceDB at PLATFORM_VECTOR_INDEX_URI) and the retrieval index over it and this schema's tables. */
export const retrievalProviders: Provider[] = [
  {
    provide: VECTOR_INDEX,
    inject: [AgentsConfig.token],
    useFactory: async (config: AgentsConfig) => {
      const vectors = await VectorIndex.connect(config.vectorIndex);
      return Object.assign(vectors, { onApplicationShutdown: () => vectors.close() });
    },
  },
  {
    provide: RETRIEVAL_INDEX,
    inject: [getDataSourceToken(), VECTOR_INDEX, LOGGER],
    useFactory: (db: DataSource, vectors: VectorIndex, logger: Logger) =>
      new RetrievalIndex({ db, schema: AGENTS_SCHEMA, vectors, logger }),
  },
  RetrievalGarbageCollector,
];
