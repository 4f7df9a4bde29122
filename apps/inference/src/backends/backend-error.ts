import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError } from '@platform/common';

/**
 * A failure talking to one replica. `retryable` failures (connection refused or reset, 5xx, overload) may be
 * tried on another replica as long as nothing has reached the client yet; the others are the caller's fault.
 */
export class BackendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    /** The request field the server blamed (vLLM's and the engine server's `error.param`), when it named one. */
    readonly param?: string,
  ) {
    super(message);
    this.name = 'BackendError';
  }

  /** What the client sees when no replica could serve the request. */
  toPlatformError(): PlatformError {
    if (this.status === 400 || this.status === 422) return new PlatformError(GrpcStatus.INVALID_ARGUMENT, 'invalid_request', this.message);
    if (this.status === 404) return new PlatformError(GrpcStatus.NOT_FOUND, 'model_not_found', this.message);
    if (this.status === 429)
      return new PlatformError(GrpcStatus.RESOURCE_EXHAUSTED, 'too_many_requests', 'The model is overloaded; try again shortly.');
    return new PlatformError(GrpcStatus.UNAVAILABLE, 'service_unavailable', `The model server failed: ${this.message}`);
  }
}

/** Reads the message out of a vLLM (`{error:{message}}`), TGI (`{error}`) or plain error body. */
export function errorMessageOf(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: string | { message?: string }; message?: string };
    if (typeof body.error === 'string') return body.error;
    if (body.error && typeof body.error.message === 'string') return body.error.message;
    if (typeof body.message === 'string') return body.message;
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.slice(0, 500);
}

function paramOf(text: string): string | undefined {
  try {
    const param = (JSON.parse(text) as { error?: { param?: unknown } }).error?.param;
    return typeof param === 'string' && param ? param : undefined;
  } catch {
    return undefined;
  }
}

/** Overload (429) and server errors are worth another replica; other 4xx would fail the same way everywhere. */
export function backendErrorFor(status: number, text: string): BackendError {
  return new BackendError(errorMessageOf(text), status >= 500 || status === 429, status, paramOf(text));
}

/** Network-level failures from fetch (refused, reset, DNS) are always retryable; aborts are re-thrown as is. */
export function asBackendError(err: unknown, signal: AbortSignal): unknown {
  if (err instanceof BackendError || signal.aborted) return err;
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : '';
  return new BackendError(`${err instanceof Error ? err.message : String(err)}${cause ? ` (${cause})` : ''}`, true);
}
