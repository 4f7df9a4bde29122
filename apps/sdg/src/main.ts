import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { PinoNestLogger, ReadinessRegistry, createLogger, createMetricsRegistry, envBool, runMain, serviceGrpcUrl, serviceOpsPort, startGrpcService, startOpsServer } from '@platform/common';
import { SdgModule } from './sdg.module';

export function startSdgService(grpcUrl = serviceGrpcUrl('sdg'), opsPort = serviceOpsPort('sdg')) {
  return startGrpcService({ name: 'sdg', module: SdgModule, protos: ['sdg'], grpcUrl, opsPort });
}

/** PLATFORM_SDG_WORKER_ONLY: a process that only runs jobs from the queue (no gRPC API), with /health and /metrics. */
export async function startSdgWorkerOnly(opsPort = serviceOpsPort('sdg')) {
  const logger = createLogger('sdg-worker');
  const app = await NestFactory.createApplicationContext(SdgModule, { logger: new PinoNestLogger(logger) });
  app.enableShutdownHooks();
  await app.init();
  const readiness = app.get(ReadinessRegistry);
  const ops = await startOpsServer({ port: opsPort, readiness, registry: createMetricsRegistry('sdg-worker') });
  logger.info({ ops: opsPort }, 'sdg worker-only process ready');
  return {
    app,
    close: async () => {
      readiness.markDraining();
      ops.close();
      await app.close();
    },
  };
}

if (require.main === module) runMain(() => (envBool('PLATFORM_SDG_WORKER_ONLY', false) ? startSdgWorkerOnly() : startSdgService()));
