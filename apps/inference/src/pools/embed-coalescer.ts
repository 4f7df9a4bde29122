import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError } from '@platform/common';
import type { EmbedResult } from '../backends/types';
import { callPool } from './dispatch';
import type { Pool } from './pool';

export interface CoalescerLimits {
  /** How long the first request of a batch waits for company; 0 turns coalescing off. */
  windowMs: number;
  /** Inputs per backend call; a batch that reaches it leaves at once. */
  maxInputs: number;
}

interface Waiter {
  inputs: string[];
  signal: AbortSignal;
  resolve(result: EmbedResult): void;
  reject(err: unknown): void;
}

interface Batch {
  pool: Pool;
  truncate?: number;
  waiters: Waiter[];
  inputs: number;
  timer: NodeJS.Timeout;
}

/**
 * Splits a batch's token total over its requests in proportion to their text length, so the parts add up to what the
 * backend counted. Backends report one total per call, so for coalesced requests this is an attribution, not a count.
 */
export function attributeTokens(total: number, sizes: number[]): number[] {
  const sum = sizes.reduce((a, b) => a + b, 0);
  if (sizes.length === 1 || sum === 0) return sizes.map((_, i) => (i === 0 ? total : 0));
  const shares = sizes.map((s) => Math.floor((total * s) / sum));
  shares[shares.length - 1] += total - shares.reduce((a, b) => a + b, 0);
  return shares;
}

/**
 * Concurrent embedding requests for the same pool (and the same truncation) within a short window go to the backend
 * as one call, then each caller gets its own slice of the vectors. One admission slot serves the whole batch; the
 * upstream call is aborted only when every caller in it has gone.
 */
export class EmbedCoalescer {
  private readonly open = new Map<string, Batch>();

  constructor(private readonly limits: CoalescerLimits) {}

  embed(pool: Pool, inputs: string[], truncate: number | undefined, signal: AbortSignal): Promise<EmbedResult> {
    if (this.limits.windowMs <= 0 || inputs.length >= this.limits.maxInputs) return embedNow(pool, inputs, truncate, signal);
    const key = `${pool.modelId}\u0000${truncate ?? ''}`;
    let batch = this.open.get(key);
    if (batch && batch.inputs + inputs.length > this.limits.maxInputs) {
      this.flush(key);
      batch = undefined;
    }
    if (!batch) {
      const created: Batch = { pool, truncate, waiters: [], inputs: 0, timer: setTimeout(() => this.flush(key), this.limits.windowMs) };
      this.open.set(key, created);
      batch = created;
    }
    const target = batch;
    const result = new Promise<EmbedResult>((resolve, reject) => target.waiters.push({ inputs, signal, resolve, reject }));
    target.inputs += inputs.length;
    if (target.inputs >= this.limits.maxInputs) this.flush(key);
    return result;
  }

  private flush(key: string): void {
    const batch = this.open.get(key);
    if (!batch) return;
    this.open.delete(key);
    clearTimeout(batch.timer);
    const upstream = new AbortController();
    let gone = 0;
    for (const w of batch.waiters) {
      const onAbort = () => {
        w.reject(new PlatformError(GrpcStatus.CANCELLED, 'cancelled', 'The request was cancelled.'));
        if (++gone === batch.waiters.length) upstream.abort();
      };
      if (w.signal.aborted) onAbort();
      else w.signal.addEventListener('abort', onAbort, { once: true });
    }
    const live = batch.waiters.filter((w) => !w.signal.aborted);
    if (live.length === 0) return;
    const all = live.flatMap((w) => w.inputs);
    embedNow(batch.pool, all, batch.truncate, upstream.signal).then(
      (res) => {
        const tokens = attributeTokens(
          res.promptTokens,
          live.map((w) => w.inputs.reduce((n, s) => n + s.length, 0)),
        );
        let offset = 0;
        live.forEach((w, i) => {
          w.resolve({ vectors: res.vectors.slice(offset, offset + w.inputs.length), promptTokens: tokens[i] });
          offset += w.inputs.length;
        });
      },
      (err: unknown) => live.forEach((w) => w.reject(err)),
    );
  }
}

function embedNow(pool: Pool, inputs: string[], truncate: number | undefined, signal: AbortSignal): Promise<EmbedResult> {
  return callPool(pool, signal, (r) => r.adapter.embed(r.backendModel, inputs, truncate, signal));
}
