import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { throwError, type Observable } from 'rxjs';
import type { Logger } from 'pino';
import { platformErrorOfDatabase } from '../errors/database-error';
import { PlatformError, encodeErrorDetails } from '../errors/platform-error';

interface GrpcErrorPayload {
  code: GrpcStatus;
  details: string;
  message: string;
}

/**
 * Turns every error of a gRPC handler into a gRPC status; unexpected ones are logged and hidden behind INTERNAL. A
 * PostgreSQL data exception is the request's fault and becomes INVALID_ARGUMENT (database-error.ts).
 */
@Catch()
export class GrpcErrorFilter implements RpcExceptionFilter<unknown> {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown): Observable<GrpcErrorPayload> {
    const known = exception instanceof PlatformError ? exception : platformErrorOfDatabase(exception);
    if (known) {
      const details = encodeErrorDetails(known);
      return throwError(() => ({ code: known.grpcCode, details, message: details }));
    }
    this.logger.error({ err: exception }, 'unhandled error in gRPC handler');
    const details = encodeErrorDetails(new PlatformError(GrpcStatus.INTERNAL, 'internal_error', 'Internal server error.'));
    return throwError(() => ({ code: GrpcStatus.INTERNAL, details, message: details }));
  }
}
