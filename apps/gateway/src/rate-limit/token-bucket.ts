/**
 * A token bucket as GCRA (the generic cell rate algorithm): instead of a token count and a refill time, a bucket is
 * one number, its theoretical arrival time `tat` (ms), the moment it would be full again. A request at `now` is
 * allowed when taking a token keeps `tat` within `burst` intervals of now. One number makes the shared update a
 * single atomic statement (postgres-token-buckets.ts runs the same arithmetic in SQL).
 */
export interface BucketLimits {
  /** Milliseconds for one token to flow back in (60 000 / tokens per minute). */
  intervalMs: number;
  /** The most tokens a bucket holds, i.e. the largest burst. */
  burst: number;
}

export interface BucketDecision {
  allowed: boolean;
  limit: number;
  /** Tokens left after this request. */
  remaining: number;
  /** When refused: how long until one token is back. */
  retryAfterMs: number;
  /** Until the bucket is full again. */
  resetMs: number;
}

export const bucketLimits = (perMinute: number, burst: number): BucketLimits => ({ intervalMs: 60_000 / perMinute, burst });

/** The decision for a request at `now` given the stored `tat` (undefined: a full bucket), and the new `tat`. */
export function takeToken(
  tat: number | undefined,
  now: number,
  limits: BucketLimits,
): { tat: number | undefined; decision: BucketDecision } {
  const after = Math.max(tat ?? now, now) + limits.intervalMs;
  return after - now <= limits.burst * limits.intervalMs
    ? { tat: after, decision: decisionAfter(after, now, limits, true) }
    : { tat, decision: decisionAfter(after, now, limits, false) };
}

/**
 * The decision seen from `after`, the arrival time taking one more token would give: granted (then `after` is the
 * new tat) or refused (then the bucket is unchanged and a token is back once `after` is within the burst again).
 */
export function decisionAfter(after: number, now: number, limits: BucketLimits, allowed: boolean): BucketDecision {
  const window = limits.burst * limits.intervalMs;
  if (!allowed) {
    return {
      allowed,
      limit: limits.burst,
      remaining: 0,
      retryAfterMs: Math.max(1, after - now - window),
      resetMs: Math.max(0, after - now - limits.intervalMs),
    };
  }
  return {
    allowed,
    limit: limits.burst,
    remaining: Math.max(0, Math.floor((window - (after - now)) / limits.intervalMs + 1e-9)),
    retryAfterMs: 0,
    resetMs: after - now,
  };
}
