import { decisionAfter, type BucketDecision, type BucketLimits } from './token-bucket';

/** A lease's unused tokens lapse this long after it was granted (they stay charged to the shared bucket). */
export const LEASE_TTL_MS = 1_000;
/** A replica never leases more than this share of a bucket's burst at once. */
const LEASE_SHARE_OF_BURST = 8;
const KEYS_MAX = 100_000;

interface Lease {
  /** Tokens taken from the shared bucket and not yet handed out. */
  left: number;
  /** The shared bucket's tat once the lease was taken (all its tokens counted), on this replica's clock. */
  tat: number;
  /** When the unused tokens lapse. */
  expires: number;
  /** Tokens the next lease of this key asks for: doubles while leases run out in time, halves when one lapses. */
  size: number;
}

/**
 * Tokens a replica takes from a caller's shared bucket ahead of use, so a busy caller costs one database round trip
 * per lease instead of one per request. A lease is charged in full when taken, so the replicas together never admit
 * more than the shared budget; what a lease costs is that its unused tokens lapse after LEASE_TTL_MS, which can only
 * refuse a caller a little early, never admit one too many.
 *
 * A key starts at one token per lease (exactly the per-request take) and grows only while its leases run out within
 * their lifetime, up to 1/8 of the burst; a bucket whose burst is under 16 is never leased ahead.
 */
export class TokenLeases {
  private readonly leases = new Map<string, Lease>();

  /** A token from this replica's lease of `key`, or null when it holds none (take a lease first). */
  take(key: string, now: number, limits: BucketLimits): BucketDecision | null {
    const lease = this.leases.get(key);
    if (!lease || lease.left <= 0) return null;
    if (lease.expires <= now) {
      lease.left = 0;
      lease.size = Math.max(1, lease.size >> 1);
      return null;
    }
    lease.left--;
    // What the caller would see had the tokens still in the lease never been taken.
    return decisionAfter(lease.tat - lease.left * limits.intervalMs, now, limits, true);
  }

  /** How many tokens to ask the shared bucket for on `key`'s next take. */
  sizeFor(key: string, limits: BucketLimits): number {
    const most = Math.floor(limits.burst / LEASE_SHARE_OF_BURST);
    return most < 2 ? 1 : Math.min(most, this.leases.get(key)?.size ?? 1);
  }

  /**
   * Records a lease of `size` tokens the shared bucket granted (`shared`: its decision, for all of them) and answers
   * the request that took it, which uses one. `refusedLarger`: a larger lease was refused first, so the key starts over
   * at one token.
   */
  granted(key: string, size: number, shared: BucketDecision, now: number, limits: BucketLimits, refusedLarger = false): BucketDecision {
    const previous = this.leases.get(key);
    const live = previous !== undefined && previous.expires > now;
    // The last lease ran out before it lapsed: the caller uses more than it, so the next one is twice as large.
    const size0 = previous?.size ?? 1;
    const next = refusedLarger ? 1 : live && previous.left <= 0 ? size0 * 2 : size0;
    if (!previous && this.leases.size >= KEYS_MAX) this.leases.delete(this.leases.keys().next().value as string);
    // Tokens of a live lease granted meanwhile (concurrent requests) stay usable: the shared tat counts them too.
    const lease: Lease = {
      left: (live ? previous.left : 0) + size - 1,
      tat: now + shared.resetMs,
      expires: now + LEASE_TTL_MS,
      size: next,
    };
    this.leases.set(key, lease);
    return decisionAfter(lease.tat - lease.left * limits.intervalMs, now, limits, true);
  }
}
