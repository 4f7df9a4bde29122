import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import {
  GrpcErrorFilter,
  GrpcMetricsInterceptor,
  GrpcTraceInterceptor,
  PinoNestLogger,
  ReadinessRegistry,
  createLogger,
  createMetricsRegistry,
  grpcOptions,
  platformAddresses,
  startOpsServer,
} from '@platform/common';
import { InferenceModule } from './inference.module';

export async function startInferenceService(opts = platformAddresses()) {
  const logger = createLogger('inference');
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(InferenceModule, {
    ...grpcOptions(opts.inferenceGrpcUrl, ['inference']),
    logger: new PinoNestLogger(logger),
  });
  app.useGlobalFilters(new GrpcErrorFilter(logger));
  const registry = createMetricsRegistry('inference');
  app.useGlobalInterceptors(new GrpcTraceInterceptor(), new GrpcMetricsInterceptor(registry));
  app.enableShutdownHooks();
  await app.listen();
  const readiness = app.get(ReadinessRegistry);
  const ops = await startOpsServer({ port: opts.inferenceOpsPort, readiness, registry });
  logger.info({ grpc: opts.inferenceGrpcUrl, ops: opts.inferenceOpsPort }, 'inference service ready');
  return {
    app,
    close: async () => {
      readiness.markDraining();
      ops.close();
      await app.close();
    },
  };
}

if (require.main === module) {
  startInferenceService().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
