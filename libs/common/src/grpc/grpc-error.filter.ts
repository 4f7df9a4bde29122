import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';
import type { Logger } from 'pino';
import { grpcErrorPayload, type GrpcErrorPayload } from './grpc-error-status';

/** Turns every error of a Nest gRPC handler into a gRPC status (grpc-error-status.ts). */
@Catch()
export class GrpcErrorFilter implements RpcExceptionFilter<unknown> {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown): Observable<GrpcErrorPayload> {
    const payload = grpcErrorPayload(exception, this.logger);
    return throwError(() => payload);
  }
}
