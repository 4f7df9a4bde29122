import 'reflect-metadata';
import type { INestApplicationContext, INestMicroservice, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import type { Server } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import type { Logger } from 'pino';
import { startTracing, type Tracing } from '@platform/telemetry';
import { grpcBindUrl } from '../config/listen-address';
import { ShutdownConfig } from '../config/shutdown-config';
import { createLogger } from '../logging/logger';
import { PinoNestLogger } from '../logging/nest-logger';
import { createMetricsRegistry, startOpsServer } from '../ops/ops-server';
import { ReadinessRegistry } from '../ops/readiness';
import type { RunningProcess } from '../runtime/run-main';
import { drainGrpcServer } from './grpc-drain';
import { GrpcErrorFilter } from './grpc-error.filter';
import { GrpcMetricsInterceptor } from './grpc-metrics.interceptor';
import { GrpcServerMetrics } from './grpc-server-metrics';
import { GrpcTraceInterceptor } from './grpc-trace.interceptor';
import { grpcServerOptions } from './grpc-server-options';
import { servePlainGrpcMethods, type PlainGrpcMethods } from './plain-grpc-methods';
import type { ProtoName } from './grpc-transport';

export interface GrpcServiceOptions {
  name: string;
  /** The service's root module; it must provide a ReadinessRegistry. */
  module: Type<unknown>;
  protos: ProtoName[];
  grpcUrl: string;
  opsPort: number;
  /** Hot methods served on plain grpc-js handlers rather than Nest's (plain-grpc-methods.ts), built from the started app. */
  plainMethods?: (app: INestApplicationContext) => PlainGrpcMethods;
}

export interface RunningGrpcService extends RunningProcess {
  app: INestMicroservice;
}

export interface RunningWorkerService extends RunningProcess {
  app: INestApplicationContext;
}

/**
 * /health and /metrics for a started application, and its close: report not ready, let `drain` finish the work in
 * flight, then close the application, whose providers' shutdown hooks run in the order platform-service.module.ts gives.
 */
async function serveOps<A extends INestApplicationContext>(
  app: A,
  o: { opsPort: number; registry: ReturnType<typeof createMetricsRegistry>; tracing: Tracing; logger: Logger; drain?: () => Promise<void> },
) {
  const readiness = app.get(ReadinessRegistry);
  const ops = await startOpsServer({ port: o.opsPort, readiness, registry: o.registry });
  return {
    app,
    close: async () => {
      o.logger.info('shutting down: draining in-flight work');
      readiness.markDraining();
      ops.close();
      await o.drain?.();
      await app.close();
      // Flushed rather than shut down: other services may share this process (tests) and keep tracing.
      await o.tracing.forceFlush();
      o.logger.info('stopped');
    },
  };
}

/**
 * Boots one domain service the same way everywhere: gRPC on `grpcUrl` (its port on PLATFORM_LISTEN_HOST when set)
 * with the standard health service and server reflection, errors mapped to statuses, the caller's trace on every log
 * line and (with an OTLP endpoint configured) in a span per call, call metrics, and /health + /metrics on `opsPort`.
 */
export async function startGrpcService(o: GrpcServiceOptions): Promise<RunningGrpcService> {
  const tracing = startTracing(o.name);
  const logger = createLogger(o.name);
  const bindUrl = grpcBindUrl(o.grpcUrl);
  const { drainTimeoutMs } = ShutdownConfig.load();
  let loaded: { definition: PackageDefinition; server: Server } | undefined;
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(o.module, {
    ...grpcServerOptions(bindUrl, o.protos, (definition, server) => (loaded = { definition, server })),
    logger: new PinoNestLogger(logger),
    // A failed start (e.g. a bad setting) rejects to runMain, which exits 1 with the message, instead of abort().
    abortOnError: false,
  });
  const registry = createMetricsRegistry(o.name);
  const metrics = new GrpcServerMetrics(registry);
  app.useGlobalFilters(new GrpcErrorFilter(logger));
  app.useGlobalInterceptors(new GrpcTraceInterceptor(), new GrpcMetricsInterceptor(metrics));
  await app.listen();
  if (!loaded) throw new Error(`${o.name}: the gRPC server did not load its contracts`);
  const { server, definition } = loaded;
  // Nest registered every method at listen; the hot ones are swapped for plain handlers before readiness says yes.
  if (o.plainMethods) servePlainGrpcMethods(server, definition, o.plainMethods(app), { logger, metrics });
  const drain = () => drainGrpcServer(server, drainTimeoutMs);
  const running = await serveOps(app, { opsPort: o.opsPort, registry, tracing, logger, drain });
  logger.info({ grpc: bindUrl, ops: o.opsPort }, `${o.name} service ready`);
  return running;
}

/**
 * A process of a service that only works (e.g. runs queued jobs) and serves no gRPC API: the same module and
 * shutdown, with /health and /metrics on `opsPort`.
 */
export async function startWorkerService(o: Omit<GrpcServiceOptions, 'protos' | 'grpcUrl'>): Promise<RunningWorkerService> {
  const tracing = startTracing(o.name);
  const logger = createLogger(o.name);
  const app = await NestFactory.createApplicationContext(o.module, { logger: new PinoNestLogger(logger), abortOnError: false });
  await app.init();
  const running = await serveOps(app, { opsPort: o.opsPort, registry: createMetricsRegistry(o.name), tracing, logger });
  logger.info({ ops: o.opsPort }, `${o.name} process ready (no gRPC API)`);
  return running;
}
