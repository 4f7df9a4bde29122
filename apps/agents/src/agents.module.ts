import { Module } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { grpcClient } from '@platform/common';
import { inferenceV1 } from '@platform/contracts';
import { retrievalEntities, retrievalMigration } from '@platform/retrieval';
import { PlatformServiceModule } from '@platform/service';
import { AgentsConfig } from './agents.config';
import { agentEntities, agentProviders, AgentsGrpcController, AgentsSessionsTurns1765000001000 } from './agents/agent-providers';
import { AGENTS_SCHEMA, INFERENCE, INFERENCE_CLIENT } from './agents.tokens';
import { MemoryBanksSchema1765000000900 } from './migrations/1765000000900-memory-banks-schema';
import { MemoryBankDocumentEntity } from './memory-banks/memory-bank-document.entity';
import { MemoryBankEntity } from './memory-banks/memory-bank.entity';
import { MemoryBanksGrpcController, memoryBankProviders } from './memory-banks/memory-bank-providers';
import { retrievalProviders } from './retrieval/retrieval-providers';

/**
 * The agents service: Llama Stack memory banks (documents' bytes in the object store, their chunks in the retrieval
 * index: LanceDB vectors and PostgreSQL full text in this schema) and agentic systems, all in its own schema.
 */
@Module({
  imports: [
    PlatformServiceModule.forRoot({
      name: 'agents',
      config: AgentsConfig,
      database: {
        schema: AGENTS_SCHEMA,
        entities: [MemoryBankEntity, MemoryBankDocumentEntity, ...retrievalEntities(AGENTS_SCHEMA), ...agentEntities],
        migrations: [retrievalMigration(AGENTS_SCHEMA), MemoryBanksSchema1765000000900, AgentsSessionsTurns1765000001000],
      },
      objectStore: true,
    }),
  ],
  controllers: [MemoryBanksGrpcController, AgentsGrpcController],
  providers: [
    grpcClient(INFERENCE_CLIENT, 'inference', { deadline: 'long' }),
    {
      provide: INFERENCE,
      inject: [INFERENCE_CLIENT],
      useFactory: (c: ClientGrpc) => c.getService<inferenceV1.InferenceServiceClient>(inferenceV1.INFERENCE_SERVICE_NAME),
    },
    ...retrievalProviders,
    ...memoryBankProviders,
    ...agentProviders,
  ],
})
export class AgentsModule {}
