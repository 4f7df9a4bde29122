import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The state every gateway replica shares for rate limiting. UNLOGGED: written on every request, so it skips the WAL
 * (no flush per request); a crash or failover empties it, which only gives every caller a full bucket.
 */
export class RateLimits1763900000010 implements MigrationInterface {
  name = 'RateLimits1763900000010';

  async up(q: QueryRunner): Promise<void> {
    // One token bucket per caller and route class: `tat` is when it is full again (ms since the epoch, GCRA).
    await q.query(`
      CREATE UNLOGGED TABLE identity.rate_limit_buckets (
        key text PRIMARY KEY,
        tat double precision NOT NULL
      )`);
    // rate-limiter-flexible's PostgreSQL table, created here rather than by the library at start-up.
    await q.query(`
      CREATE UNLOGGED TABLE identity.sign_in_limits (
        key varchar(255) PRIMARY KEY,
        points integer NOT NULL DEFAULT 0,
        expire bigint
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE identity.sign_in_limits');
    await q.query('DROP TABLE identity.rate_limit_buckets');
  }
}
