import { getEventListeners } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { abortError, childSignal, pause, sleep } from './abort-signals';

const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

describe('childSignal', () => {
  it('aborts with a parent, with its reason, and lets go of every parent', () => {
    const a = new AbortController();
    const b = new AbortController();
    const child = childSignal([a.signal, undefined, b.signal]);
    expect(listeners(a.signal)).toBe(1);
    const reason = new Error('stopping');
    b.abort(reason);
    expect(child.signal.aborted).toBe(true);
    expect(child.signal.reason).toBe(reason);
    expect(child.timedOut()).toBe(false);
    expect(listeners(a.signal)).toBe(0);
  });

  it('is aborted at once under a parent that already is, without listening to anything', () => {
    const a = new AbortController();
    const b = new AbortController();
    b.abort('gone');
    const child = childSignal([a.signal, b.signal]);
    expect(child.signal.reason).toBe('gone');
    expect(listeners(a.signal)).toBe(0);
  });

  it('leaves nothing on a long-lived parent once disposed (AbortSignal.any keeps one per call on Node 20)', () => {
    const keeper = new AbortController();
    for (let i = 0; i < 1000; i++) childSignal(keeper.signal, { timeoutMs: 60_000 }).dispose();
    expect(listeners(keeper.signal)).toBe(0);
  });

  it('times out with a TimeoutError, or the reason asked for, and says it timed out', async () => {
    const plain = childSignal(undefined, { timeoutMs: 5 });
    const custom = childSignal(new AbortController().signal, { timeoutMs: 5, timeoutReason: () => new Error('time limit') });
    await delay(30);
    expect(plain.timedOut()).toBe(true);
    expect((plain.signal.reason as DOMException).name).toBe('TimeoutError');
    expect(custom.timedOut()).toBe(true);
    expect((custom.signal.reason as Error).message).toBe('time limit');
  });

  it('does not time out once disposed, and keeps a parent abort apart from a time-out', async () => {
    const disposed = childSignal(undefined, { timeoutMs: 5 });
    disposed.dispose();
    const parent = new AbortController();
    const aborted = childSignal(parent.signal, { timeoutMs: 5 });
    parent.abort();
    await delay(30);
    expect(disposed.signal.aborted).toBe(false);
    expect(aborted.timedOut()).toBe(false);
  });

  it('abort() ends the child only', () => {
    const parent = new AbortController();
    const child = childSignal(parent.signal);
    child.abort(new Error('one batch failed'));
    expect(child.signal.aborted).toBe(true);
    expect(parent.signal.aborted).toBe(false);
    expect(listeners(parent.signal)).toBe(0);
  });
});

describe('sleep and pause', () => {
  it('sleep resolves after the time and leaves no listener behind', async () => {
    const keeper = new AbortController();
    const started = performance.now();
    await Promise.all(Array.from({ length: 10 }, () => sleep(10, keeper.signal)));
    expect(performance.now() - started).toBeGreaterThanOrEqual(9);
    expect(listeners(keeper.signal)).toBe(0);
  });

  it('sleep rejects with the signal’s reason, whether it aborts before or during the wait', async () => {
    const reason = new Error('shutting down');
    await expect(sleep(10, AbortSignal.abort(reason))).rejects.toBe(reason);
    const c = new AbortController();
    const waiting = sleep(60_000, c.signal);
    c.abort('bye');
    const err = await waiting.catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AbortError', message: 'bye' });
  });

  it('pause resolves at once when the signal aborts', async () => {
    const c = new AbortController();
    const started = performance.now();
    const waiting = pause(60_000, c.signal);
    c.abort();
    await waiting;
    expect(performance.now() - started).toBeLessThan(1000);
    await pause(60_000, c.signal);
  });

  it('abortError keeps an Error reason and names any other', () => {
    const reason = new Error('x');
    expect(abortError(AbortSignal.abort(reason))).toBe(reason);
    expect(abortError(AbortSignal.abort(42))).toMatchObject({ name: 'AbortError', message: 'aborted' });
  });
});
