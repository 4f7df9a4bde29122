import { describe, expect, it } from 'vitest';
import type { StreamObserver, StreamSource } from '@platform/common';
import { type Indexed, mergeStreams } from './fan-out';

/** A stream driven by the test, recording whether it was cancelled. */
function manual<T>() {
  let observer: StreamObserver<T> | undefined;
  const state = { cancelled: false };
  const source: StreamSource<T> = {
    subscribe(o) {
      observer = o;
      return { unsubscribe: () => (state.cancelled = true) };
    },
  };
  return {
    source,
    state,
    emit: (item: T) => observer?.next(item),
    end: () => observer?.complete(),
    fail: (e: unknown) => observer?.error(e),
  };
}

function collect<T>(source: StreamSource<T>) {
  const out = { items: [] as T[], completed: false, error: undefined as unknown };
  const sub = source.subscribe({ next: (i) => out.items.push(i), complete: () => (out.completed = true), error: (e) => (out.error = e) });
  return { out, sub };
}

describe('merging the streams of n choices', () => {
  it('tags items with their stream, in arrival order, and completes when all have', () => {
    const [a, b] = [manual<string>(), manual<string>()];
    const { out } = collect(mergeStreams([a.source, b.source]));
    a.emit('a1');
    b.emit('b1');
    a.emit('a2');
    a.end();
    expect(out.completed).toBe(false);
    b.end();
    expect(out.items).toEqual<Indexed<string>[]>([
      { index: 0, item: 'a1' },
      { index: 1, item: 'b1' },
      { index: 0, item: 'a2' },
    ]);
    expect(out.completed).toBe(true);
  });

  it('ends with the first error and cancels the streams still running', () => {
    const [a, b] = [manual<string>(), manual<string>()];
    const { out } = collect(mergeStreams([a.source, b.source]));
    b.fail(new Error('boom'));
    a.emit('late');
    expect(out.error).toEqual(new Error('boom'));
    expect(out.items).toEqual([]);
    expect(a.state.cancelled).toBe(true);
  });

  it('cancels every stream when unsubscribed', () => {
    const [a, b] = [manual<string>(), manual<string>()];
    const { sub } = collect(mergeStreams([a.source, b.source]));
    sub.unsubscribe();
    expect([a.state.cancelled, b.state.cancelled]).toEqual([true, true]);
  });
});
