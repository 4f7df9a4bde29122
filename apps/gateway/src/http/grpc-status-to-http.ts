import { status as GrpcStatus } from '@grpc/grpc-js';

/** The single mapping from gRPC status codes (what services return) to HTTP statuses (what clients see). */
const MAP: Partial<Record<GrpcStatus, number>> = {
  [GrpcStatus.INVALID_ARGUMENT]: 400,
  [GrpcStatus.FAILED_PRECONDITION]: 400,
  [GrpcStatus.OUT_OF_RANGE]: 400,
  [GrpcStatus.UNAUTHENTICATED]: 401,
  [GrpcStatus.PERMISSION_DENIED]: 403,
  [GrpcStatus.NOT_FOUND]: 404,
  [GrpcStatus.DEADLINE_EXCEEDED]: 408,
  [GrpcStatus.CANCELLED]: 408,
  [GrpcStatus.ALREADY_EXISTS]: 409,
  [GrpcStatus.ABORTED]: 409,
  [GrpcStatus.RESOURCE_EXHAUSTED]: 429,
  [GrpcStatus.UNIMPLEMENTED]: 501,
  [GrpcStatus.UNAVAILABLE]: 503,
};

export function grpcStatusToHttp(code: GrpcStatus): number {
  return MAP[code] ?? 500;
}

/** IBM error codes for each HTTP status, used when the error itself names none. */
export function defaultErrorCode(httpStatus: number): string {
  switch (httpStatus) {
    case 400:
      return 'invalid_request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 405:
      return 'method_not_allowed';
    case 408:
      return 'request_timeout';
    case 409:
      return 'conflict';
    case 413:
      return 'payload_too_large';
    case 414:
      return 'uri_too_long';
    case 415:
      return 'unsupported_media_type';
    case 429:
      return 'too_many_requests';
    case 431:
      return 'header_fields_too_large';
    case 501:
      return 'not_implemented';
    case 503:
      return 'service_unavailable';
    default:
      return httpStatus >= 500 ? 'internal_error' : 'invalid_request';
  }
}
