import { BackendError } from '../backends/backend-error';
import { noReplica } from './pool-registry';
import type { Pool } from './pool';
import { pickReplica, type Replica } from './replica';

/**
 * A failure of the replica itself (unreachable, or the connection broke) takes it out of rotation at once rather
 * than at the next probe; an overloaded or erroring server stays in and simply gets less work.
 */
function noteFailure(replica: Replica, err: unknown, signal: AbortSignal): void {
  if (err instanceof BackendError && err.status === undefined && !signal.aborted) replica.eject();
}

/**
 * A failure before anything reached the client: the error to remember when another replica may be tried, else thrown
 * as the caller's error.
 */
function retryableFailure(replica: Replica, err: unknown, signal: AbortSignal): BackendError {
  noteFailure(replica, err, signal);
  if (!(err instanceof BackendError) || !err.retryable || signal.aborted) throw err instanceof BackendError ? err.toPlatformError() : err;
  return err;
}

function finalError(last: BackendError | undefined, pool: Pool): Error {
  return last ? last.toPlatformError() : noReplica(pool);
}

/** Runs a unary call on the least-loaded replica, trying the next one on retryable failures. */
export async function callPool<T>(pool: Pool, signal: AbortSignal, call: (replica: Replica) => Promise<T>): Promise<T> {
  const release = await pool.admission.acquire(signal);
  const tried = new Set<Replica>();
  let last: BackendError | undefined;
  try {
    for (;;) {
      const replica = pickReplica(pool.replicas, tried);
      if (!replica) throw finalError(last, pool);
      tried.add(replica);
      replica.inFlight++;
      try {
        return await call(replica);
      } catch (err) {
        last = retryableFailure(replica, err, signal);
      } finally {
        replica.inFlight--;
      }
    }
  } finally {
    release();
  }
}

/**
 * Streams from the least-loaded replica. Until the first item arrives nothing has reached the client, so a
 * retryable failure moves on to another replica; after that a failure is the stream's (the caller ends it with
 * an error event). Failures before the first item surface as PlatformErrors, later ones as BackendErrors.
 */
export async function* streamPool<T>(pool: Pool, signal: AbortSignal, open: (replica: Replica) => AsyncIterable<T>): AsyncGenerator<T> {
  const release = await pool.admission.acquire(signal);
  const tried = new Set<Replica>();
  let last: BackendError | undefined;
  try {
    for (;;) {
      const replica = pickReplica(pool.replicas, tried);
      if (!replica) throw finalError(last, pool);
      tried.add(replica);
      replica.inFlight++;
      const it = open(replica)[Symbol.asyncIterator]();
      try {
        let first: IteratorResult<T>;
        try {
          first = await it.next();
        } catch (err) {
          last = retryableFailure(replica, err, signal);
          continue;
        }
        if (first.done) return;
        yield first.value;
        try {
          for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
        } catch (err) {
          noteFailure(replica, err, signal);
          throw err;
        }
        return;
      } finally {
        replica.inFlight--;
        it.return?.().catch(() => undefined);
      }
    }
  } finally {
    release();
  }
}
