import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** The header clients send and the gateway echoes; the same value travels as gRPC metadata. */
export const TRACE_HEADER = 'x-global-transaction-id';

export interface TraceContext {
  traceId: string;
}

const storage = new AsyncLocalStorage<TraceContext>();

export function runWithTrace<T>(traceId: string | undefined, fn: () => T): T {
  return storage.run({ traceId: traceId || randomUUID() }, fn);
}

export function currentTraceId(): string | undefined {
  return storage.getStore()?.traceId;
}

/**
 * The headers that carry the current trace to the next process (gRPC metadata, HTTP headers): every outgoing
 * call gets its trace from here, so propagation changes in this one function.
 */
export function traceMetadata(): Record<string, string> {
  const traceId = currentTraceId();
  return traceId ? { [TRACE_HEADER]: traceId } : {};
}

/** Trace ids come from clients: keep them printable and short so they are safe in headers and logs. */
export function sanitizeTraceId(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return /^[A-Za-z0-9._:-]{1,128}$/.test(value) ? value : undefined;
}
