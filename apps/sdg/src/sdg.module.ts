import { Module } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { grpcClient } from '@platform/common';
import { inferenceV1, taxonomyV1 } from '@platform/contracts';
import { PlatformServiceModule } from '@platform/service';
import { ModelDefaults } from './clients/model-defaults';
import { TaxonomySource } from './clients/taxonomy-source';
import { DataJobEntity } from './jobs/data-job.entity';
import { SDG_SCHEMA } from './jobs/data-job.store';
import { DataJobsService } from './jobs/data-jobs.service';
import { sdgJobSubjects } from './jobs/sdg-events';
import { syntheticDataProvider } from './llama-stack/synthetic-data.provider';
import { SdgSchema1763900000300 } from './migrations/1763900000300-sdg-schema';
import { SdgDataLeafNodes1763900000310 } from './migrations/1763900000310-data-leaf-nodes-map';
import { createRunSdg } from './pipelines';
import { SdgConfig } from './sdg.config';
import { SdgGrpcController } from './sdg.grpc-controller';
import { EVALUATION_CLIENT, INFERENCE_CLIENT, RUN_SDG, SDG_QUEUE, TAXONOMY_CLIENT } from './sdg.tokens';
import { SdgWorkerRuntime } from './worker/sdg-worker.runtime';

@Module({
  imports: [
    PlatformServiceModule.forRoot({
      name: 'sdg',
      config: SdgConfig,
      database: { schema: SDG_SCHEMA, entities: [DataJobEntity], migrations: [SdgSchema1763900000300, SdgDataLeafNodes1763900000310] },
      // One outbox carries both domain events and job messages, which land in the work-queue stream.
      outbox: { jobStreams: ({ queue }: SdgConfig) => [{ name: queue.stream, subjects: sdgJobSubjects(queue), retention: 'workqueue' }] },
      objectStore: true,
    }),
  ],
  controllers: [SdgGrpcController],
  providers: [
    grpcClient(TAXONOMY_CLIENT, 'taxonomy'),
    // Teacher and judge calls of the Llama Stack route run generations, which take minutes.
    grpcClient(INFERENCE_CLIENT, 'inference', { deadline: 'long' }),
    grpcClient(EVALUATION_CLIENT, 'evaluation', { deadline: 'long' }),
    DataJobsService,
    syntheticDataProvider,
    { provide: SDG_QUEUE, inject: [SdgConfig.token], useFactory: (c: SdgConfig) => c.queue },
    { provide: RUN_SDG, inject: [SdgConfig.token], useFactory: (c: SdgConfig) => createRunSdg(c.generation) },
    {
      provide: TaxonomySource,
      inject: [TAXONOMY_CLIENT],
      useFactory: (c: ClientGrpc) => new TaxonomySource(c.getService<taxonomyV1.TaxonomyServiceClient>(taxonomyV1.TAXONOMY_SERVICE_NAME)),
    },
    {
      provide: ModelDefaults,
      inject: [INFERENCE_CLIENT, SdgConfig.token],
      useFactory: (c: ClientGrpc, config: SdgConfig) =>
        new ModelDefaults(c.getService<inferenceV1.InferenceServiceClient>(inferenceV1.INFERENCE_SERVICE_NAME), config.models),
    },
    SdgWorkerRuntime,
  ],
})
export class SdgModule {}
