import { context, isSpanContextValid, propagation, ROOT_CONTEXT, trace, type Context } from '@opentelemetry/api';
import { TRACE_PARENT_HEADER } from '@opentelemetry/core';
import { tracingEnabled } from './tracing';
import { currentTraceId, TRACE_HEADER } from './transaction';

/** Reads one header of an incoming request or message (HTTP headers, gRPC metadata, NATS headers). */
export type HeaderLookup = (name: string) => string | string[] | undefined;

const lookupGetter = {
  get: (lookup: HeaderLookup, key: string) => lookup(key),
  // The W3C propagator asks for its two headers by name and never lists keys.
  keys: () => [],
};

/**
 * The headers that carry the current trace to the next process (gRPC metadata, HTTP headers): the transaction id
 * and, when tracing, the W3C `traceparent`/`tracestate` of the active span. Every outgoing call gets its trace from
 * here, so propagation changes in this one function.
 */
export function traceMetadata(): Record<string, string> {
  const headers: Record<string, string> = {};
  const transactionId = currentTraceId();
  if (transactionId) headers[TRACE_HEADER] = transactionId;
  if (tracingEnabled()) propagation.inject(context.active(), headers);
  return headers;
}

/** The W3C `traceparent`/`tracestate` headers of a context (for a message sent on behalf of a span other than the active one). */
export function w3cHeaders(ctx: Context): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(ctx, headers);
  return headers;
}

/** The W3C context a caller sent (a fresh root when it sent none); the parent of the span that takes up its work. */
export function contextFromHeaders(lookup: HeaderLookup): Context {
  return propagation.extract(ROOT_CONTEXT, lookup, lookupGetter);
}

/**
 * The `traceparent` of the active span, to store with work that runs later in another process (an outbox row, a
 * queued job) so that work continues this trace. Undefined when not tracing.
 */
export function currentTraceparent(): string | undefined {
  if (!tracingEnabled()) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier[TRACE_PARENT_HEADER];
}

/** The context of a stored `traceparent` (see `currentTraceparent`). */
export function contextFromTraceparent(traceparent: string | null | undefined): Context {
  return traceparent ? contextFromHeaders((name) => (name === TRACE_PARENT_HEADER ? traceparent : undefined)) : ROOT_CONTEXT;
}

/** Trace and span ids of the active span for a log line (`trace_id`, `span_id`, as OpenTelemetry's log model names them). */
export function spanLogFields(): { trace_id?: string; span_id?: string } {
  if (!tracingEnabled()) return NO_FIELDS;
  const sc = trace.getSpan(context.active())?.spanContext();
  return sc && isSpanContextValid(sc) ? { trace_id: sc.traceId, span_id: sc.spanId } : NO_FIELDS;
}

const NO_FIELDS = Object.freeze({});
