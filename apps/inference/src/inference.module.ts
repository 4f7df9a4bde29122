import { Inject, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { ReadinessRegistry, type Logger } from '@platform/common';
import { LOGGER, NATS_CONNECTION, PlatformServiceModule } from '@platform/service';
import { closeBackendPools } from './backends/http';
import { InferenceSettings } from './inference.config';
import { InferenceGrpcController } from './inference.grpc-controller';
import { InferenceRpcs } from './inference-rpcs';
import { createHapScorer } from './moderations/hap/create-hap-scorer';
import { HAP_SCORER } from './moderations/hap-scorer.token';
import { EmbedCoalescer } from './pools/embed-coalescer';
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
 * Starts probing and discovery, then replays the replica announcements, before gRPC serves. On shutdown the
 * registration stops while NATS is open (the platform module drains it next), then probing and the backend pools.
 */
class PoolLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(PoolRegistry) private readonly pools: PoolRegistry,
    @Inject(REPLICA_REGISTRATION) private readonly registration: Registration | null,
  ) {}
  async onApplicationBootstrap(): Promise<void> {
    await this.pools.start();
    await this.registration?.registration.start();
  }
  async beforeApplicationShutdown(): Promise<void> {
    await this.registration?.registration.stop();
  }
  async onApplicationShutdown(): Promise<void> {
    await this.pools.stop();
    await closeBackendPools();
  }
}

@Module({
  imports: [PlatformServiceModule.forRoot({ name: 'inference', config: InferenceSettings, nats: 'optional' })],
  controllers: [InferenceGrpcController],
  providers: [
    {
      provide: PoolRegistry,
      inject: [InferenceSettings.token, LOGGER],
      useFactory: (s: InferenceSettings, logger: Logger) => new PoolRegistry(s.pools, logger),
    },
    {
      provide: REPLICA_REGISTRATION,
      inject: [PoolRegistry, LOGGER, NATS_CONNECTION, ReadinessRegistry],
      useFactory: (pools: PoolRegistry, logger: Logger, nc: NatsConnection | null, readiness: ReadinessRegistry): Registration | null => {
        if (!nc) return null;
        const registration = new ReplicaRegistration({ nc, pools, logger });
        // No model gates readiness: a model that is down answers UNAVAILABLE per request instead. With registration
        // on, the replay of earlier announcements does (without it the pool set may be incomplete).
        readiness.add('replica_registrations', async () => {
          if (!registration.replayed) throw new Error('replaying replica announcements');
        });
        return { nc, registration };
      },
    },
    { provide: EmbedCoalescer, inject: [InferenceSettings.token], useFactory: (s: InferenceSettings) => new EmbedCoalescer(s.coalesce) },
    {
      provide: TokenizeCoalescer,
      inject: [InferenceSettings.token],
      useFactory: (s: InferenceSettings) => new TokenizeCoalescer(s.coalesce),
    },
    { provide: HAP_SCORER, inject: [InferenceSettings.token], useFactory: (s: InferenceSettings) => createHapScorer(s.hap) },
    InferenceRpcs,
    PoolLifecycle,
  ],
})
export class InferenceModule {}
