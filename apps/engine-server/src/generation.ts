import type { GenerationEvent, SamplingParams, ServedModel } from '@platform/engine';
import type { SequenceTracker } from './metrics';

/**
 * One running sequence. `startSequence` waits for the engine's first event before returning, so admission
 * failures (`EngineOverloadedError`) and engine errors surface before any response header is written and can be
 * answered with a proper status code. The event stream then replays that first event and continues.
 */
export interface Sequence extends AsyncIterable<GenerationEvent> {
  /** Releases the engine iterator if the sequence is abandoned without being iterated to the end. */
  close(): Promise<void>;
}

export async function startSequence(
  model: ServedModel,
  promptTokenIds: number[],
  params: SamplingParams,
  signal: AbortSignal,
  tracker: SequenceTracker,
): Promise<Sequence> {
  const iterator = model.generate({ promptTokenIds, params, signal })[Symbol.asyncIterator]();
  let pending: IteratorResult<GenerationEvent> | undefined = await iterator.next();
  let finished = false;

  const close = async (): Promise<void> => {
    if (finished) return;
    finished = true;
    tracker.end();
    await iterator.return?.();
  };

  async function* events(): AsyncGenerator<GenerationEvent> {
    try {
      while (pending && !pending.done) {
        const event: GenerationEvent = pending.value;
        pending = undefined;
        tracker.observe(event);
        yield event;
        if (event.finishReason) break;
        pending = await iterator.next();
      }
    } finally {
      await close();
    }
  }

  const stream = events();
  return {
    [Symbol.asyncIterator]: () => stream,
    close: async () => {
      await stream.return(undefined);
      await close();
    },
  };
}

/** Starts several sequences; if one cannot start, the others are released and the error is rethrown. */
export async function startAll(starts: (() => Promise<Sequence>)[]): Promise<Sequence[]> {
  const settled = await Promise.allSettled(starts.map((s) => s()));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(settled.map((s) => (s.status === 'fulfilled' ? s.value.close() : undefined)));
    throw failed.reason;
  }
  return settled.map((s) => (s as PromiseFulfilledResult<Sequence>).value);
}

/** Interleaves several event streams as events arrive, tagging each with its stream's position. */
export async function* mergeSequences<T>(streams: AsyncIterable<T>[]): AsyncGenerator<[number, T]> {
  const iterators = streams.map((s) => s[Symbol.asyncIterator]());
  const next = (i: number) => iterators[i].next().then((r) => ({ i, r }));
  const pending = new Map<number, Promise<{ i: number; r: IteratorResult<T> }>>();
  iterators.forEach((_, i) => pending.set(i, next(i)));
  try {
    while (pending.size > 0) {
      const { i, r } = await Promise.race(pending.values());
      if (r.done) {
        pending.delete(i);
        continue;
      }
      pending.set(i, next(i));
      yield [i, r.value];
    }
  } finally {
    // Not awaited: a stream blocked on its next event would hold the caller until that event arrives. The
    // caller aborts the engine request, which ends those streams within a decode step.
    for (const i of pending.keys()) void iterators[i].return?.()?.catch(() => undefined);
  }
}
