import type { DataSource, EntityManager, EntityTarget, FindOptionsWhere } from 'typeorm';
import { updateReturning } from './update-returning';

/**
 * The job table a runner works on. It needs these columns, as in `sdg.data_jobs` and `training.model_jobs`:
 * `id uuid`, `status text` ('queued' | 'running' | … | 'failed'), `attempts int`, `lease_owner text NULL`,
 * `lease_expires_at timestamptz NULL`, `failure_reason text`, `completed_at timestamptz NULL`.
 */
export interface JobTable<J extends { id: string }> {
  /** The service's schema: the table's and its outbox's. */
  schema: string;
  /** The TypeORM entity of the table (the runner reads claimed rows through it). */
  entity: EntityTarget<J>;
  /** SQL assignments added to a claim, e.g. `started_at = COALESCE(started_at, now())` (the right side sees the old row). */
  onClaim?: readonly string[];
  /** SQL assignments added to the terminal failure, e.g. `state = 'failed'`. */
  onFail?: readonly string[];
  /** A condition the row must also meet to be claimed, e.g. `state <> 'evaluating'` once the worker's part is done. */
  claimableWhen?: string;
}

export type ClaimResult =
  { kind: 'claimed'; attempts: number } | { kind: 'gone' } | { kind: 'held'; owner: string | null; expiresAt: Date | null };

/** Why a held job stopped being this worker's: ended by someone else (canceled, deleted, finished), or taken over. */
export type LostReason = 'canceled' | 'lease-lost';

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The lease statements on one job table. Every write a worker makes after its claim is conditional on
 * `status = 'running' AND lease_owner = <owner>`, so a canceled job, or one another worker took over after this
 * one's lease lapsed, is never written by the worker that lost it.
 */
export class LeasedJobTable<J extends { id: string }> {
  readonly schema: string;
  private readonly qualified: string;

  constructor(
    private readonly db: DataSource,
    private readonly spec: JobTable<J>,
  ) {
    const table = db.getMetadata(spec.entity).tableName;
    if (!IDENT.test(spec.schema) || !IDENT.test(table)) throw new Error(`invalid job table ${spec.schema}.${table}`);
    this.schema = spec.schema;
    this.qualified = `${spec.schema}.${table}`;
  }

  find(id: string): Promise<J | null> {
    return this.db.getRepository(this.spec.entity).findOneBy({ id } as FindOptionsWhere<J>);
  }

  /**
   * queued, or running with a lapsed lease (its worker died) → running, owned by `owner` until now + leaseMs, one
   * more attempt.
   */
  async claim(id: string, owner: string, leaseMs: number): Promise<ClaimResult> {
    const sets = [
      "status = 'running'",
      'lease_owner = $2',
      "lease_expires_at = now() + ($3 * interval '1 millisecond')",
      'attempts = attempts + 1',
    ];
    const rows = await updateReturning<{ attempts: number }>(
      this.db,
      `UPDATE ${this.qualified} SET ${[...sets, ...(this.spec.onClaim ?? [])].join(', ')}
        WHERE id = $1 AND ${this.claimable}
          AND (status = 'queued' OR (status = 'running' AND (lease_expires_at IS NULL OR lease_expires_at <= now())))
        RETURNING attempts`,
      [id, owner, leaseMs],
    );
    if (rows.length > 0) return { kind: 'claimed', attempts: rows[0].attempts };
    const [row] = (await this.db.query(
      `SELECT status, lease_owner, lease_expires_at, ${this.claimable} AS claimable FROM ${this.qualified} WHERE id = $1`,
      [id],
    )) as { status: string; lease_owner: string | null; lease_expires_at: Date | null; claimable: boolean }[];
    if (!row || row.status !== 'running' || !row.claimable) return { kind: 'gone' };
    return { kind: 'held', owner: row.lease_owner, expiresAt: row.lease_expires_at };
  }

  /** Extends the lease; the reason when the job is no longer this worker's to run. */
  async heartbeat(id: string, owner: string, leaseMs: number): Promise<LostReason | undefined> {
    const rows = await updateReturning(
      this.db,
      `UPDATE ${this.qualified} SET lease_expires_at = now() + ($3 * interval '1 millisecond')
        WHERE id = $1 AND status = 'running' AND lease_owner = $2 RETURNING id`,
      [id, owner, leaseMs],
    );
    return rows.length > 0 ? undefined : this.lostReason(this.db, id);
  }

  /**
   * Locks the row for the caller's transaction when this worker still holds the job; otherwise why not. A cancel
   * that comes later waits for the lock, so it cannot slip between this check and the caller's writes.
   */
  async lock(m: EntityManager, id: string, owner: string): Promise<LostReason | undefined> {
    const [row] = (await m.query(`SELECT status, lease_owner FROM ${this.qualified} WHERE id = $1 FOR UPDATE`, [id])) as {
      status: string;
      lease_owner: string | null;
    }[];
    if (!row || row.status !== 'running') return 'canceled';
    return row.lease_owner === owner ? undefined : 'lease-lost';
  }

  /** Clears the lease inside a transaction that holds the row's lock (the job's last write). */
  async clearLease(m: EntityManager, id: string): Promise<void> {
    await m.query(`UPDATE ${this.qualified} SET lease_owner = NULL, lease_expires_at = NULL WHERE id = $1`, [id]);
  }

  /** Lets another worker take the job at once (shutdown, a retry, or the worker's part done). */
  async release(id: string, owner: string): Promise<void> {
    await this.db.query(`UPDATE ${this.qualified} SET lease_owner = NULL, lease_expires_at = NULL WHERE id = $1 AND lease_owner = $2`, [
      id,
      owner,
    ]);
  }

  /** running → failed with its reason (failureReason's, bounded by the runner), inside a transaction that holds the row's lock. */
  async markFailed(m: EntityManager, id: string, reason: string): Promise<void> {
    const sets = ["status = 'failed'", 'failure_reason = $2', 'completed_at = now()', ...(this.spec.onFail ?? [])];
    await m.query(`UPDATE ${this.qualified} SET ${sets.join(', ')} WHERE id = $1`, [id, reason]);
  }

  private get claimable(): string {
    return this.spec.claimableWhen ? `(${this.spec.claimableWhen})` : 'true';
  }

  private async lostReason(q: DataSource | EntityManager, id: string): Promise<LostReason> {
    const [row] = (await q.query(`SELECT status FROM ${this.qualified} WHERE id = $1`, [id])) as { status: string }[];
    return !row || row.status !== 'running' ? 'canceled' : 'lease-lost';
  }
}
