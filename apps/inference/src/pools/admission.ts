import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError } from '@platform/common';

export interface AdmissionLimits {
  /** Requests a pool runs at once across its replicas. */
  maxConcurrency: number;
  /** Requests that may wait for a slot; past this the pool answers RESOURCE_EXHAUSTED (429 at the gateway). */
  maxQueue: number;
}

/**
 * A counting semaphore with a bounded FIFO queue. Waiters that give up (client gone) leave the queue, so an
 * abandoned request never holds a slot.
 */
export class Admission {
  private running = 0;
  private readonly waiting: { grant: () => void; signal: AbortSignal; onAbort: () => void }[] = [];

  constructor(readonly limits: AdmissionLimits) {}

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Resolves with a release function once a slot is free. */
  acquire(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(cancelled());
    if (this.running < this.limits.maxConcurrency) {
      this.running++;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.limits.maxQueue) {
      return Promise.reject(
        new PlatformError(
          GrpcStatus.RESOURCE_EXHAUSTED,
          'too_many_requests',
          'The model is at capacity and its queue is full; try again shortly.',
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const entry = {
        signal,
        grant: () => {
          signal.removeEventListener('abort', entry.onAbort);
          resolve(this.releaser());
        },
        onAbort: () => {
          const i = this.waiting.indexOf(entry);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(cancelled());
        },
      };
      signal.addEventListener('abort', entry.onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so the running count stays put.
      if (next) next.grant();
      else this.running--;
    };
  }
}

function cancelled(): PlatformError {
  return new PlatformError(GrpcStatus.CANCELLED, 'cancelled', 'The request was cancelled.');
}
