import type { EventEnvelope } from '@platform/events';
import type { LeasedWrite } from '@platform/jobs';
import type { EntityManager } from 'typeorm';
import { ModelJobEntity, type StoredCheckpoint, type StoredProgress } from '../model-job.entity';
import { TRAINING_SCHEMA } from '../model-jobs.service';
import type { TrainingEventCatalog } from '../training-events';

/**
 * A worker's writes to its job row. Each runs inside the job runner's transaction, which holds the row only while
 * the worker still owns the job (a cancel, a delete or a takeover wins), and returns the events announced with it.
 */
export class TrainingJobWrites {
  constructor(private readonly events: TrainingEventCatalog) {}

  state(id: string, state: string, progress?: StoredProgress | null): LeasedWrite {
    return async (m) => {
      await m.update(ModelJobEntity, { id }, { state, modifiedAt: () => 'now()', ...(progress !== undefined ? { progress } : {}) });
    };
  }

  /** The runner's progress writer: the row only, no event (steps are too frequent to announce). */
  readonly progress = async (m: EntityManager, job: Pick<ModelJobEntity, 'id'>, progress: StoredProgress): Promise<void> => {
    await m.update(ModelJobEntity, { id: job.id }, { progress });
  };

  phaseTokens(id: string, phase: 1 | 2, tokens: number): LeasedWrite {
    return async (m) => {
      await m.update(ModelJobEntity, { id }, phase === 1 ? { tokensPhase1: tokens } : { tokensPhase2: tokens });
    };
  }

  /** Records an uploaded checkpoint (replacing one of the same epoch from an earlier attempt) and announces it. */
  checkpoint(job: ModelJobEntity, cp: StoredCheckpoint): LeasedWrite {
    return async (m): Promise<EventEnvelope[]> => {
      await m.query(
        `UPDATE ${TRAINING_SCHEMA}.model_jobs
            SET checkpoints = (SELECT coalesce(jsonb_agg(c), '[]'::jsonb) FROM jsonb_array_elements(checkpoints) c
                                WHERE NOT ((c->>'phase')::int = $2 AND (c->>'epoch')::int = $3)) || jsonb_build_array($4::jsonb),
                modified_at = now()
          WHERE id = $1`,
        [job.id, cp.phase, cp.epoch, JSON.stringify(cp)],
      );
      return [
        this.events.create('training.checkpoint.saved', {
          modelId: job.id,
          projectId: job.projectId ?? '',
          phase: cp.phase,
          epoch: cp.epoch,
          objectPrefix: cp.objectPrefix,
        }),
      ];
    };
  }

  /** Phase 2 is saved: the worker's part is done and the job waits for evaluation to choose among the candidates. */
  trained(job: ModelJobEntity, candidates: StoredCheckpoint[]): LeasedWrite {
    return async (m): Promise<EventEnvelope[]> => {
      await m.update(ModelJobEntity, { id: job.id }, { state: 'evaluating', modifiedAt: () => 'now()' });
      return [
        this.events.create('training.job.trained', {
          modelId: job.id,
          projectId: job.projectId ?? '',
          dataId: job.dataId ?? '',
          taxonomyId: job.taxonomyId,
          baseModel: job.baseModel,
          candidates: candidates.map((c) => ({ phase: c.phase, epoch: c.epoch, objectPrefix: c.objectPrefix })),
        }),
      ];
    };
  }
}
