import { abortError } from '@platform/common';
import type { Observable } from 'rxjs';

/**
 * A server stream (Nest's Observable of a gRPC client) as an async iterable, with backpressure left to gRPC's own
 * buffering. Leaving the loop early or aborting `signal` unsubscribes, which cancels the call.
 */
export async function* streamOf<T>(source: Observable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const items: T[] = [];
  let done = false;
  let failure: { err: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const sub = source.subscribe({
    next: (v) => {
      items.push(v);
      notify();
    },
    error: (err: unknown) => {
      failure = { err };
      notify();
    },
    complete: () => {
      done = true;
      notify();
    },
  });
  const onAbort = () => notify();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      if (signal.aborted) throw abortError(signal);
      if (items.length) {
        yield items.shift() as T;
        continue;
      }
      if (failure) throw failure.err;
      if (done) return;
      await new Promise<void>((r) => (wake = r));
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    sub.unsubscribe();
  }
}
