import { status as GrpcStatus } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { platformErrorOfDatabase } from '../errors/database-error';
import { platformErrorOfObjectStore } from '../errors/object-store-error';
import { PlatformError, encodeErrorDetails } from '../errors/platform-error';

/** What grpc-js sends for a failed call: the status and the encoded PlatformError the clients decode. */
export interface GrpcErrorPayload {
  code: GrpcStatus;
  details: string;
  message: string;
}

/**
 * Every error of a gRPC handler as the status it answers with; unexpected ones are logged and hidden behind INTERNAL. A
 * PostgreSQL data exception is the request's fault and becomes INVALID_ARGUMENT (database-error.ts), an object store
 * failure UNAVAILABLE (object-store-error.ts, logged: an operator has to see it). Nest's handlers reach it through
 * GrpcErrorFilter, the plain grpc-js ones (plain-grpc-methods.ts) directly.
 */
export function grpcErrorPayload(exception: unknown, logger: Logger): GrpcErrorPayload {
  const storeFailure = platformErrorOfObjectStore(exception);
  if (storeFailure) logger.error({ err: exception }, 'object store call failed in gRPC handler');
  const known = exception instanceof PlatformError ? exception : (platformErrorOfDatabase(exception) ?? storeFailure);
  if (known) {
    const details = encodeErrorDetails(known);
    return { code: known.grpcCode, details, message: details };
  }
  logger.error({ err: exception }, 'unhandled error in gRPC handler');
  const details = encodeErrorDetails(new PlatformError(GrpcStatus.INTERNAL, 'internal_error', 'Internal server error.'));
  return { code: GrpcStatus.INTERNAL, details, message: details };
}
