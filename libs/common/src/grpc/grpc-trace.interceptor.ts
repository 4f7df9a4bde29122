import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { status as GrpcStatus, type Metadata } from '@grpc/grpc-js';
import { context } from '@opentelemetry/api';
import { Observable } from 'rxjs';
import { runWithTrace } from '../trace/trace-context';
import { callTransactionId, grpcCodeOf, startServerCallSpan } from './grpc-server-call-trace';

/** The part of a grpc-js server call the span is named after: `/inference.v1.InferenceService/Generate`. */
interface ServerCallPath {
  getPath?(): string;
}

/**
 * Runs each gRPC handler inside the caller's trace: its transaction id on every log line and, when tracing, a SERVER
 * span continuing the caller's W3C context (`traceparent` metadata) that the handler's own calls and events hang
 * under. A stream's span lasts until the stream ends.
 */
@Injectable()
export class GrpcTraceInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const metadata = ctx.switchToRpc().getContext<Metadata>();
    const transactionId = callTransactionId(metadata);
    const path = () => ctx.getArgByIndex<ServerCallPath | undefined>(2)?.getPath?.() ?? `/${ctx.getClass().name}/${ctx.getHandler().name}`;
    return new Observable((subscriber) =>
      runWithTrace(transactionId, () => {
        const span = startServerCallSpan(path(), metadata);
        if (!span) return next.handle().subscribe(subscriber);
        const inner = context.with(span.ctx, () =>
          next.handle().subscribe({
            next: (value) => subscriber.next(value),
            error: (err: unknown) => {
              span.settle(grpcCodeOf(err), err);
              subscriber.error(err);
            },
            complete: () => {
              span.settle(GrpcStatus.OK);
              subscriber.complete();
            },
          }),
        );
        return () => {
          inner.unsubscribe();
          span.settle(GrpcStatus.CANCELLED);
        };
      }),
    );
  }
}
