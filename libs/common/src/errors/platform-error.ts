import { status as GrpcStatus } from '@grpc/grpc-js';

export interface ErrorTarget {
  type: 'field' | 'header' | 'parameter';
  name: string;
}

/**
 * A domain error every service throws. It crosses gRPC as a status code plus a JSON details string, and the
 * gateway turns it into the IBM error envelope, so a service never needs to know about HTTP.
 */
export class PlatformError extends Error {
  constructor(
    readonly grpcCode: GrpcStatus,
    readonly code: string,
    message: string,
    readonly target?: ErrorTarget,
  ) {
    super(message);
    this.name = 'PlatformError';
  }

  static invalid(message: string, field?: string): PlatformError {
    return new PlatformError(GrpcStatus.INVALID_ARGUMENT, 'invalid_request', message, field ? { type: 'field', name: field } : undefined);
  }
  static notFound(message: string, code = 'not_found'): PlatformError {
    return new PlatformError(GrpcStatus.NOT_FOUND, code, message);
  }
  static conflict(message: string, field?: string): PlatformError {
    return new PlatformError(GrpcStatus.ALREADY_EXISTS, 'conflict', message, field ? { type: 'field', name: field } : undefined);
  }
  static forbidden(message = 'Forbidden.'): PlatformError {
    return new PlatformError(GrpcStatus.PERMISSION_DENIED, 'forbidden', message, { type: 'header', name: 'Authorization' });
  }
  static unauthorized(message = 'Unauthorized.'): PlatformError {
    return new PlatformError(GrpcStatus.UNAUTHENTICATED, 'unauthorized', message, { type: 'header', name: 'Authorization' });
  }
}

export interface ErrorDetails {
  code: string;
  message: string;
  target?: ErrorTarget;
}

export function encodeErrorDetails(err: PlatformError): string {
  const details: ErrorDetails = { code: err.code, message: err.message, target: err.target };
  return JSON.stringify(details);
}

/** Reads the details a PlatformError put on the wire; plain gRPC errors keep their text as the message. */
export function decodeErrorDetails(details: string | undefined): ErrorDetails | undefined {
  if (!details || !details.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(details) as Partial<ErrorDetails>;
    return typeof parsed.code === 'string' && typeof parsed.message === 'string'
      ? { code: parsed.code, message: parsed.message, target: parsed.target }
      : undefined;
  } catch {
    return undefined;
  }
}
