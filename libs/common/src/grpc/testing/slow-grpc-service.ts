import { Controller, Inject, Injectable, Module, type BeforeApplicationShutdown } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { inferenceV1 } from '@platform/contracts';
import { Observable } from 'rxjs';
import { createLogger, type Logger } from '../../logging/logger';
import { ReadinessRegistry } from '../../ops/readiness';
import { runMain } from '../../runtime/run-main';
import { GrpcHealthController } from '../health.controller';
import { startGrpcService } from '../grpc-service';

/**
 * A service process for the shutdown spec: a ListModels that answers after a second, a GenerateStream that never
 * ends, and a shutdown hook, each logging what it does. Ports from SLOW_GRPC_PORT and SLOW_OPS_PORT.
 */
const LOG = 'LOG';

@Controller()
class SlowController {
  constructor(@Inject(LOG) private readonly log: Logger) {}

  @GrpcMethod('InferenceService', 'ListModels')
  async listModels(): Promise<inferenceV1.ListModelsResponse> {
    this.log.info('call started');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    this.log.info('call answered');
    return { models: [] };
  }

  @GrpcMethod('InferenceService', 'GenerateStream')
  generateStream(): Observable<Partial<inferenceV1.GenerateStreamResponse>> {
    return new Observable((subscriber) => {
      this.log.info('stream started');
      const tick = setInterval(() => subscriber.next({ modelId: 'endless' }), 20);
      return () => clearInterval(tick);
    });
  }
}

@Injectable()
class ShutdownHook implements BeforeApplicationShutdown {
  constructor(@Inject(LOG) private readonly log: Logger) {}

  beforeApplicationShutdown(): void {
    this.log.info('shutdown hooks ran');
  }
}

@Module({
  controllers: [GrpcHealthController, SlowController],
  providers: [
    ShutdownHook,
    { provide: LOG, useFactory: () => createLogger('slow') },
    { provide: ReadinessRegistry, useValue: new ReadinessRegistry() },
  ],
})
class SlowModule {}

runMain(() =>
  startGrpcService({
    name: 'slow',
    module: SlowModule,
    protos: ['inference'],
    grpcUrl: `127.0.0.1:${process.env.SLOW_GRPC_PORT}`,
    opsPort: Number(process.env.SLOW_OPS_PORT),
  }),
);
