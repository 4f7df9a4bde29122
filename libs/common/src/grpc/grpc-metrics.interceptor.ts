import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Observable, tap } from 'rxjs';
import type { GrpcServerMetrics } from './grpc-server-metrics';

/** Records each Nest gRPC handler's call in the process's GrpcServerMetrics. */
@Injectable()
export class GrpcMetricsInterceptor implements NestInterceptor {
  constructor(private readonly metrics: GrpcServerMetrics) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const end = this.metrics.start(context.getHandler().name);
    return next.handle().pipe(tap({ complete: () => end(), error: (err: unknown) => end(err) }));
  }
}
