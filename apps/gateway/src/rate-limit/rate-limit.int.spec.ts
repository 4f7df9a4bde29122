import { createLogger } from '@platform/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayConfig } from '../gateway.config';
import { createTestDatabase } from '@platform/test-fixtures';
import { identityTestDataSource } from '../testing/identity-test-database';
import { ApiRateLimiter } from './api-rate-limiter';
import { RateLimitStore } from './rate-limit-store';
import { SignInThrottle } from './sign-in-throttle';

const logger = createLogger('rate-limit-test');
const config = GatewayConfig.load({
  PLATFORM_JWT_SECRET: 'test',
  PLATFORM_ADMIN_PASSWORD: 'test',
  PLATFORM_ADMIN_APIKEY: 'test',
  // Five writes at once, then one a minute: nothing refills while the test runs.
  PLATFORM_RATE_LIMIT_WRITES_BURST: '5',
  PLATFORM_RATE_LIMIT_WRITES_PER_MINUTE: '1',
  PLATFORM_RATE_LIMIT_READS_BURST: '0',
  PLATFORM_SIGNIN_MAX_FAILURES: '4',
  PLATFORM_SIGNIN_MAX_FAILURES_PER_ADDRESS: '6',
  PLATFORM_SIGNIN_BLOCK_SECONDS: '30',
  PLATFORM_SIGNIN_MAX_BLOCK_SECONDS: '100',
});

let url: string;
const stores: RateLimitStore[] = [];
/** One gateway replica's limiters, on its own connections. */
function replica(storeUrl = url) {
  const store = new RateLimitStore(storeUrl, config.rateLimits.storeTimeoutMs, logger);
  stores.push(store);
  return { store, api: new ApiRateLimiter(store, config, logger), signIn: new SignInThrottle(store, config) };
}

beforeAll(async () => {
  url = await createTestDatabase('rate_limits');
  await (await identityTestDataSource(url)).destroy();
});

afterAll(async () => {
  await Promise.allSettled(stores.map((s) => s.onApplicationShutdown()));
});

describe('API token buckets shared through PostgreSQL', () => {
  it('two replicas share one budget per user and class', async () => {
    const [a, b] = [replica(), replica()];
    const allowed: boolean[] = [];
    for (let i = 0; i < 8; i++) allowed.push((await (i % 2 ? b : a).api.take('user:ada', 'writes'))!.allowed);
    expect(allowed).toEqual([true, true, true, true, true, false, false, false]);
    // Another user, and another class of the same user, have budgets of their own.
    expect((await b.api.take('user:bob', 'writes'))!.allowed).toBe(true);
    expect((await b.api.take('user:ada', 'inference'))!.allowed).toBe(true);
    // A class with a burst of 0 is not limited at all.
    expect(await a.api.take('user:ada', 'reads')).toBeNull();
  });

  it('reports what is left and, when refused, how long until a token is back', async () => {
    const { api } = replica();
    const first = await api.take('user:cyd', 'writes');
    expect(first).toMatchObject({ allowed: true, limit: 5, remaining: 4 });
    for (let i = 0; i < 4; i++) await api.take('user:cyd', 'writes');
    const refused = await api.take('user:cyd', 'writes');
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    // One token a minute: the next is back within the minute.
    expect(refused!.retryAfterMs).toBeGreaterThan(50_000);
    expect(refused!.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('answers a caller it has seen refused from memory, without a round trip', async () => {
    const { store, api } = replica();
    for (let i = 0; i < 5; i++) expect((await api.take('user:dee', 'writes'))!.allowed).toBe(true);
    expect((await api.take('user:dee', 'writes'))!.allowed).toBe(false);
    // With its connections gone a round trip would fail and fall back to a fresh bucket in memory (allowed): still
    // refused means no round trip was made.
    await store.onApplicationShutdown();
    stores.splice(stores.indexOf(store), 1);
    const again = await api.take('user:dee', 'writes');
    expect(again).toMatchObject({ allowed: false });
    expect(again!.retryAfterMs).toBeGreaterThan(50_000);
  });

  it('fails open to limits on this replica alone when the database is unreachable', async () => {
    const { api } = replica(url.replace(/:\d+\//, ':1/'));
    const allowed: boolean[] = [];
    for (let i = 0; i < 7; i++) allowed.push((await api.take('user:eve', 'writes'))!.allowed);
    expect(allowed).toEqual([true, true, true, true, true, false, false]);
  });
});

describe('sign-in back-off shared through PostgreSQL', () => {
  const attempt = (account: string, address = '192.0.2.1') => ({ account, address });

  it('blocks an account after its threshold of failures on any replica, doubling with each further failure', async () => {
    const [a, b] = [replica(), replica()];
    const blocks = [];
    for (let i = 0; i < 4; i++) blocks.push(await (i % 2 ? b : a).signIn.failed(attempt('fay', `198.51.100.${i}`)));
    expect(blocks.slice(0, 3)).toEqual([[], [], []]);
    expect(blocks[3]).toEqual([{ on: 'account', seconds: 30, failures: 4 }]);
    // The replica that did not impose the block reads it from the shared store.
    const wait = await b.signIn.waitMs(attempt('fay', '203.0.113.9'));
    expect(wait).toBeGreaterThan(25_000);
    expect(wait).toBeLessThanOrEqual(30_000);
    expect(await b.signIn.failed(attempt('fay', '198.51.100.8'))).toEqual([{ on: 'account', seconds: 60, failures: 5 }]);
    expect(await a.signIn.failed(attempt('fay', '198.51.100.9'))).toEqual([{ on: 'account', seconds: 100, failures: 6 }]);
    // Other accounts are untouched.
    expect(await a.signIn.waitMs(attempt('gus', '203.0.113.9'))).toBe(0);
  });

  it('a success resets the account, not the address', async () => {
    const { signIn } = replica();
    for (let i = 0; i < 3; i++) await signIn.failed(attempt('hal', '192.0.2.50'));
    await signIn.succeeded(attempt('hal', '192.0.2.50'));
    // Without the reset the first of these would be the account's fourth failure in a row, and blocked.
    const second = [];
    for (let i = 0; i < 3; i++) second.push(...(await signIn.failed(attempt('hal', '192.0.2.50'))));
    // The address has failed six times over both rounds, its own threshold: only the address is blocked.
    expect(second).toEqual([{ on: 'address', seconds: 30, failures: 6 }]);
    expect(await signIn.waitMs(attempt('ida', '192.0.2.50'))).toBeGreaterThan(0);
    expect(await signIn.waitMs(attempt('ida', '192.0.2.51'))).toBe(0);
  });

  it('limits a bare API key by the client address alone', async () => {
    const { signIn } = replica();
    const bare = { address: '192.0.2.77' };
    for (let i = 0; i < 5; i++) expect(await signIn.failed(bare)).toEqual([]);
    expect(await signIn.failed(bare)).toEqual([{ on: 'address', seconds: 30, failures: 6 }]);
    expect(await signIn.waitMs(bare)).toBeGreaterThan(0);
  });

  it('keeps counting on this replica alone when the database is unreachable', async () => {
    const { signIn } = replica(url.replace(/:\d+\//, ':1/'));
    for (let i = 0; i < 3; i++) expect(await signIn.failed(attempt('jan', '192.0.2.90'))).toEqual([]);
    expect(await signIn.failed(attempt('jan', '192.0.2.90'))).toEqual([{ on: 'account', seconds: 30, failures: 4 }]);
    expect(await signIn.waitMs(attempt('jan', '192.0.2.91'))).toBeGreaterThan(0);
  });
});
