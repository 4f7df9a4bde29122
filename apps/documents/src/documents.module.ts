import { Module } from '@nestjs/common';
import { PlatformServiceModule } from '@platform/service';
import { DocumentsConfig } from './documents.config';
import { DOCUMENTS_SCHEMA } from './documents.tokens';
import { ExtractionEntity } from './extractions/extraction.entity';
import { ExtractionsGrpcController } from './extractions/extractions.grpc-controller';
import { ExtractionsService } from './extractions/extractions.service';
import { TextExtractions1765100000100 } from './migrations/1765100000100-text-extractions';

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
        entities: [ExtractionEntity],
        migrations: [TextExtractions1765100000100],
      },
      // One outbox feeds the events stream and the job queue.
      outbox: {
        jobStreams: (c: DocumentsConfig) => [{ name: c.jobs.stream, subjects: [`${c.jobs.prefix}.documents.>`], retention: 'workqueue' }],
      },
      objectStore: true,
    }),
  ],
  controllers: [ExtractionsGrpcController],
  providers: [ExtractionsService],
})
export class DocumentsModule {}
