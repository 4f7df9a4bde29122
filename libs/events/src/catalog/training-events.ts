import { defineEvents, type EventCatalog } from '../envelope';
import { PermanentEventError } from '../errors';

/**
 * What the training service announces (brief "Events"): each saved checkpoint, and the end of a job's training with
 * every phase-2 candidate, which the evaluation service turns into `evaluation.model.evaluated` / `.failed`.
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

export type TrainingEvents = {
  'training.checkpoint.saved': TrainingCheckpointSaved;
  'training.job.trained': TrainingJobTrained;
};

export const trainingEvents: EventCatalog<TrainingEvents> = defineEvents<TrainingEvents>();

function fail(type: string, message: string): never {
  throw new PermanentEventError(`${type}: ${message}`);
}

function objectOf(data: unknown, type: string): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) fail(type, 'data must be an object');
  return data as Record<string, unknown>;
}

function str(o: Record<string, unknown>, key: string, type: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.trim() === '') fail(type, `${key} must be a non-empty string`);
  return v;
}

function int(o: Record<string, unknown>, key: string, type: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail(type, `${key} must be a non-negative integer`);
  return v;
}

function checkpoint(o: Record<string, unknown>, type: string): CheckpointRef {
  const objectPrefix = str(o, 'objectPrefix', type);
  return {
    phase: int(o, 'phase', type),
    epoch: int(o, 'epoch', type),
    objectPrefix: objectPrefix.endsWith('/') ? objectPrefix : `${objectPrefix}/`,
  };
}

/** Checks a `training.checkpoint.saved` payload; throws `PermanentEventError` (poison) when it is malformed. */
export function parseCheckpointSaved(data: unknown): TrainingCheckpointSaved {
  const type = 'training.checkpoint.saved';
  const o = objectOf(data, type);
  return { modelId: str(o, 'modelId', type), projectId: str(o, 'projectId', type), ...checkpoint(o, type) };
}

/** Checks a `training.job.trained` payload; throws `PermanentEventError` (poison) when it is malformed. */
export function parseJobTrained(data: unknown): TrainingJobTrained {
  const type = 'training.job.trained';
  const o = objectOf(data, type);
  if (!Array.isArray(o.candidates) || o.candidates.length === 0) fail(type, 'candidates must be a non-empty array');
  const parsed: TrainingJobTrained = {
    modelId: str(o, 'modelId', type),
    projectId: str(o, 'projectId', type),
    dataId: str(o, 'dataId', type),
    taxonomyId: str(o, 'taxonomyId', type),
    baseModel: str(o, 'baseModel', type),
    candidates: o.candidates.map((c) => checkpoint(objectOf(c, type), type)),
  };
  if (typeof o.baseModelPrefix === 'string' && o.baseModelPrefix.trim() !== '') parsed.baseModelPrefix = o.baseModelPrefix;
  return parsed;
}
