/** A message that can never be handled (bad JSON, missing fields): consumers terminate it without retrying. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

/**
 * Throw this (or anything `isTransient` says is not transient) from a handler to mark the event as poison: it is
 * terminated at once instead of being redelivered.
 */
export class PermanentEventError extends Error {
  override readonly name = 'PermanentEventError';
}

/**
 * An event that arrived before its time (a job leased by another worker, a verdict for a job still training): the
 * consumer redelivers it after the usual delay and logs one line at debug level, since this is the protocol working,
 * not a failure.
 */
export class DeferredEventError extends Error {
  override readonly name: string = 'DeferredEventError';
}

/** An event bigger than NATS can carry: a fault in the code that built it, refused before its transaction commits. */
export class EventTooLargeError extends Error {
  override readonly name = 'EventTooLargeError';
  constructor(type: string, bytes: number, limit: number) {
    super(`event ${type} is ${bytes} bytes, above the ${limit}-byte limit for one event`);
  }
}
