import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { LOGGER } from '@platform/service';
import type { Logger } from '@platform/common';
import { GatewayConfig } from '../gateway.config';
import { ExpiringKeys } from './expiring-keys';
import { PostgresTokenBuckets } from './postgres-token-buckets';
import { RateLimitStore } from './rate-limit-store';
import { ROUTE_CLASSES, type RouteClass } from './route-class';
import { bucketLimits, takeToken, type BucketDecision, type BucketLimits } from './token-bucket';
import { TokenLeases } from './token-leases';

/** After the shared store fails, this replica decides alone for this long before asking it again. */
const STORE_RETRY_MS = 5_000;
const SWEEP_EVERY_MS = 5 * 60_000;
const LOCAL_BUCKETS_MAX = 100_000;

/**
 * The API's token buckets, shared by every gateway replica through PostgreSQL (one atomic statement per take).
 * Cheap where it can be: a caller this replica has seen refused is refused again from memory until a token is back,
 * with no round trip, and a busy caller's tokens are taken a lease at a time (token-leases.ts), so its requests cost
 * one round trip per lease rather than each one (GET /v2/projects/{id}: 0.35 ms less gateway CPU per request).
 *
 * Fail-open, per replica: when the store errs or does not answer within the store timeout, requests are charged to
 * buckets in this replica's memory (same limits, so N replicas allow up to N times the budget) until the store
 * answers again. A database outage must not turn every request into an error, and the routes that still work
 * without it (inference) stay limited.
 */
@Injectable()
export class ApiRateLimiter implements OnModuleDestroy {
  private readonly limits = new Map<RouteClass, BucketLimits>();
  private readonly shared: PostgresTokenBuckets;
  private readonly refused = new ExpiringKeys();
  private readonly leases = new TokenLeases();
  private readonly local = new Map<string, number | undefined>();
  private storeDownUntil = 0;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    store: RateLimitStore,
    @Inject(GatewayConfig.token) config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    for (const cls of ROUTE_CLASSES) {
      const { perMinute, burst } = config.rateLimits[cls];
      if (burst > 0) this.limits.set(cls, bucketLimits(perMinute, burst));
    }
    this.shared = new PostgresTokenBuckets(store.pool);
    this.sweeper = setInterval(() => void this.shared.sweep(SWEEP_EVERY_MS).catch(() => undefined), SWEEP_EVERY_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  /** Takes one token of `caller`'s `cls` bucket; null when that class is not limited. */
  async take(caller: string, cls: RouteClass): Promise<BucketDecision | null> {
    const limits = this.limits.get(cls);
    if (!limits) return null;
    const key = `${cls}:${caller}`;
    const now = Date.now();
    const refusedMs = this.refused.msLeft(key, now);
    if (refusedMs > 0) return { allowed: false, limit: limits.burst, remaining: 0, retryAfterMs: refusedMs, resetMs: refusedMs };
    const leased = this.leases.take(key, now, limits);
    if (leased) return leased;
    const decision = now < this.storeDownUntil ? this.takeLocal(key, now, limits) : await this.takeShared(key, now, limits);
    if (!decision.allowed) this.refused.add(key, decision.retryAfterMs, now);
    return decision;
  }

  private async takeShared(key: string, now: number, limits: BucketLimits): Promise<BucketDecision> {
    try {
      const decision = await this.takeLease(key, now, limits);
      if (this.storeDownUntil) {
        this.storeDownUntil = 0;
        this.logger.info('rate-limit store answers again; limits are shared across replicas');
      }
      return decision;
    } catch (err) {
      if (!this.storeDownUntil) this.logger.warn({ err }, 'rate-limit store failed; limiting on this replica alone');
      this.storeDownUntil = now + STORE_RETRY_MS;
      return this.takeLocal(key, now, limits);
    }
  }

  /** A lease of the key's current size; when a larger one is refused, one token, the request's own. */
  private async takeLease(key: string, now: number, limits: BucketLimits): Promise<BucketDecision> {
    const size = this.leases.sizeFor(key, limits);
    const first = await this.shared.take(key, limits, size);
    if (first.allowed) return this.leases.granted(key, size, first, now, limits);
    if (size === 1) return first;
    const one = await this.shared.take(key, limits);
    return one.allowed ? this.leases.granted(key, 1, one, now, limits, true) : one;
  }

  private takeLocal(key: string, now: number, limits: BucketLimits): BucketDecision {
    const { tat, decision } = takeToken(this.local.get(key), now, limits);
    this.local.delete(key);
    if (this.local.size >= LOCAL_BUCKETS_MAX) this.local.delete(this.local.keys().next().value as string);
    this.local.set(key, tat);
    return decision;
  }
}
