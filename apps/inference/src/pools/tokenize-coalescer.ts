import type { TokenizeResult } from '../backends/types';
import { Batcher, type CoalescerLimits, type Waiter } from './batcher';
import { callPool } from './dispatch';
import type { Pool } from './pool';
import type { Replica } from './replica';

/** Servers known to take batches (or not yet known not to): only then is it worth waiting for company. */
function batchable(pool: Pool): boolean {
  return pool.replicas.length > 0 && pool.replicas.every((r) => r.adapter.tokenizeBatch !== undefined && r.adapter.batchTokenize !== false);
}

/** One text at a time, concurrently: the fallback for a batch that reached a server without batch tokenization. */
function oneByOne(replica: Replica, texts: string[], signal: AbortSignal): Promise<TokenizeResult[]> {
  return Promise.all(texts.map((t) => replica.adapter.tokenize(replica.backendModel, t, signal)));
}

/**
 * Concurrent tokenizations for the same pool within a short window go to the model server as one batch call where it
 * takes them (the engine server's list `prompt`); vLLM and TGI keep getting one text per call.
 */
export class TokenizeCoalescer {
  private readonly batcher: Batcher<string, TokenizeResult, Pool>;

  constructor(limits: CoalescerLimits) {
    this.batcher = new Batcher(
      limits,
      (pool, waiters, signal) => runBatch(pool, waiters, signal),
      (pool) => pool.healthyCount,
    );
  }

  tokenize(pool: Pool, text: string, signal: AbortSignal): Promise<TokenizeResult> {
    if (!this.batcher.coalesces(1) || !batchable(pool))
      return callPool(pool, signal, (r) => r.adapter.tokenize(r.backendModel, text, signal));
    return this.batcher.submit(pool.modelId, pool, [text], signal);
  }
}

function runBatch(pool: Pool, live: Waiter<string, TokenizeResult>[], signal: AbortSignal): Promise<void> {
  const texts = live.map((w) => w.items[0]);
  return callPool(
    pool,
    signal,
    async (r) => (await r.adapter.tokenizeBatch?.(r.backendModel, texts, signal)) ?? oneByOne(r, texts, signal),
  ).then(
    (results) => live.forEach((w, i) => w.resolve(results[i])),
    (err: unknown) => live.forEach((w) => w.reject(err)),
  );
}
