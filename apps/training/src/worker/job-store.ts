import { currentTraceId } from '@platform/common';
import { enqueueEvent, type ModelMetrics, type OutboxRelay } from '@platform/events';
import type { DataSource } from 'typeorm';
import { ModelJobEntity, type StoredCheckpoint, type StoredProgress } from '../model-job.entity';
import { TRAINING_SCHEMA } from '../model-jobs.service';
import type { TrainingEventCatalog } from '../training-events';

/** The worker's writes to a job row; every announced change commits with its event (outbox). */
export class JobStore {
  constructor(
    private readonly db: DataSource,
    private readonly relay: OutboxRelay,
    private readonly events: TrainingEventCatalog,
  ) {}

  find(id: string): Promise<ModelJobEntity | null> {
    return this.db.getRepository(ModelJobEntity).findOneBy({ id });
  }

  /** Takes a queued or running (crashed-worker) job; null when it was canceled, finished or deleted meanwhile. */
  async claim(id: string): Promise<ModelJobEntity | null> {
    const rows = (await this.db.query(
      `UPDATE ${TRAINING_SCHEMA}.model_jobs
          SET status = 'running', attempts = attempts + 1, running_at = coalesce(running_at, now()), modified_at = now(),
              state = CASE WHEN state = '' THEN 'preparing' ELSE state END
        WHERE id = $1 AND status IN ('queued', 'running')
        RETURNING id`,
      [id],
    )) as [{ id: string }[], number];
    return rows[0].length ? this.find(id) : null;
  }

  /** Only a running job's state moves; a cancel or delete in between wins. */
  async setState(id: string, state: string, progress?: StoredProgress | null): Promise<void> {
    await this.db
      .createQueryBuilder()
      .update(ModelJobEntity)
      .set({ state, modifiedAt: () => 'now()', ...(progress !== undefined ? { progress } : {}) })
      .where("id = :id AND status = 'running'", { id })
      .execute();
  }

  async setProgress(id: string, progress: StoredProgress): Promise<void> {
    await this.db.createQueryBuilder().update(ModelJobEntity).set({ progress }).where("id = :id AND status = 'running'", { id }).execute();
  }

  async setPhaseTokens(id: string, phase: 1 | 2, tokens: number): Promise<void> {
    await this.db
      .createQueryBuilder()
      .update(ModelJobEntity)
      .set(phase === 1 ? { tokensPhase1: tokens } : { tokensPhase2: tokens })
      .where('id = :id', { id })
      .execute();
  }

  /** Records an uploaded checkpoint and announces it; false when the job stopped running meanwhile. */
  async addCheckpoint(job: ModelJobEntity, cp: StoredCheckpoint): Promise<boolean> {
    const done = await this.db.transaction(async (m) => {
      const res = (await m.query(
        `UPDATE ${TRAINING_SCHEMA}.model_jobs
            SET checkpoints = (SELECT coalesce(jsonb_agg(c), '[]'::jsonb) FROM jsonb_array_elements(checkpoints) c
                                WHERE NOT ((c->>'phase')::int = $2 AND (c->>'epoch')::int = $3)) || jsonb_build_array($4::jsonb),
                modified_at = now()
          WHERE id = $1 AND status = 'running'
          RETURNING id`,
        [job.id, cp.phase, cp.epoch, JSON.stringify(cp)],
      )) as [{ id: string }[], number];
      if (!res[0].length) return false;
      await enqueueEvent(
        m,
        TRAINING_SCHEMA,
        this.events.create(
          'training.checkpoint.saved',
          { modelId: job.id, projectId: job.projectId, phase: cp.phase, epoch: cp.epoch, objectPrefix: cp.objectPrefix },
          { traceId: currentTraceId() },
        ),
      );
      return true;
    });
    this.relay.nudge();
    return done;
  }

  /** Phase 2 is saved: the job waits for evaluation to choose among the phase-2 checkpoints. */
  async markTrained(job: ModelJobEntity, candidates: StoredCheckpoint[]): Promise<boolean> {
    const done = await this.db.transaction(async (m) => {
      const res = await m
        .createQueryBuilder()
        .update(ModelJobEntity)
        .set({ state: 'evaluating', modifiedAt: () => 'now()' })
        .where("id = :id AND status = 'running'", { id: job.id })
        .execute();
      if (!res.affected) return false;
      await enqueueEvent(
        m,
        TRAINING_SCHEMA,
        this.events.create(
          'training.job.trained',
          {
            modelId: job.id,
            projectId: job.projectId,
            dataId: job.dataId,
            taxonomyId: job.taxonomyId,
            baseModel: job.baseModel,
            candidates: candidates.map((c) => ({ phase: c.phase, epoch: c.epoch, objectPrefix: c.objectPrefix })),
          },
          { traceId: currentTraceId() },
        ),
      );
      return true;
    });
    this.relay.nudge();
    return done;
  }

  async fail(job: Pick<ModelJobEntity, 'id' | 'projectId'>, reason: string): Promise<boolean> {
    const done = await this.db.transaction(async (m) => {
      const res = await m
        .createQueryBuilder()
        .update(ModelJobEntity)
        .set({
          status: 'failed',
          state: 'failed',
          failureReason: reason.slice(0, 2000),
          completedAt: () => 'now()',
          modifiedAt: () => 'now()',
        })
        .where("id = :id AND status IN ('queued', 'running')", { id: job.id })
        .execute();
      if (!res.affected) return false;
      await enqueueEvent(
        m,
        TRAINING_SCHEMA,
        this.events.create(
          'training.job.failed',
          { modelId: job.id, projectId: job.projectId, status: 'failed', reason },
          { traceId: currentTraceId() },
        ),
      );
      return true;
    });
    this.relay.nudge();
    return done;
  }

  /** The evaluated model is in place: completed, with its metrics. */
  async complete(job: ModelJobEntity, best: StoredCheckpoint, metrics: ModelMetrics): Promise<boolean> {
    const done = await this.db.transaction(async (m) => {
      const res = await m
        .createQueryBuilder()
        .update(ModelJobEntity)
        .set({
          status: 'completed',
          state: 'completed',
          bestCheckpoint: best,
          evalMetrics: metrics,
          completedAt: () => 'now()',
          modifiedAt: () => 'now()',
        })
        .where("id = :id AND status = 'running'", { id: job.id })
        .execute();
      if (!res.affected) return false;
      await enqueueEvent(
        m,
        TRAINING_SCHEMA,
        this.events.create(
          'training.job.completed',
          { modelId: job.id, projectId: job.projectId, status: 'completed' },
          { traceId: currentTraceId() },
        ),
      );
      return true;
    });
    this.relay.nudge();
    return done;
  }
}
