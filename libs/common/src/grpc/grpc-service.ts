import 'reflect-metadata';
import type { INestApplicationContext, INestMicroservice, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import type { Server } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { startTracing, type Tracing } from '@platform/telemetry';
import { grpcBindUrl } from '../config/listen-address';
import { useLeanAsyncResourceBind } from '../runtime/async-resource-bind';
import { createLogger } from '../logging/logger';
import { PinoNestLogger } from '../logging/nest-logger';
import { createMetricsRegistry, startOpsServer } from '../ops/ops-server';
import { ReadinessRegistry } from '../ops/readiness';
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

export interface RunningGrpcService {
  app: INestMicroservice;
  close(): Promise<void>;
}

export interface RunningWorkerService {
  app: INestApplicationContext;
  close(): Promise<void>;
}

/** /health and /metrics for a started application, and the close that reports not-ready before draining it. */
async function serveOps<A extends INestApplicationContext>(
  app: A,
  opsPort: number,
  registry: ReturnType<typeof createMetricsRegistry>,
  tracing: Tracing,
) {
  const readiness = app.get(ReadinessRegistry);
  const ops = await startOpsServer({ port: opsPort, readiness, registry });
  return {
    app,
    close: async () => {
      readiness.markDraining();
      ops.close();
      await app.close();
      // Flushed rather than shut down: other services may share this process (tests) and keep tracing.
      await tracing.forceFlush();
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
  app.enableShutdownHooks();
  await app.listen();
  // Nest registered every method at listen; the hot ones are swapped for plain handlers before readiness says yes.
  if (o.plainMethods) {
    if (!loaded) throw new Error(`${o.name}: the gRPC server did not load its contracts`);
    servePlainGrpcMethods(loaded.server, loaded.definition, o.plainMethods(app), { logger, metrics });
  }
  const running = await serveOps(app, o.opsPort, registry, tracing);
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
  app.enableShutdownHooks();
  await app.init();
  const running = await serveOps(app, o.opsPort, createMetricsRegistry(o.name), tracing);
  logger.info({ ops: o.opsPort }, `${o.name} process ready (no gRPC API)`);
  return running;
}

/**
 * Runs a process entry point, exiting non-zero with the error when start-up fails. Process-wide runtime settings are
 * made here, before anything starts, and only for a process of its own (tests start services in a shared one).
 */
export function runMain(start: () => Promise<unknown>): void {
  useLeanAsyncResourceBind();
  start().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
