import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { status as GrpcStatus, type Metadata } from '@grpc/grpc-js';
import { context, SpanKind } from '@opentelemetry/api';
import { contextFromHeaders, endSpan, startSpan, tracingEnabled, transactionAttributes } from '@platform/telemetry';
import { Observable } from 'rxjs';
import { TRACE_HEADER, runWithTrace, sanitizeTraceId } from '../trace/trace-context';

/** The part of a grpc-js server call the span is named after: `/inference.v1.InferenceService/Generate`. */
interface ServerCallPath {
  getPath?(): string;
}

const first = (metadata: Metadata | undefined, key: string) => metadata?.get?.(key)?.[0]?.toString();

/** Readiness probes call it every few seconds: a trace each would bury the calls that matter. */
const UNTRACED_SERVICE = 'grpc.health.v1.Health';

/**
 * Runs each gRPC handler inside the caller's trace: its transaction id on every log line and, when tracing, a SERVER
 * span continuing the caller's W3C context (`traceparent` metadata) that the handler's own calls and events hang
 * under. A stream's span lasts until the stream ends.
 */
@Injectable()
export class GrpcTraceInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const metadata = ctx.switchToRpc().getContext<Metadata>();
    const transactionId = sanitizeTraceId(first(metadata, TRACE_HEADER));
    const untraced = () => new Observable((subscriber) => runWithTrace(transactionId, () => next.handle().subscribe(subscriber)));
    if (!tracingEnabled()) return untraced();
    const path = ctx.getArgByIndex<ServerCallPath | undefined>(2)?.getPath?.() ?? `/${ctx.getClass().name}/${ctx.getHandler().name}`;
    const [service, method] = path.slice(1).split('/');
    if (service === UNTRACED_SERVICE) return untraced();
    return new Observable((subscriber) =>
      runWithTrace(transactionId, () => {
        const { span, ctx: spanCtx } = startSpan(
          `${service}/${method}`,
          SpanKind.SERVER,
          { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method, ...transactionAttributes() },
          contextFromHeaders((key) => first(metadata, key)),
        );
        let settled = false;
        const settle = (code: GrpcStatus, error?: unknown) => {
          if (settled) return;
          settled = true;
          span.setAttribute('rpc.grpc.status_code', code);
          endSpan(span, error);
        };
        const inner = context.with(spanCtx, () =>
          next.handle().subscribe({
            next: (value) => subscriber.next(value),
            error: (err: unknown) => {
              settle(grpcCodeOf(err), err);
              subscriber.error(err);
            },
            complete: () => {
              settle(GrpcStatus.OK);
              subscriber.complete();
            },
          }),
        );
        return () => {
          inner.unsubscribe();
          settle(GrpcStatus.CANCELLED);
        };
      }),
    );
  }
}

function grpcCodeOf(err: unknown): GrpcStatus {
  if (typeof err === 'object' && err !== null) {
    const code = (err as { grpcCode?: unknown; code?: unknown }).grpcCode ?? (err as { code?: unknown }).code;
    if (typeof code === 'number') return code;
  }
  return GrpcStatus.UNKNOWN;
}
