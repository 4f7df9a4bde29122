import { defineEvents, type EventCatalog } from '../envelope';
import { fail, nonNegativeInt, objectOf, requiredString } from './payload';

/**
 * What the training service announces (brief "Events"): each saved checkpoint, the end of a job's training with
 * every phase-2 candidate (which the evaluation service turns into `evaluation.model.evaluated` / `.failed`), and
 * each job's final state.
 */
export interface CheckpointRef {
  phase: number;
  epoch: number;
  /** `trained_models/<model_id>/artifacts/phase<phase>/epoch-<epoch>/`: an engine-loadable HF directory. */
  objectPrefix: string;
}

export interface TrainingCheckpointSaved extends CheckpointRef {
  modelId: string;
  projectId: string;
}

export interface TrainingJobTrained {
  modelId: string;
  projectId: string;
  dataId: string;
  taxonomyId: string;
  /** Catalog model id of the base model (served by the inference service). */
  baseModel: string;
  /** Bucket prefix of the base model's HF directory, when it lives in the bucket. */
  baseModelPrefix?: string;
  candidates: CheckpointRef[];
}

/** `training.job.completed`, `.failed` and `.canceled`: the job reached that final status. */
export interface TrainingJobFinished {
  modelId: string;
  projectId: string;
  status: 'completed' | 'failed' | 'canceled';
  reason?: string;
}

export interface TrainingJobDeleted {
  modelId: string;
  projectId: string;
}

export type TrainingEvents = {
  'training.checkpoint.saved': TrainingCheckpointSaved;
  'training.job.trained': TrainingJobTrained;
  'training.job.completed': TrainingJobFinished;
  'training.job.failed': TrainingJobFinished;
  'training.job.canceled': TrainingJobFinished;
  'training.job.deleted': TrainingJobDeleted;
};

export const trainingEvents: EventCatalog<TrainingEvents> = defineEvents<TrainingEvents>();

/** The same events under another subject prefix (tests isolate themselves on their own stream this way). */
export function trainingEventsWithPrefix(subjectPrefix: string): EventCatalog<TrainingEvents> {
  return defineEvents<TrainingEvents>({ subjectPrefix });
}

export function parseCheckpointRef(o: Record<string, unknown>, type: string): CheckpointRef {
  const objectPrefix = requiredString(o, 'objectPrefix', type);
  return {
    phase: nonNegativeInt(o, 'phase', type),
    epoch: nonNegativeInt(o, 'epoch', type),
    objectPrefix: objectPrefix.endsWith('/') ? objectPrefix : `${objectPrefix}/`,
  };
}

/** Checks a `training.checkpoint.saved` payload; throws `PermanentEventError` (poison) when it is malformed. */
export function parseCheckpointSaved(data: unknown): TrainingCheckpointSaved {
  const type = 'training.checkpoint.saved';
  const o = objectOf(data, type);
  return { modelId: requiredString(o, 'modelId', type), projectId: requiredString(o, 'projectId', type), ...parseCheckpointRef(o, type) };
}

/** Checks a `training.job.trained` payload; throws `PermanentEventError` (poison) when it is malformed. */
export function parseJobTrained(data: unknown): TrainingJobTrained {
  const type = 'training.job.trained';
  const o = objectOf(data, type);
  if (!Array.isArray(o.candidates) || o.candidates.length === 0) fail(type, 'candidates must be a non-empty array');
  const parsed: TrainingJobTrained = {
    modelId: requiredString(o, 'modelId', type),
    projectId: requiredString(o, 'projectId', type),
    dataId: requiredString(o, 'dataId', type),
    taxonomyId: requiredString(o, 'taxonomyId', type),
    baseModel: requiredString(o, 'baseModel', type),
    candidates: o.candidates.map((c) => parseCheckpointRef(objectOf(c, type, 'candidate'), type)),
  };
  if (typeof o.baseModelPrefix === 'string' && o.baseModelPrefix.trim() !== '') parsed.baseModelPrefix = o.baseModelPrefix;
  return parsed;
}
