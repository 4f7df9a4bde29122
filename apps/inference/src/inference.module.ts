import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { GrpcHealthController, ReadinessRegistry, createLogger, envInt } from '@platform/common';
import { closeBackendPools } from './backends/http';
import { InferenceGrpcController } from './inference.grpc-controller';
import { hapScorerFromEnv } from './moderations/hap/hap-scorer-from-env';
import { HAP_SCORER } from './moderations/hap-scorer.token';
import type { CoalescerLimits } from './pools/batcher';
import { EmbedCoalescer } from './pools/embed-coalescer';
import { readInferenceConfig } from './pools/pool-config';
import { PoolRegistry } from './pools/pool-registry';
import { TokenizeCoalescer } from './pools/tokenize-coalescer';
import { ReplicaRegistration } from './registration/replica-registration';

/** The runtime registration of replicas over NATS, or null when `NATS_URL` is unset (configuration only). */
export const REPLICA_REGISTRATION = 'REPLICA_REGISTRATION';

interface Registration {
  nc: NatsConnection;
  registration: ReplicaRegistration;
}

/**
 * Starts probing and discovery, then replays the replica announcements, before gRPC serves; stops them after Nest
 * has drained in-flight calls.
 */
class PoolLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(PoolRegistry) private readonly pools: PoolRegistry,
    @Inject(REPLICA_REGISTRATION) private readonly registration: Registration | null,
  ) {}
  async onApplicationBootstrap(): Promise<void> {
    await this.pools.start();
    await this.registration?.registration.start();
  }
  async onApplicationShutdown(): Promise<void> {
    if (this.registration) {
      await this.registration.registration.stop();
      await this.registration.nc.drain().catch(() => undefined);
    }
    await this.pools.stop();
    await closeBackendPools();
  }
}

/** One coalescing window and batch bound for embeddings, rerank and tokenization (PLATFORM_INFERENCE_COALESCE_*). */
function coalescerLimits(): CoalescerLimits {
  return {
    windowMs: envInt('PLATFORM_INFERENCE_COALESCE_MS', 2),
    maxInputs: envInt('PLATFORM_INFERENCE_COALESCE_MAX_INPUTS', 256),
    inFlightPerReplica: envInt('PLATFORM_INFERENCE_COALESCE_IN_FLIGHT', 8),
  };
}

@Module({
  controllers: [InferenceGrpcController, GrpcHealthController],
  providers: [
    { provide: 'INFERENCE_LOGGER', useFactory: () => createLogger('inference') },
    {
      provide: PoolRegistry,
      inject: ['INFERENCE_LOGGER'],
      useFactory: (logger: ReturnType<typeof createLogger>) => new PoolRegistry(readInferenceConfig(), logger),
    },
    {
      provide: REPLICA_REGISTRATION,
      inject: [PoolRegistry, 'INFERENCE_LOGGER'],
      useFactory: async (pools: PoolRegistry, logger: ReturnType<typeof createLogger>): Promise<Registration | null> => {
        const servers = process.env.NATS_URL;
        if (!servers) return null;
        const nc = await connect({ servers, name: 'inference' });
        const registration = new ReplicaRegistration({ nc, pools, logger });
        return { nc, registration };
      },
    },
    {
      provide: EmbedCoalescer,
      useFactory: () => new EmbedCoalescer(coalescerLimits()),
    },
    { provide: TokenizeCoalescer, useFactory: () => new TokenizeCoalescer(coalescerLimits()) },
    { provide: HAP_SCORER, useFactory: () => hapScorerFromEnv() },
    {
      provide: ReadinessRegistry,
      inject: [REPLICA_REGISTRATION],
      // No model gates readiness: a model that is down answers UNAVAILABLE per request instead. With registration
      // on, NATS and the replay of earlier announcements do (without them the pool set may be incomplete).
      useFactory: (r: Registration | null) => {
        const readiness = new ReadinessRegistry();
        if (r) {
          readiness.add('nats', async () => {
            if (r.nc.isClosed()) throw new Error('connection closed');
            await r.nc.flush();
          });
          readiness.add('replica_registrations', async () => {
            if (!r.registration.replayed) throw new Error('replaying replica announcements');
          });
        }
        return readiness;
      },
    },
    PoolLifecycle,
  ],
})
export class InferenceModule {}
