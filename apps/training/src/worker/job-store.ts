import { enqueueEvent, type EventEnvelope, type ModelMetrics, type OutboxRelay } from '@platform/events';
import { failureReason } from '@platform/jobs';
import type { DataSource } from 'typeorm';
import { ModelJobEntity, type StoredCheckpoint } from '../model-job.entity';
import { TRAINING_SCHEMA } from '../model-jobs.service';
import type { TrainingEventCatalog } from '../training-events';

/**
 * The writes to a job row after the worker's part (the evaluation verdict); every announced change commits with its
 * event (outbox). The worker's own writes go through the job runner's lease (training-job-writes.ts).
 */
export class JobStore {
  constructor(
    private readonly db: DataSource,
    private readonly relay: OutboxRelay,
    private readonly events: TrainingEventCatalog,
  ) {}

  find(id: string): Promise<ModelJobEntity | null> {
    return this.db.getRepository(ModelJobEntity).findOneBy({ id });
  }

  /** The `training.job.failed` event, also the job runner's when training itself fails. */
  failedEvent(job: Pick<ModelJobEntity, 'id' | 'projectId'> & Partial<Pick<ModelJobEntity, 'spaceId'>>, reason: string): EventEnvelope {
    // A space tuning announces its space's id (the payload's projectId names the container).
    const projectId = job.projectId ?? job.spaceId ?? '';
    return this.events.create('training.job.failed', { modelId: job.id, projectId, status: 'failed', reason });
  }

  async fail(job: Pick<ModelJobEntity, 'id' | 'projectId'> & Partial<Pick<ModelJobEntity, 'spaceId'>>, message: string): Promise<boolean> {
    const reason = failureReason(message);
    const done = await this.db.transaction(async (m) => {
      const res = await m
        .createQueryBuilder()
        .update(ModelJobEntity)
        .set({
          status: 'failed',
          state: 'failed',
          failureReason: reason,
          completedAt: () => 'now()',
          modifiedAt: () => 'now()',
        })
        .where("id = :id AND status IN ('queued', 'running')", { id: job.id })
        .execute();
      if (!res.affected) return false;
      await enqueueEvent(m, TRAINING_SCHEMA, this.failedEvent(job, reason));
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
        this.events.create('training.job.completed', { modelId: job.id, projectId: job.projectId ?? '', status: 'completed' }),
      );
      return true;
    });
    this.relay.nudge();
    return done;
  }
}
