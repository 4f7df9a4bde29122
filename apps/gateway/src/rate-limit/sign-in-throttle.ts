import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterPostgres, type RateLimiterRes } from 'rate-limiter-flexible';
import { GatewayConfig } from '../gateway.config';
import { ExpiringKeys } from './expiring-keys';
import { RateLimitStore } from './rate-limit-store';

/** One sign-in attempt: the account it names (none for a bare API key, which names no one until it matches). */
export interface SignInAttempt {
  account?: string;
  address: string;
}

/** A block imposed by a failure: on the account or on the client address, for `seconds`. */
export interface SignInBlock {
  on: 'account' | 'address';
  seconds: number;
  failures: number;
}

/** Doubling stops here, far past any configured maximum. */
const MAX_DOUBLINGS = 30;

/**
 * Back-off against password guessing, shared by every gateway replica through PostgreSQL (rate-limiter-flexible's
 * store, in identity.sign_in_limits): consecutive failures are counted per account and per client address; once an
 * account reaches its threshold each further failure blocks it for twice as long as the last (the address likewise,
 * with its own higher threshold). A blocked attempt is refused before any password is hashed. A success resets the
 * account's count, never the address's (one known password must not buy unlimited guesses at other accounts).
 *
 * When the database fails, the library's insurance limiters count in this replica's memory (the sign-in itself
 * needs the database, so nothing is let through that would otherwise be refused).
 */
@Injectable()
export class SignInThrottle {
  private readonly failures: RateLimiterPostgres;
  private readonly blocks: RateLimiterPostgres;
  private readonly blocked = new ExpiringKeys();
  private readonly settings: GatewayConfig['signIn'];

  constructor(store: RateLimitStore, @Inject(GatewayConfig.token) config: GatewayConfig) {
    this.settings = config.signIn;
    const { windowSeconds, maxBlockSeconds } = this.settings;
    const shared = { storeClient: store.pool, storeType: 'pool', schemaName: 'identity', tableName: 'sign_in_limits', tableCreated: true };
    // Failures only ever accumulate (penalty), so `points` is just the library's required bound.
    const counting = { keyPrefix: 'failures', points: Number.MAX_SAFE_INTEGER, duration: windowSeconds };
    this.failures = new RateLimiterPostgres({ ...shared, ...counting, insuranceLimiter: new RateLimiterMemory(counting) });
    const blocking = { keyPrefix: 'blocked', points: 1, duration: maxBlockSeconds };
    this.blocks = new RateLimiterPostgres({ ...shared, ...blocking, insuranceLimiter: new RateLimiterMemory(blocking) });
  }

  /** Milliseconds until `attempt` may be made (0: now). */
  async waitMs(attempt: SignInAttempt): Promise<number> {
    const waits = await Promise.all(this.keysOf(attempt).map((k) => this.blockedMs(k.key)));
    return Math.max(0, ...waits);
  }

  /** Counts a failed attempt; returns the blocks it imposed. */
  async failed(attempt: SignInAttempt): Promise<SignInBlock[]> {
    const imposed: SignInBlock[] = [];
    for (const { on, key, threshold } of this.keysOf(attempt)) {
      const failures = (await this.failures.penalty(key)).consumedPoints;
      if (failures < threshold) continue;
      const doublings = Math.min(failures - threshold, MAX_DOUBLINGS);
      const seconds = Math.min(this.settings.maxBlockSeconds, this.settings.blockSeconds * 2 ** doublings);
      await this.blocks.block(key, seconds);
      this.blocked.add(key, seconds * 1000);
      imposed.push({ on, seconds, failures });
    }
    return imposed;
  }

  /** The right password or key: the account starts afresh. */
  async succeeded(attempt: SignInAttempt): Promise<void> {
    if (attempt.account === undefined) return;
    const key = accountKey(attempt.account);
    this.blocked.delete(key);
    await Promise.all([this.failures.delete(key), this.blocks.delete(key)]);
  }

  private keysOf(attempt: SignInAttempt): { on: SignInBlock['on']; key: string; threshold: number }[] {
    const address = { on: 'address' as const, key: `address:${attempt.address}`, threshold: this.settings.maxFailuresPerAddress };
    if (attempt.account === undefined) return [address];
    return [{ on: 'account', key: accountKey(attempt.account), threshold: this.settings.maxFailures }, address];
  }

  private async blockedMs(key: string): Promise<number> {
    const known = this.blocked.msLeft(key);
    if (known > 0) return known;
    const res: RateLimiterRes | null = await this.blocks.get(key);
    if (!res || res.consumedPoints <= 0 || res.msBeforeNext <= 0) return 0;
    this.blocked.add(key, res.msBeforeNext);
    return res.msBeforeNext;
  }
}

/** Account names are matched exactly, as the users table does. */
const accountKey = (account: string) => `account:${account}`;
