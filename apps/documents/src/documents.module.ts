import { Module } from '@nestjs/common';
import type { ObjectStore } from '@platform/object-store';
import { OBJECT_STORE, PlatformServiceModule } from '@platform/service';
import { DocumentsConfig } from './documents.config';
import { documentsEventCatalog } from './documents-events';
import { DOCUMENTS_CONFIG, DOCUMENTS_SCHEMA } from './documents.tokens';
import { extractWithLibrary } from './extractions/document-extraction';
import { ExtractionRunner } from './extractions/extraction-runner';
import { ExtractionsRuntime } from './extractions/extractions-runtime';
import { ExtractionEntity } from './extractions/extraction.entity';
import { ExtractionsGrpcController } from './extractions/extractions.grpc-controller';
import { ExtractionsService } from './extractions/extractions.service';
import { TextExtractions1765100000100 } from './migrations/1765100000100-text-extractions';
import { ragControllers, ragEntities, ragMigrations, ragProviders } from './rag/rag-providers';

/**
 * The documents service: text extraction jobs (documents in a container's storage turned into Markdown, HTML, plain
 * text, an assembly JSON and page images) and AutoAI RAG experiments, on the platform's job runner, in its own schema.
 */
@Module({
  imports: [
    PlatformServiceModule.forRoot({
      name: 'documents',
      config: DocumentsConfig,
      database: {
        schema: DOCUMENTS_SCHEMA,
        entities: [ExtractionEntity, ...ragEntities],
        migrations: [TextExtractions1765100000100, ...ragMigrations],
      },
      // One outbox feeds the events stream and the job queue.
      outbox: {
        jobStreams: (c: DocumentsConfig) => [{ name: c.jobs.stream, subjects: [`${c.jobs.prefix}.documents.>`], retention: 'workqueue' }],
      },
      objectStore: true,
    }),
  ],
  controllers: [ExtractionsGrpcController, ...ragControllers],
  providers: [
    ExtractionsService,
    {
      provide: ExtractionRunner,
      inject: [OBJECT_STORE, DOCUMENTS_CONFIG],
      useFactory: (store: ObjectStore, config: DocumentsConfig) =>
        new ExtractionRunner(store, config, documentsEventCatalog(config.eventsPrefix), extractWithLibrary),
    },
    ExtractionsRuntime,
    ...ragProviders,
  ],
})
export class DocumentsModule {}
