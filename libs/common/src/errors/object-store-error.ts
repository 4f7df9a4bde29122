import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError } from './platform-error';

/** What the AWS SDK (v3) attaches to an error of a call: the service's answer, or no status when none came. */
interface SdkErrorFields {
  $metadata?: { httpStatusCode?: unknown };
}

/**
 * The object store failing a call (S3 answering 5xx, or not answering at all: refused, reset, timed out, after the
 * SDK's retries) is a dependency failing, not the request and not a bug: UNAVAILABLE `object_store_unavailable` (503)
 * wherever it surfaces, in the gateway's envelope and in a service's gRPC status, instead of a 500 behind
 * `internal_error`. An S3 4xx (AccessDenied, NoSuchBucket: a misconfiguration) stays an internal error; a missing key is
 * ObjectNotFoundError before it gets here.
 */
export function platformErrorOfObjectStore(err: unknown): PlatformError | undefined {
  if (typeof err !== 'object' || err === null || !('$metadata' in err)) return undefined;
  const status = (err as SdkErrorFields).$metadata?.httpStatusCode;
  if (typeof status === 'number' && status < 500) return undefined;
  return new PlatformError(
    GrpcStatus.UNAVAILABLE,
    'object_store_unavailable',
    'The object store failed or cannot be reached; try again shortly.',
  );
}
