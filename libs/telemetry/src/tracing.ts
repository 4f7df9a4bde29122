import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { tracingConfig, type TracingConfig } from './tracing-config';

/** What a process holds after `startTracing`. */
export interface Tracing {
  /** False when no endpoint is configured: no SDK, no exporter, the API's no-op tracer. */
  readonly enabled: boolean;
  readonly config?: TracingConfig;
  /** Exports the spans ended so far. */
  forceFlush(): Promise<void>;
  /** Exports what is left and turns tracing off for the rest of the process. */
  shutdown(): Promise<void>;
}

const DISABLED: Tracing = { enabled: false, forceFlush: async () => undefined, shutdown: async () => undefined };

let current: Tracing = DISABLED;
let tracer: Tracer | undefined;

/**
 * Whether spans are recorded in this process. Every instrumented hop asks this first and does nothing more when
 * off, so an untraced process pays one boolean test per request.
 */
export function tracingEnabled(): boolean {
  return tracer !== undefined;
}

/** The tracer of the platform's own spans; only called once `tracingEnabled()` said yes. */
export function platformTracer(): Tracer {
  if (!tracer) throw new Error('tracing is not started');
  return tracer;
}

function exporterFor(config: TracingConfig): SpanExporter {
  return config.protocol === 'http/json' ? new OtlpJsonExporter({ url: config.url }) : new OtlpProtobufExporter({ url: config.url });
}

/**
 * Starts tracing for this process when the standard OpenTelemetry variables ask for it (see `tracingConfig`):
 * spans batched to OTLP/HTTP, W3C `traceparent` propagation, context carried by AsyncLocalStorage. Call it first in a
 * process's entry point. The first call in a process wins; later ones (several services started in one test
 * process) get the same handle.
 */
export function startTracing(processName: string, env: NodeJS.ProcessEnv = process.env): Tracing {
  if (current.enabled) return current;
  const config = tracingConfig(processName, env);
  if (!config) return DISABLED;
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }))
    .merge(detectResources({ detectors: [envDetector] }));
  // BatchSpanProcessor reads OTEL_BSP_* (schedule delay, queue size) itself; the sampler comes from OTEL_TRACES_SAMPLER.
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporterFor(config))] });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  tracer = provider.getTracer('@platform/telemetry');
  const handle: Tracing = {
    enabled: true,
    config,
    forceFlush: () => provider.forceFlush(),
    shutdown: async () => {
      if (current !== handle) return;
      current = DISABLED;
      tracer = undefined;
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
  current = handle;
  flushOnSignals(handle);
  return handle;
}

/** Stops this process's tracing, exporting the spans not yet sent (part of a process's shutdown). */
export function shutdownTracing(): Promise<void> {
  return current.shutdown();
}

/**
 * A stopping process exports what it has at once instead of waiting for the next batch. The process's own shutdown
 * (Nest's hooks, the engine server's drain) still runs; when nothing else handles the signal, it is raised again so
 * the process ends as it would have without this listener.
 */
function flushOnSignals(handle: Tracing): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      const flushed = handle.forceFlush().catch(() => undefined);
      if (process.listenerCount(signal) === 0) void flushed.then(() => process.kill(process.pid, signal));
    });
  }
}
