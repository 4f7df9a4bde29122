import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError } from '@platform/common';

export interface CoalescerLimits {
  /** How long the first request of a batch waits for company; 0 turns coalescing off. */
  windowMs: number;
  /** Items (texts) per backend call; a batch that reaches it leaves at once. */
  maxInputs: number;
  /**
   * Batches of one key at the backend at once, per healthy replica (default 8). Past that, new
   * requests gather in the next batch until one comes back, so batches grow with a backend that falls behind. A low
   * limit throttles when round trips are slow for other reasons (an overloaded host): the bench showed 2 losing to
   * the plain window there.
   */
  inFlightPerReplica?: number;
}

/** One caller's share of a batch: its items, in order, and how to answer it. */
export interface Waiter<I, R> {
  items: I[];
  signal: AbortSignal;
  resolve(result: R): void;
  reject(err: unknown): void;
}

interface Batch<I, R, C> {
  context: C;
  waiters: Waiter<I, R>[];
  size: number;
  timer?: NodeJS.Timeout;
}

/**
 * Collects concurrent requests with the same key into one batch and hands the callers still waiting to `execute`
 * with a signal that aborts only when every caller in the batch has gone. A batch leaves when it reaches
 * `maxInputs` items; otherwise, while the key has fewer batches at the backend than allowed, when its window
 * closes, and past that when one of them comes back (the dynamic batching of Triton or TEI: no added wait when
 * idle beyond the window, batches as large as the load when busy).
 */
export class Batcher<I, R, C> {
  private readonly open = new Map<string, Batch<I, R, C>>();
  private readonly inFlight = new Map<string, number>();

  constructor(
    readonly limits: CoalescerLimits,
    /** Answers every waiter; the batch's abort listeners come off once the returned promise settles. */
    private readonly execute: (context: C, waiters: Waiter<I, R>[], signal: AbortSignal) => Promise<void>,
    /** Healthy replicas behind a batch's context, which scales how many batches may be out at once. */
    private readonly replicasOf: (context: C) => number = () => 1,
  ) {}

  /** Whether a request of `size` items should wait for company at all. */
  coalesces(size: number): boolean {
    return this.limits.windowMs > 0 && size < this.limits.maxInputs;
  }

  submit(key: string, context: C, items: I[], signal: AbortSignal): Promise<R> {
    let batch = this.open.get(key);
    if (batch && batch.size + items.length > this.limits.maxInputs) {
      this.flush(key);
      batch = undefined;
    }
    if (!batch) {
      const created: Batch<I, R, C> = { context, waiters: [], size: 0 };
      if (!this.busy(key, context)) created.timer = setTimeout(() => this.flush(key), this.limits.windowMs);
      this.open.set(key, created);
      batch = created;
    }
    const target = batch;
    const result = new Promise<R>((resolve, reject) => target.waiters.push({ items, signal, resolve, reject }));
    target.size += items.length;
    if (target.size >= this.limits.maxInputs) this.flush(key);
    return result;
  }

  private busy(key: string, context: C): boolean {
    const limit = Math.max(1, this.replicasOf(context)) * (this.limits.inFlightPerReplica ?? 8);
    return (this.inFlight.get(key) ?? 0) >= limit;
  }

  private flush(key: string): void {
    const batch = this.open.get(key);
    if (!batch) return;
    this.open.delete(key);
    clearTimeout(batch.timer);
    const upstream = new AbortController();
    let gone = 0;
    let settled = false;
    const listeners: (() => void)[] = [];
    for (const w of batch.waiters) {
      const onAbort = () => {
        // gRPC may report a call cancelled after it was answered; only a caller still waiting is told.
        if (settled) return;
        w.reject(new PlatformError(GrpcStatus.CANCELLED, 'cancelled', 'The request was cancelled.'));
        if (++gone === batch.waiters.length) upstream.abort();
      };
      if (w.signal.aborted) onAbort();
      else {
        w.signal.addEventListener('abort', onAbort, { once: true });
        listeners.push(() => w.signal.removeEventListener('abort', onAbort));
      }
    }
    const live = batch.waiters.filter((w) => !w.signal.aborted);
    if (live.length === 0) return;
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    void this.execute(batch.context, live, upstream.signal).finally(() => {
      settled = true;
      for (const off of listeners) off();
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left > 0) this.inFlight.set(key, left);
      else this.inFlight.delete(key);
      // A batch that gathered while the backend was busy (it has no window timer) leaves now.
      const next = this.open.get(key);
      if (next && next.timer === undefined) this.flush(key);
    });
  }
}
