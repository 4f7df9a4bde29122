import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { GrpcHealthController, ReadinessRegistry, createLogger, envInt } from '@platform/common';
import { InferenceGrpcController } from './inference.grpc-controller';
import { hapScorerFromEnv } from './moderations/hap/hap-scorer-from-env';
import { HAP_SCORER } from './moderations/hap-scorer.token';
import { EmbedCoalescer } from './pools/embed-coalescer';
import { readInferenceConfig } from './pools/pool-config';
import { PoolRegistry } from './pools/pool-registry';

/** Starts probing and discovery with the app and stops them after Nest has drained in-flight calls. */
class PoolLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(PoolRegistry) private readonly pools: PoolRegistry) {}
  async onApplicationBootstrap(): Promise<void> {
    await this.pools.start();
  }
  async onApplicationShutdown(): Promise<void> {
    await this.pools.stop();
  }
}

@Module({
  controllers: [InferenceGrpcController, GrpcHealthController],
  providers: [
    { provide: PoolRegistry, useFactory: () => new PoolRegistry(readInferenceConfig(), createLogger('inference')) },
    {
      provide: EmbedCoalescer,
      useFactory: () =>
        new EmbedCoalescer({ windowMs: envInt('PLATFORM_INFERENCE_COALESCE_MS', 2), maxInputs: envInt('PLATFORM_INFERENCE_COALESCE_MAX_INPUTS', 256) }),
    },
    { provide: HAP_SCORER, useFactory: () => hapScorerFromEnv() },
    // No dependency gates readiness: a model that is down answers UNAVAILABLE per request instead.
    { provide: ReadinessRegistry, useFactory: () => new ReadinessRegistry() },
    PoolLifecycle,
  ],
})
export class InferenceModule {}
