import { HttpException } from '@nestjs/common';
import type { EnvelopeError, ErrorEnvelope } from '@platform/api-types';
import { PlatformError, decodeErrorDetails, platformErrorOfDatabase, type ErrorIssue, type ErrorTarget } from '@platform/common';
import { defaultErrorCode, grpcStatusToHttp } from './grpc-status-to-http';
import { RequestValidationError } from './request-validation.error';

interface GrpcClientError {
  code: number;
  details?: string;
}

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
  // The gateway's own queries (identity, projects, spaces): a value PostgreSQL refuses is the request's fault.
  const dataError = platformErrorOfDatabase(exception);
  if (dataError) return make(400, entriesOf(dataError));
  return make(500, [{ code: 'internal_error', message: 'Internal server error.' }]);
}
