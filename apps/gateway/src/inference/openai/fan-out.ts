import type { StreamSource } from '@platform/common';

/** One item of one of several merged streams. */
export interface Indexed<T> {
  index: number;
  item: T;
}

/**
 * Several streams as one, items tagged with their stream's index, in the order they arrive. It completes when every
 * stream has; the first error ends it and cancels the streams still running (so a failed choice of an n-choice
 * request does not leave the others generating for nobody). Unsubscribing cancels them all.
 */
export function mergeStreams<T>(sources: StreamSource<T>[]): StreamSource<Indexed<T>> {
  return {
    subscribe(observer) {
      let open = sources.length;
      let done = false;
      const subscriptions: { unsubscribe(): void }[] = [];
      const stopAll = () => {
        done = true;
        for (const s of subscriptions) s.unsubscribe();
      };
      sources.forEach((source, index) => {
        if (done) return;
        subscriptions.push(
          source.subscribe({
            next: (item) => {
              if (!done) observer.next({ index, item });
            },
            error: (err) => {
              if (done) return;
              stopAll();
              observer.error(err);
            },
            complete: () => {
              if (done || --open > 0) return;
              done = true;
              observer.complete();
            },
          }),
        );
      });
      if (sources.length === 0) observer.complete();
      return { unsubscribe: stopAll };
    },
  };
}
