import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError, decodeErrorDetails } from './platform-error';

/** Statuses that say the request was at fault, not the service that answered it. */
const CALLERS_MISTAKES = new Set<number>([GrpcStatus.INVALID_ARGUMENT, GrpcStatus.NOT_FOUND, GrpcStatus.FAILED_PRECONDITION]);

/**
 * A failed call to another platform service as the calling service reports it: the request's own mistake keeps that
 * service's status and code (`<what>: <its message>`); anything else is the dependency's failure, UNAVAILABLE
 * `service_unavailable` (`<what>: the <service> service failed: <its message>`).
 */
export function downstreamError(service: string, err: unknown, what: string): PlatformError {
  const code = (err as { code?: unknown } | null)?.code;
  const { message, decoded } = readDownstream(err);
  if (typeof code === 'number' && CALLERS_MISTAKES.has(code))
    return new PlatformError(code, decoded?.code ?? `${service}_error`, `${what}: ${message}`);
  return new PlatformError(GrpcStatus.UNAVAILABLE, 'service_unavailable', `${what}: the ${service} service failed: ${message}`);
}

/** The readable message of a failed call to another service: the PlatformError message it carries, else its details. */
export function downstreamMessage(err: unknown): string {
  return readDownstream(err).message;
}

function readDownstream(err: unknown) {
  const details = (err as { details?: unknown } | null)?.details;
  const decoded = typeof details === 'string' ? decodeErrorDetails(details) : undefined;
  const message = decoded?.message ?? (typeof details === 'string' && details ? details : err instanceof Error ? err.message : String(err));
  return { message, decoded };
}
