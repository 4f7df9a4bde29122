import { describe, expect, it } from 'vitest';
import { routeClassOf } from './route-class';
import { bucketLimits, takeToken, type BucketDecision } from './token-bucket';
import { parseTrustProxy } from './trust-proxy';

/** Runs requests at the given times (ms) through one bucket. */
function run(times: number[], perMinute: number, burst: number): BucketDecision[] {
  const limits = bucketLimits(perMinute, burst);
  let tat: number | undefined;
  return times.map((now) => {
    const step = takeToken(tat, now, limits);
    tat = step.tat;
    return step.decision;
  });
}

describe('takeToken (GCRA token bucket)', () => {
  it('allows a burst of `burst` requests at once, then refuses with the wait for one token', () => {
    // 60 per minute: one token a second, three kept.
    const decisions = run([0, 0, 0, 0], 60, 3);
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
    expect(decisions[3].retryAfterMs).toBe(1000);
    expect(decisions[3].resetMs).toBe(3000);
  });

  it('refills at the configured rate and never above the burst', () => {
    const decisions = run([0, 0, 0, 999, 1000, 1500, 60_000, 60_000, 60_000, 60_000], 60, 3);
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false, true, false, true, true, true, false]);
    expect(decisions[5].retryAfterMs).toBe(500);
  });

  it('a refused request costs nothing: waiting the retry time is enough', () => {
    const limits = bucketLimits(6, 1);
    const first = takeToken(undefined, 0, limits);
    const refused = takeToken(first.tat, 100, limits);
    expect(refused.decision.allowed).toBe(false);
    expect(refused.tat).toBe(first.tat);
    expect(takeToken(refused.tat, 100 + refused.decision.retryAfterMs, limits).decision.allowed).toBe(true);
  });

  it('sustains exactly the rate over a long run of requests sent too fast', () => {
    // 600 per minute = 10 per second, burst 5; one request every 10 ms for 10 s.
    const times = Array.from({ length: 1000 }, (_, i) => i * 10);
    const allowed = run(times, 600, 5).filter((d) => d.allowed).length;
    expect(allowed).toBeGreaterThanOrEqual(5 + 99);
    expect(allowed).toBeLessThanOrEqual(5 + 100);
  });
});

describe('routeClassOf', () => {
  it.each([
    ['POST', '/icp4d-api/v1/authorize', 'auth'],
    ['POST', '/identity/token?x=1', 'auth'],
    ['GET', '/v2/projects', 'reads'],
    ['GET', '/openai/v1/models', 'reads'],
    ['POST', '/v2/projects', 'writes'],
    ['DELETE', '/v2/api_keys/1', 'writes'],
    ['POST', '/ml/v1/text/generation?version=2024-05-01', 'inference'],
    ['POST', '/ml/v1/deployments/myflan/text/generation_stream?version=2024-05-01', 'inference'],
    ['POST', '/ml/v4/deployments?version=2024-05-01', 'writes'],
    ['POST', '/openai/v1/chat/completions', 'inference'],
    ['POST', '/inference/chat_completion', 'inference'],
    ['POST', '/reward_scoring/score', 'inference'],
  ])('%s %s is %s', (method, url, cls) => expect(routeClassOf(method, url)).toBe(cls));
});

describe('PLATFORM_TRUST_PROXY', () => {
  it('reads booleans, hop counts and address lists, and refuses anything else', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('TRUE')).toBe(true);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('10.0.0.0/8, 127.0.0.1')).toEqual(['10.0.0.0/8', '127.0.0.1']);
    expect(() => parseTrustProxy('ingress.local')).toThrow(/hop count/);
  });
});
