import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import { Observable } from 'rxjs';
import { TRACE_HEADER, runWithTrace, sanitizeTraceId } from '../trace/trace-context';

/** Runs each gRPC handler inside the caller's trace so its log lines carry the gateway's transaction id. */
@Injectable()
export class GrpcTraceInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const metadata = context.switchToRpc().getContext<Metadata>();
    const traceId = sanitizeTraceId(metadata?.get?.(TRACE_HEADER)?.[0]?.toString());
    return new Observable((subscriber) => runWithTrace(traceId, () => next.handle().subscribe(subscriber)));
  }
}
