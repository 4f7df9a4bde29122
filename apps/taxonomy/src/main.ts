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
import { TaxonomyModule } from './taxonomy.module';

export async function startTaxonomyService(opts = platformAddresses()) {
  const logger = createLogger('taxonomy');
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(TaxonomyModule, {
    ...grpcOptions(opts.taxonomyGrpcUrl, ['taxonomy']),
    logger: new PinoNestLogger(logger),
  });
  app.useGlobalFilters(new GrpcErrorFilter(logger));
  const registry = createMetricsRegistry('taxonomy');
  app.useGlobalInterceptors(new GrpcTraceInterceptor(), new GrpcMetricsInterceptor(registry));
  app.enableShutdownHooks();
  await app.listen();
  const readiness = app.get(ReadinessRegistry);
  const ops = await startOpsServer({ port: opts.taxonomyOpsPort, readiness, registry });
  logger.info({ grpc: opts.taxonomyGrpcUrl, ops: opts.taxonomyOpsPort }, 'taxonomy service ready');
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
  startTaxonomyService().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
