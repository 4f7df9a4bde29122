import type { Pool } from 'pg';
import { decisionAfter, type BucketDecision, type BucketLimits } from './token-bucket';

/**
 * takeToken() of token-bucket.ts as one statement on the table every gateway replica shares, timed by the database's
 * clock so replicas with skewed clocks agree. The update only happens when the token is granted; the old `tat` read
 * beside it (the statement's snapshot) says when a refused caller may retry.
 */
const TAKE = `
  WITH clock AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::double precision AS now),
  taken AS (
    INSERT INTO identity.rate_limit_buckets AS b (key, tat)
    SELECT $1, clock.now + $2 FROM clock
    ON CONFLICT (key) DO UPDATE SET tat = GREATEST(b.tat, (SELECT now FROM clock)) + $2
      WHERE GREATEST(b.tat, (SELECT now FROM clock)) + $2 - (SELECT now FROM clock) <= $3
    RETURNING tat
  )
  SELECT (SELECT now FROM clock) AS now, (SELECT tat FROM taken) AS granted,
         (SELECT tat FROM identity.rate_limit_buckets WHERE key = $1) AS previous`;

/** A bucket whose tat has passed is full, the same as no row: those rows are dropped now and then. */
const SWEEP = `DELETE FROM identity.rate_limit_buckets WHERE tat < extract(epoch FROM clock_timestamp()) * 1000 - $1`;

interface TakeRow {
  now: number;
  granted: number | null;
  previous: number | null;
}

export class PostgresTokenBuckets {
  constructor(private readonly pool: Pool) {}

  /** Takes `tokens` at once (a lease, token-leases.ts), all or none. */
  async take(key: string, limits: BucketLimits, tokens = 1): Promise<BucketDecision> {
    const { rows } = await this.pool.query<TakeRow>({
      name: 'rate-limit-take',
      text: TAKE,
      values: [key, tokens * limits.intervalMs, limits.burst * limits.intervalMs],
    });
    const { now, granted, previous } = rows[0];
    if (granted !== null) return decisionAfter(Number(granted), Number(now), limits, true);
    // Refused: `previous` is the tat that refused it (absent only if another replica's sweep just ran: one interval).
    const after = Math.max(previous === null ? Number(now) : Number(previous), Number(now)) + limits.intervalMs;
    return decisionAfter(after, Number(now), limits, false);
  }

  /** Removes buckets that have been full for `idleMs`. */
  async sweep(idleMs: number): Promise<number> {
    const res = await this.pool.query({ name: 'rate-limit-sweep', text: SWEEP, values: [idleMs] });
    return res.rowCount ?? 0;
  }
}
