import { status as GrpcStatus, type Metadata } from '@grpc/grpc-js';
import { SpanKind, type Context } from '@opentelemetry/api';
import { contextFromHeaders, endSpan, startSpan, tracingEnabled, transactionAttributes } from '@platform/telemetry';
import { TRACE_HEADER, sanitizeTraceId } from '../trace/trace-context';

const first = (metadata: Metadata | undefined, key: string) => metadata?.get?.(key)?.[0]?.toString();

/** The caller's transaction id (`x-global-transaction-id` metadata), when it sent a printable one. */
export const callTransactionId = (metadata: Metadata | undefined): string | undefined => sanitizeTraceId(first(metadata, TRACE_HEADER));

/** Readiness probes call it every few seconds: a trace each would bury the calls that matter. */
const UNTRACED_SERVICE = 'grpc.health.v1.Health';

export interface ServerCallSpan {
  /** The span's context: the handler runs in it so its own calls and events hang under it. */
  ctx: Context;
  /** Ends the span once with the call's status (later calls are ignored). */
  settle(code: GrpcStatus, error?: unknown): void;
}

/**
 * A SERVER span for a call of `path` (`/inference.v1.InferenceService/Generate`) continuing the caller's W3C context
 * (`traceparent` metadata), or undefined when not tracing or for health probes. Call it inside the call's transaction
 * (runWithTrace) so the span carries its id. Shared by Nest's handlers (GrpcTraceInterceptor) and the plain ones.
 */
export function startServerCallSpan(path: string, metadata: Metadata | undefined): ServerCallSpan | undefined {
  if (!tracingEnabled()) return undefined;
  const [service, method] = path.slice(1).split('/');
  if (service === UNTRACED_SERVICE) return undefined;
  const { span, ctx } = startSpan(
    `${service}/${method}`,
    SpanKind.SERVER,
    { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method, ...transactionAttributes() },
    contextFromHeaders((key) => first(metadata, key)),
  );
  let settled = false;
  return {
    ctx,
    settle: (code, error) => {
      if (settled) return;
      settled = true;
      span.setAttribute('rpc.grpc.status_code', code);
      endSpan(span, error);
    },
  };
}

/** The status a handler's error ends its span with. */
export function grpcCodeOf(err: unknown): GrpcStatus {
  if (typeof err === 'object' && err !== null) {
    const code = (err as { grpcCode?: unknown; code?: unknown }).grpcCode ?? (err as { code?: unknown }).code;
    if (typeof code === 'number') return code;
  }
  return GrpcStatus.UNKNOWN;
}
