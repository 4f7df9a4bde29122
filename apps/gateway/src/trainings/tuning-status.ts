import type { DataReferenceJson, TuningState, TuningStatusJson } from '@platform/api-types';
import { type trainingV1 } from '@platform/contracts';
import { statusName } from '../models/model-view';
import { jsonObjectOf } from '../deployments/resource-metadata';

const STEPS = new Set(['pending', 'running', 'storing']);

/** watsonx's TrainingStatus.state of a tuning: the job's status, its step (pending, running, storing) while it runs. */
export function tuningState(j: trainingV1.ModelJob): TuningState {
  const status = statusName(j.status);
  if (status === 'running') return STEPS.has(j.state) ? (j.state as TuningState) : 'running';
  return status;
}

/** The seed's `status` of a training: state, times, a message, the per-epoch metrics and, when it failed, why. */
export function tuningStatusView(j: trainingV1.ModelJob): TuningStatusJson {
  const state = tuningState(j);
  const metrics = j.tuning?.metrics ?? [];
  return {
    state,
    ...(j.runningAt ? { running_at: j.runningAt.toISOString() } : {}),
    ...(j.completedAt ? { completed_at: j.completedAt.toISOString() } : {}),
    message: { level: state === 'failed' ? 'error' : 'info', text: `Training job ${j.id} ${state}` },
    ...(metrics.length
      ? {
          metrics: metrics.map((m) => ({
            iteration: m.iteration,
            ml_metrics: { loss: m.loss, ...(m.rewardMargin !== undefined ? { reward_margin: m.rewardMargin } : {}) },
            ...(m.timestamp ? { timestamp: m.timestamp.toISOString() } : {}),
          })),
        }
      : {}),
    ...(state === 'failed'
      ? {
          failure: { trace: j.id, errors: [{ code: 'training_failed', message: j.failureReason || 'Training failed.' }], status_code: 500 },
        }
      : {}),
  };
}

/** A data reference list the training service keeps as JSON text ([] when empty or not a list). */
export function referencesOf(text: string | undefined): DataReferenceJson[] {
  if (!text) return [];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? (value as DataReferenceJson[]) : [];
  } catch {
    return [];
  }
}

/** One data reference kept as JSON text (an empty container reference when unset). */
export function referenceOf(text: string | undefined): DataReferenceJson {
  const value = jsonObjectOf(text ?? '');
  return value ? (value as unknown as DataReferenceJson) : { type: 'container', location: {} };
}

/** The tuning's `custom`, when one was given. */
export const customOf = (j: trainingV1.ModelJob) => jsonObjectOf(j.tuning?.customJson ?? '');
