import type { EmbedResult } from '../backends/types';
import { Batcher, type CoalescerLimits, type Waiter } from './batcher';
import { callPool } from './dispatch';
import type { Pool } from './pool';

export type { CoalescerLimits } from './batcher';

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

interface EmbedBatch {
  pool: Pool;
  truncate?: number;
  dimensions?: number;
}

/**
 * Concurrent embedding requests for the same pool (and the same truncation and dimensions) within a short window go to the backend
 * as one call, then each caller gets its own slice of the vectors. One admission slot serves the whole batch; the
 * upstream call is aborted only when every caller in it has gone.
 */
export class EmbedCoalescer {
  private readonly batcher: Batcher<string, EmbedResult, EmbedBatch>;

  constructor(limits: CoalescerLimits) {
    this.batcher = new Batcher(
      limits,
      (ctx, waiters, signal) => runBatch(ctx, waiters, signal),
      (ctx) => ctx.pool.healthyCount,
    );
  }

  embed(pool: Pool, inputs: string[], truncate: number | undefined, signal: AbortSignal, dimensions?: number): Promise<EmbedResult> {
    if (!this.batcher.coalesces(inputs.length)) return embedNow(pool, inputs, truncate, signal, dimensions);
    return this.batcher.submit(
      `${pool.modelId}\u0000${truncate ?? ''}\u0000${dimensions ?? ''}`,
      { pool, truncate, dimensions },
      inputs,
      signal,
    );
  }
}

function runBatch({ pool, truncate, dimensions }: EmbedBatch, live: Waiter<string, EmbedResult>[], signal: AbortSignal): Promise<void> {
  const all = live.length === 1 ? live[0].items : live.flatMap((w) => w.items);
  return embedNow(pool, all, truncate, signal, dimensions).then(
    (res) => {
      const tokens = attributeTokens(
        res.promptTokens,
        live.map((w) => w.items.reduce((n, s) => n + s.length, 0)),
      );
      let offset = 0;
      live.forEach((w, i) => {
        w.resolve({ vectors: res.vectors.slice(offset, offset + w.items.length), promptTokens: tokens[i] });
        offset += w.items.length;
      });
    },
    (err: unknown) => live.forEach((w) => w.reject(err)),
  );
}

function embedNow(
  pool: Pool,
  inputs: string[],
  truncate: number | undefined,
  signal: AbortSignal,
  dimensions?: number,
): Promise<EmbedResult> {
  return callPool(pool, signal, (r) => r.adapter.embed(r.backendModel, inputs, truncate, signal, dimensions));
}
