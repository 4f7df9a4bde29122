import { status as GrpcStatus } from '@grpc/grpc-js';
import { decodeErrorDetails } from '@platform/common';

export function grpcCode(err: unknown): GrpcStatus | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? (code as GrpcStatus) : undefined;
}

/** The readable message of a downstream error (a PlatformError's own message when it is one). */
export function grpcMessage(err: unknown): string {
  const details = (err as { details?: unknown } | null)?.details;
  const decoded = typeof details === 'string' ? decodeErrorDetails(details) : undefined;
  if (decoded) return decoded.message;
  if (typeof details === 'string' && details) return details;
  return err instanceof Error ? err.message : String(err);
}
