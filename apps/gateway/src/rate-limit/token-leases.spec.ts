import { describe, expect, it } from 'vitest';
import { bucketLimits, takeToken, type BucketDecision, type BucketLimits } from './token-bucket';
import { LEASE_TTL_MS, TokenLeases } from './token-leases';

/**
 * One replica's takes as ApiRateLimiter makes them, against an in-memory shared bucket that takes `tokens` at once
 * like the PostgreSQL statement (all or none), remembering refusals as ApiRateLimiter does. Counts the round trips.
 */
function replica(limits: BucketLimits) {
  let tat: number | undefined;
  let trips = 0;
  const leases = new TokenLeases();
  const shared = (now: number, tokens: number): BucketDecision => {
    trips++;
    const step = takeToken(tat, now, { intervalMs: tokens * limits.intervalMs, burst: limits.burst / tokens });
    tat = step.tat;
    // The decision as the store reports it, in the bucket's own tokens.
    return step.decision.allowed
      ? { ...step.decision, remaining: Math.floor((limits.burst * limits.intervalMs - (tat! - now)) / limits.intervalMs) }
      : step.decision;
  };
  let refusedUntil = -1;
  const take = (now: number): BucketDecision => {
    if (now < refusedUntil) return { allowed: false, limit: limits.burst, remaining: 0, retryAfterMs: refusedUntil - now, resetMs: 0 };
    const decision = takeOnce(now);
    if (!decision.allowed) refusedUntil = now + decision.retryAfterMs;
    return decision;
  };
  const takeOnce = (now: number): BucketDecision => {
    const leased = leases.take('k', now, limits);
    if (leased) return leased;
    const size = leases.sizeFor('k', limits);
    const first = shared(now, size);
    if (first.allowed) return leases.granted('k', size, first, now, limits);
    if (size === 1) return first;
    const one = shared(now, 1);
    return one.allowed ? leases.granted('k', 1, one, now, limits, true) : one;
  };
  return { take, trips: () => trips };
}

describe('TokenLeases', () => {
  it('takes one token per round trip at first, with the same answers as the plain bucket', () => {
    const limits = bucketLimits(60, 160);
    const r = replica(limits);
    expect(r.take(0)).toMatchObject({ allowed: true, remaining: 159 });
    expect(r.trips()).toBe(1);
  });

  it('grows the lease of a busy caller, up to an eighth of the burst, and never admits more than the bucket', () => {
    // 600 a minute (10 a second), burst 160; one request a millisecond for 3 s.
    const limits = bucketLimits(600, 160);
    const r = replica(limits);
    const decisions = Array.from({ length: 3000 }, (_, i) => {
      // While the burst lasts, leases of 1, 2, 4, 8, 16, then 20 tokens: a handful of round trips.
      if (i === 140) expect(r.trips()).toBeLessThanOrEqual(12);
      return r.take(i);
    });
    const allowed = decisions.filter((d) => d.allowed).length;
    // The plain bucket admits 160 at once plus 10 a second.
    expect(allowed).toBeLessThanOrEqual(160 + 30);
    expect(allowed).toBeGreaterThan(160 - 20);
    // While the burst lasts the caller is told what the plain bucket would tell it.
    let tat: number | undefined;
    const plain = Array.from({ length: 140 }, (_, i) => {
      const step = takeToken(tat, i, limits);
      tat = step.tat;
      return step.decision.remaining;
    });
    expect(decisions.slice(0, 140).map((d) => d.remaining)).toEqual(plain);
  });

  it('lets unused tokens lapse and shrinks the lease of a caller that slowed down', () => {
    const limits = bucketLimits(60_000, 1000);
    const r = replica(limits);
    for (let i = 0; i < 100; i++) r.take(i);
    const before = r.trips();
    // After the lease's lifetime its tokens are gone: the next request asks the bucket again.
    r.take(100 + LEASE_TTL_MS);
    expect(r.trips()).toBe(before + 1);
  });

  it('never leases ahead on a bucket with a burst under 16', () => {
    const limits = bucketLimits(60, 15);
    const r = replica(limits);
    const decisions = Array.from({ length: 20 }, (_, i) => r.take(i));
    // 15 granted, then one refusal, remembered for the rest.
    expect(r.trips()).toBe(16);
    expect(decisions.map((d) => d.allowed)).toEqual([...Array(15).fill(true), ...Array(5).fill(false)]);
  });
});
