import { defineEvents, type EventCatalog } from '../envelope';
import { parseMmluMetrics, parseModelMetrics, type MmluMetrics, type ModelMetrics } from './model-metrics';
import { objectOf, requiredString } from './payload';
import { parseCheckpointRef, type CheckpointRef } from './training-events';

export interface EvaluationModelEvaluated {
  modelId: string;
  projectId: string;
  bestCheckpoint: CheckpointRef;
  metrics: ModelMetrics;
}

export interface EvaluationModelFailed {
  modelId: string;
  projectId: string;
  reason: string;
}

/** A phase-1 checkpoint's MMLU score (informational; the training service may show it as progress). */
export interface EvaluationCheckpointEvaluated extends CheckpointRef {
  modelId: string;
  projectId: string;
  mmlu: MmluMetrics;
}

export type EvaluationEvents = {
  'evaluation.model.evaluated': EvaluationModelEvaluated;
  'evaluation.model.failed': EvaluationModelFailed;
  'evaluation.checkpoint.evaluated': EvaluationCheckpointEvaluated;
};

export const evaluationEvents: EventCatalog<EvaluationEvents> = defineEvents<EvaluationEvents>();

/** The same events under another subject prefix (tests isolate themselves on their own stream this way). */
export function evaluationEventsWithPrefix(subjectPrefix: string): EventCatalog<EvaluationEvents> {
  return defineEvents<EvaluationEvents>({ subjectPrefix });
}

/** Checks an `evaluation.model.evaluated` payload, metrics included; throws `PermanentEventError` when malformed. */
export function parseModelEvaluated(data: unknown): EvaluationModelEvaluated {
  const type = 'evaluation.model.evaluated';
  const o = objectOf(data, type);
  return {
    modelId: requiredString(o, 'modelId', type),
    projectId: requiredString(o, 'projectId', type),
    bestCheckpoint: parseCheckpointRef(objectOf(o.bestCheckpoint, type, 'bestCheckpoint'), type),
    metrics: parseModelMetrics(o.metrics, type),
  };
}

/** Checks an `evaluation.model.failed` payload; throws `PermanentEventError` when malformed. */
export function parseModelEvaluationFailed(data: unknown): EvaluationModelFailed {
  const type = 'evaluation.model.failed';
  const o = objectOf(data, type);
  return {
    modelId: requiredString(o, 'modelId', type),
    projectId: requiredString(o, 'projectId', type),
    reason: requiredString(o, 'reason', type),
  };
}

/** Checks an `evaluation.checkpoint.evaluated` payload; throws `PermanentEventError` when malformed. */
export function parseCheckpointEvaluated(data: unknown): EvaluationCheckpointEvaluated {
  const type = 'evaluation.checkpoint.evaluated';
  const o = objectOf(data, type);
  return {
    modelId: requiredString(o, 'modelId', type),
    projectId: requiredString(o, 'projectId', type),
    ...parseCheckpointRef(o, type),
    mmlu: parseMmluMetrics(o.mmlu, type),
  };
}
