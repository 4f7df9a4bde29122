import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError } from '@platform/common';

/** PostgreSQL's "the server went away" conditions: class 08 (connection exception) and the shutdown/start-up ones. */
const POSTGRES_GONE = /^(08[0-9A-Z]{3}|57P01|57P02|57P03)$/;
/** Node's words for a connection that could not be made or was cut. */
const SOCKET_GONE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
/** What `pg` throws, without a code, when the server closes a session it was using. */
const PG_TERMINATED = /^Connection terminated/;

interface ErrorFields {
  code?: unknown;
  details?: unknown;
  message?: unknown;
  cause?: unknown;
  driverError?: unknown;
}

function gone(e: ErrorFields): boolean {
  if (e instanceof PlatformError) return e.grpcCode === GrpcStatus.UNAVAILABLE;
  // A gRPC client's ServiceError: a numeric status code and the server's details.
  if (e.code === GrpcStatus.UNAVAILABLE && typeof e.details === 'string') return true;
  if (typeof e.code === 'string' && (POSTGRES_GONE.test(e.code) || SOCKET_GONE.has(e.code))) return true;
  return typeof e.message === 'string' && PG_TERMINATED.test(e.message);
}

/**
 * Whether an error means something the job needs is down for a while (a service restarting: gRPC UNAVAILABLE; the
 * database restarting: a refused, cut or terminated connection) rather than that the job is wrong, looking through
 * its whole `cause` chain (pipelines wrap the errors of the calls they make) and TypeORM's `driverError`. The job
 * runner retries such a job later instead of failing it.
 */
export function isDependencyUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [err];
  while (pending.length) {
    const e = pending.pop();
    if (typeof e !== 'object' || e === null || seen.has(e)) continue;
    seen.add(e);
    const fields = e as ErrorFields;
    if (gone(fields)) return true;
    pending.push(fields.cause, fields.driverError);
  }
  return false;
}
