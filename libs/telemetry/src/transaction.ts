import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** The header clients send and the gateway echoes; the same value travels as gRPC metadata and NATS header. */
export const TRACE_HEADER = 'x-global-transaction-id';

export interface TraceContext {
  traceId: string;
}

// Kept apart from the OpenTelemetry context on purpose: the transaction id must reach logs and downstream calls
// even when tracing is off and OpenTelemetry propagates nothing.
const storage = new AsyncLocalStorage<TraceContext>();

/** Runs `fn` inside a transaction; without an id (none sent, or not printable) a fresh uuid is used. */
export function runWithTrace<T>(traceId: string | undefined, fn: () => T): T {
  return storage.run({ traceId: traceId || randomUUID() }, fn);
}

/** The IBM transaction id (`x-global-transaction-id`) of the work running now, if any. */
export function currentTraceId(): string | undefined {
  return storage.getStore()?.traceId;
}

/** Trace ids come from clients: keep them printable and short so they are safe in headers and logs. */
export function sanitizeTraceId(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return /^[A-Za-z0-9._:-]{1,128}$/.test(value) ? value : undefined;
}
