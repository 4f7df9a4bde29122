import { status as GrpcStatus } from '@grpc/grpc-js';
import { abortError, sleep } from '@platform/common';

/** Pools answer RESOURCE_EXHAUSTED (HTTP 429) when full and UNAVAILABLE while replicas come and go: both pass. */
const RETRYABLE: ReadonlySet<number> = new Set([GrpcStatus.RESOURCE_EXHAUSTED, GrpcStatus.UNAVAILABLE]);

export function isRetryable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' && RETRYABLE.has(code);
}

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseDelayMs: 250, maxDelayMs: 8_000 };

/** Exponential backoff with full jitter, so many waiting calls do not return to a full pool in lockstep. */
export async function withRetry<T>(fn: () => Promise<T>, signal: AbortSignal, policy: RetryPolicy = DEFAULT_RETRY): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (signal.aborted) throw abortError(signal);
      if (!isRetryable(err) || attempt >= policy.attempts) throw err;
      const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      await sleep(Math.random() * cap, signal);
    }
  }
}
