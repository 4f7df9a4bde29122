import { setTimeout as delay } from 'node:timers/promises';

/** The reason an aborted signal carries, as the Error to reject with. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const err = new Error(typeof reason === 'string' ? reason : 'aborted');
  err.name = 'AbortError';
  return err;
}

export interface ChildSignal {
  readonly signal: AbortSignal;
  /** Aborts this signal only, not its parents. */
  abort(reason?: unknown): void;
  /** Whether the time limit, not a parent or `abort`, ended it. */
  timedOut(): boolean;
  /** Detaches from the parents and stops the timer; the signal keeps its state. Call it when the work is done. */
  dispose(): void;
}

export interface ChildSignalOptions {
  /** Aborts after this many ms (absent or 0: no time limit). */
  timeoutMs?: number;
  /** The reason a time-limit abort carries; a TimeoutError DOMException, as AbortSignal.timeout's, by default. */
  timeoutReason?: () => unknown;
}

/**
 * A signal that aborts when any of `parents` does, when `abort` is called, or when the time limit passes. Not
 * AbortSignal.any: Node 20 keeps a reference in each parent for every signal combined with it, never released, so
 * work bounded by a long-lived signal (a keeper's, a job's) grows the heap with every call. This one leaves nothing
 * on its parents once it aborts or is disposed.
 */
export function childSignal(
  parents: AbortSignal | readonly (AbortSignal | undefined)[] | undefined,
  options: ChildSignalOptions = {},
): ChildSignal {
  const controller = new AbortController();
  const detach: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const release = () => {
    clearTimeout(timer);
    for (const off of detach.splice(0)) off();
  };
  const abort = (reason?: unknown) => {
    release();
    if (!controller.signal.aborted) controller.abort(reason);
  };
  for (const parent of Array.isArray(parents) ? parents : [parents]) {
    if (!parent || controller.signal.aborted) continue;
    if (parent.aborted) {
      abort(parent.reason);
      continue;
    }
    const onAbort = () => abort(parent.reason);
    parent.addEventListener('abort', onAbort, { once: true });
    detach.push(() => parent.removeEventListener('abort', onAbort));
  }
  const { timeoutMs = 0, timeoutReason = () => new DOMException('The operation was aborted due to timeout', 'TimeoutError') } = options;
  if (timeoutMs > 0 && !controller.signal.aborted) {
    timer = setTimeout(() => {
      timedOut = true;
      abort(timeoutReason());
    }, timeoutMs);
    // Like AbortSignal.timeout's: a pending limit alone does not keep the process running.
    timer.unref();
  }
  return { signal: controller.signal, abort, timedOut: () => timedOut, dispose: release };
}

/** Resolves after `ms`; rejects with the signal's reason (see abortError) when `signal` aborts first. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch (err) {
    throw signal?.aborted ? abortError(signal) : err;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts: for loops that check the signal themselves. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, signal).catch(() => undefined);
}
