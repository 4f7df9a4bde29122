import { currentTraceId } from '@platform/common';
import { enqueueEvent, type OutboxRelay } from '@platform/events';
import type { DataSource, EntityManager } from 'typeorm';
import type { SdgProgress, SdgRunResult } from '../pipelines/contract';
import { DataJobEntity } from './data-job.entity';
import { stateOf } from './data-job-status';
import { sdgEvents } from './sdg-events';
import { updateReturning } from './sql-rows';

export const SDG_SCHEMA = 'sdg';

export type ClaimResult =
  { kind: 'claimed'; job: DataJobEntity } | { kind: 'gone' } | { kind: 'held'; owner: string | null; expiresAt: Date | null };

/**
 * The job row's state changes that workers make. Every write after the claim is conditional on
 * `status = 'running' AND lease_owner = <me>`, so a canceled job, or one another worker took over after this one's
 * lease lapsed, is never written by the worker that lost it.
 */
export class DataJobStore {
  constructor(
    private readonly db: DataSource,
    private readonly relay?: Pick<OutboxRelay, 'nudge'>,
  ) {}

  find(id: string): Promise<DataJobEntity | null> {
    return this.db.getRepository(DataJobEntity).findOneBy({ id });
  }

  /** queued | running with a lapsed (or own) lease → running, owned by `owner` until now + leaseMs. */
  async claim(id: string, owner: string, leaseMs: number): Promise<ClaimResult> {
    const rows = await updateReturning(
      this.db,
      `UPDATE ${SDG_SCHEMA}.data_jobs
          SET status = 'running',
              state = CASE WHEN status = 'queued' THEN 'starting' ELSE state END,
              started_at = COALESCE(started_at, now()),
              lease_owner = $2,
              lease_expires_at = now() + ($3 * interval '1 millisecond'),
              attempts = attempts + 1
        WHERE id = $1
          AND (status = 'queued' OR (status = 'running' AND (lease_owner = $2 OR lease_expires_at IS NULL OR lease_expires_at <= now())))
        RETURNING id`,
      [id, owner, leaseMs],
    );
    const job = await this.find(id);
    if (rows.length > 0 && job) return { kind: 'claimed', job };
    if (!job || job.status !== 'running') return { kind: 'gone' };
    return { kind: 'held', owner: job.leaseOwner, expiresAt: job.leaseExpiresAt };
  }

  /** Extends the lease; false when the job is no longer this worker's to run (canceled, deleted or taken over). */
  async heartbeat(id: string, owner: string, leaseMs: number): Promise<boolean> {
    const rows = await updateReturning(
      this.db,
      `UPDATE ${SDG_SCHEMA}.data_jobs SET lease_expires_at = now() + ($3 * interval '1 millisecond')
        WHERE id = $1 AND status = 'running' AND lease_owner = $2 RETURNING id`,
      [id, owner, leaseMs],
    );
    return rows.length > 0;
  }

  /** Lets another worker take the job at once (graceful shutdown). */
  async release(id: string, owner: string): Promise<void> {
    await this.db.query(
      `UPDATE ${SDG_SCHEMA}.data_jobs SET lease_expires_at = now() WHERE id = $1 AND status = 'running' AND lease_owner = $2`,
      [id, owner],
    );
  }

  async setStage(id: string, owner: string, stage: string): Promise<boolean> {
    const rows = await updateReturning(
      this.db,
      `UPDATE ${SDG_SCHEMA}.data_jobs SET state = $3 WHERE id = $1 AND status = 'running' AND lease_owner = $2 RETURNING id`,
      [id, owner, stateOf(stage)],
    );
    return rows.length > 0;
  }

  /** Stores progress on the row and announces it, in one transaction. */
  async recordProgress(job: Pick<DataJobEntity, 'id' | 'projectId'>, owner: string, p: SdgProgress): Promise<boolean> {
    const ok = await this.db.transaction(async (m) => {
      const rows = await updateReturning(
        m,
        `UPDATE ${SDG_SCHEMA}.data_jobs SET state = $3, progress = $4::jsonb
          WHERE id = $1 AND status = 'running' AND lease_owner = $2 RETURNING id`,
        [job.id, owner, stateOf(p.stage), JSON.stringify(p)],
      );
      if (rows.length === 0) return false;
      await enqueueEvent(
        m,
        SDG_SCHEMA,
        sdgEvents.create('sdg.job.progress', { dataId: job.id, projectId: job.projectId, ...p }, { traceId: currentTraceId() }),
      );
      return true;
    });
    if (ok) this.relay?.nudge();
    return ok;
  }

  async complete(job: Pick<DataJobEntity, 'id' | 'projectId' | 'taxonomyId'>, owner: string, result: SdgRunResult): Promise<boolean> {
    const ok = await this.db.transaction(async (m) => {
      const rows = await updateReturning(
        m,
        `UPDATE ${SDG_SCHEMA}.data_jobs
            SET status = 'completed', state = '', completed_at = now(), samples = $3::jsonb, tokens = $4::jsonb,
                lease_owner = NULL, lease_expires_at = NULL
          WHERE id = $1 AND status = 'running' AND lease_owner = $2 RETURNING id`,
        [job.id, owner, JSON.stringify(result.samples), JSON.stringify(result.tokens)],
      );
      if (rows.length === 0) return false;
      await enqueueEvent(
        m,
        SDG_SCHEMA,
        sdgEvents.create(
          'sdg.job.completed',
          { dataId: job.id, projectId: job.projectId, taxonomyId: job.taxonomyId },
          { traceId: currentTraceId() },
        ),
      );
      return true;
    });
    if (ok) this.relay?.nudge();
    return ok;
  }

  async fail(job: Pick<DataJobEntity, 'id' | 'projectId'>, owner: string, reason: string): Promise<boolean> {
    const ok = await this.db.transaction(async (m) => {
      const rows = await updateReturning(
        m,
        `UPDATE ${SDG_SCHEMA}.data_jobs
            SET status = 'failed', completed_at = now(), failure_reason = $3, lease_owner = NULL, lease_expires_at = NULL
          WHERE id = $1 AND status = 'running' AND lease_owner = $2 RETURNING id`,
        [job.id, owner, reason.slice(0, 2000)],
      );
      if (rows.length === 0) return false;
      await enqueueEvent(
        m,
        SDG_SCHEMA,
        sdgEvents.create('sdg.job.failed', { dataId: job.id, projectId: job.projectId, reason }, { traceId: currentTraceId() }),
      );
      return true;
    });
    if (ok) this.relay?.nudge();
    return ok;
  }

  /** queued | running → canceled with its event, inside the caller's transaction; false when already finished. */
  async cancelIn(m: EntityManager, job: Pick<DataJobEntity, 'id' | 'projectId'>): Promise<boolean> {
    const rows = await updateReturning(
      m,
      `UPDATE ${SDG_SCHEMA}.data_jobs SET status = 'canceled', completed_at = now(), lease_owner = NULL, lease_expires_at = NULL
        WHERE id = $1 AND status IN ('queued', 'running') RETURNING id`,
      [job.id],
    );
    if (rows.length === 0) return false;
    await enqueueEvent(
      m,
      SDG_SCHEMA,
      sdgEvents.create('sdg.job.canceled', { dataId: job.id, projectId: job.projectId }, { traceId: currentTraceId() }),
    );
    return true;
  }
}
