import type { EventEnvelope } from '@platform/events';
import type { LeasedWrite } from '@platform/jobs';
import { ModelJobEntity, type StoredCheckpoint, type StoredProgress } from '../model-job.entity';
import { TRAINING_SCHEMA } from '../model-jobs.service';
import type { TrainingEventCatalog } from '../training-events';
import type { StoredTuning, StoredTuningMetric } from './stored-tuning';
import { containerId } from './tuning-container';

/**
 * A tuning worker's writes to its row, each inside the job runner's leased transaction. Tuning checkpoints are not
 * announced as `training.checkpoint.saved`: that event starts the evaluation service's InstructLab benchmarks.
 */
export class TuningJobWrites {
  constructor(private readonly events: TrainingEventCatalog) {}

  state(id: string, state: 'pending' | 'running' | 'storing', progress?: StoredProgress): LeasedWrite {
    return async (m) => {
      await m.update(ModelJobEntity, { id }, { state, modifiedAt: () => 'now()', ...(progress ? { progress } : {}) });
    };
  }

  /** Merges top-level keys into the `tuning` column (result_prefix, model_asset_id, results_reference). */
  tuning(id: string, patch: Partial<StoredTuning>, state?: 'storing'): LeasedWrite {
    return async (m) => {
      await m.query(
        `UPDATE ${TRAINING_SCHEMA}.model_jobs SET tuning = tuning || $2::jsonb, state = coalesce($3, state), modified_at = now() WHERE id = $1`,
        [id, JSON.stringify(patch), state ?? null],
      );
    };
  }

  /** An uploaded epoch and its metrics, replacing those of the same epoch from an earlier attempt. */
  checkpoint(id: string, cp: StoredCheckpoint, metric: StoredTuningMetric): LeasedWrite {
    return async (m) => {
      await m.query(
        `UPDATE ${TRAINING_SCHEMA}.model_jobs
            SET checkpoints = (SELECT coalesce(jsonb_agg(c), '[]'::jsonb) FROM jsonb_array_elements(checkpoints) c
                                WHERE (c->>'epoch')::int <> $2) || jsonb_build_array($3::jsonb),
                tuning = jsonb_set(tuning, '{metrics}',
                           (SELECT coalesce(jsonb_agg(x), '[]'::jsonb) FROM jsonb_array_elements(tuning->'metrics') x
                             WHERE (x->>'iteration')::int <> $5) || jsonb_build_array($4::jsonb)),
                modified_at = now()
          WHERE id = $1`,
        [id, cp.epoch, JSON.stringify(cp), JSON.stringify(metric), metric.iteration],
      );
    };
  }

  completed(job: ModelJobEntity): LeasedWrite {
    return async (m): Promise<EventEnvelope[]> => {
      await m.update(
        ModelJobEntity,
        { id: job.id },
        { status: 'completed', state: 'completed', completedAt: () => 'now()', modifiedAt: () => 'now()' },
      );
      return [this.events.create('training.job.completed', { modelId: job.id, projectId: containerId(job), status: 'completed' })];
    };
  }
}
