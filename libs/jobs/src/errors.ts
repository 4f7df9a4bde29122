import { DeferredEventError } from '@platform/events';
/**
 * The job cannot run now for a passing reason that is not its own fault (a service it needs is down): the lease is
 * released and the message redelivered later, up to the runner's `maxAttempts`, after which the job fails with it.
 */
export class RetryJobLater extends Error {
  override readonly name = 'RetryJobLater';
}

/** A redelivered job whose lease is alive elsewhere: handed back to the queue until that lease ends or the job finishes. */
export class JobLeaseHeldError extends DeferredEventError {
  override readonly name = 'JobLeaseHeldError';
}

/** The worker is shutting down: the job goes back to the queue and another worker resumes it. */
export class JobInterrupted extends Error {
  override readonly name = 'JobInterrupted';
}

/** Why a job's signal aborted: `canceled` (canceled, deleted or ended by someone else), `lease-lost`, `shutdown`. */
export type JobStopReason = 'canceled' | 'lease-lost' | 'shutdown';

/** The stop reason of an aborted job signal; undefined while the job may run on. */
export function stopReason(signal: AbortSignal): JobStopReason | undefined {
  return signal.aborted ? (signal.reason as JobStopReason) : undefined;
}
