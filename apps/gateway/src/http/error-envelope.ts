import { status as GrpcStatus } from '@grpc/grpc-js';
import { HttpException } from '@nestjs/common';
import type { EnvelopeError, ErrorEnvelope } from '@platform/api-types';
import {
  GRPC_MAX_MESSAGE_BYTES,
  PlatformError,
  decodeErrorDetails,
  platformErrorOfDatabase,
  platformErrorOfObjectStore,
  type ErrorIssue,
  type ErrorTarget,
} from '@platform/common';
import { defaultErrorCode, grpcStatusToHttp } from './grpc-status-to-http';
import { RequestValidationError } from './request-validation.error';

interface GrpcClientError {
  code: number;
  details?: string;
}

/**
 * grpc-js's own refusal of a message over GRPC_MAX_MESSAGE_BYTES ("Received message larger than max (N vs. M)", or
 * "Sent …"): the request, or the answer it asked for, was too large. Not an overload, so not the 429 that
 * RESOURCE_EXHAUSTED otherwise means, which clients retry.
 */
const MESSAGE_TOO_LARGE = /^(?:Received|Sent) message (?:that decompresses to a size )?larger than/;
const MESSAGE_TOO_LARGE_ANSWER = `The request, or the answer it asks for, is larger than the platform's internal message limit of ${GRPC_MAX_MESSAGE_BYTES / (1024 * 1024)} MiB: send fewer or shorter inputs.`;

const isGrpcClientError = (e: unknown): e is GrpcClientError =>
  typeof e === 'object' && e !== null && typeof (e as GrpcClientError).code === 'number' && 'details' in e && 'metadata' in e;

interface FastifyLikeError {
  statusCode: number;
  code?: string;
  message: string;
}
const isFastifyError = (e: unknown): e is FastifyLikeError =>
  e instanceof Error && typeof (e as Partial<FastifyLikeError>).statusCode === 'number';

/** One envelope entry per listed problem; an error without a list is its own single entry. */
function entriesOf(err: { code: string; message: string; target?: ErrorTarget; issues?: readonly ErrorIssue[] }): ErrorIssue[] {
  const list = err.issues?.length ? err.issues : [err];
  return list.map(({ code, message, target }) => (target ? { code, message, target } : { code, message }));
}

/**
 * Builds the IBM error envelope for anything thrown while serving a request; `moreInfo` is the reference of the API
 * the route belongs to (see error-surface.ts).
 */
export function toEnvelope(exception: unknown, trace: string, moreInfo: string): ErrorEnvelope {
  const make = (status: number, errors: Omit<EnvelopeError, 'more_info'>[]): ErrorEnvelope => ({
    errors: errors.map((e) => ({ ...e, more_info: moreInfo })),
    trace,
    status_code: status,
  });

  if (exception instanceof RequestValidationError) {
    return make(
      400,
      exception.issues.map((i) => ({ code: 'invalid_request', message: i.message, target: { type: 'field', name: i.field } })),
    );
  }
  if (exception instanceof PlatformError) {
    return make(grpcStatusToHttp(exception.grpcCode), entriesOf(exception));
  }
  if (isGrpcClientError(exception)) {
    if (exception.code === GrpcStatus.RESOURCE_EXHAUSTED && MESSAGE_TOO_LARGE.test(exception.details ?? ''))
      return make(413, [{ code: 'payload_too_large', message: MESSAGE_TOO_LARGE_ANSWER }]);
    const status = grpcStatusToHttp(exception.code);
    const details = decodeErrorDetails(exception.details);
    if (details) return make(status, entriesOf(details));
    const message = status === 503 ? 'A backing service is unavailable; try again shortly.' : 'Internal server error.';
    return make(status, [{ code: defaultErrorCode(status), message }]);
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const raw = typeof response === 'string' ? response : (response as { message?: string | string[] }).message;
    const message = Array.isArray(raw) ? raw.join('; ') : (raw ?? exception.message);
    return make(status, [{ code: defaultErrorCode(status), message }]);
  }
  if (isFastifyError(exception) && exception.statusCode >= 400 && exception.statusCode < 500) {
    return make(exception.statusCode, [{ code: defaultErrorCode(exception.statusCode), message: exception.message }]);
  }
  // The gateway's own queries and object store calls: a value PostgreSQL refuses is the request's fault (400), S3
  // failing is a dependency's (503), neither the gateway's bug.
  const known = platformErrorOfDatabase(exception) ?? platformErrorOfObjectStore(exception);
  if (known) return make(grpcStatusToHttp(known.grpcCode), entriesOf(known));
  return make(500, [{ code: 'internal_error', message: 'Internal server error.' }]);
}
