import { defineEvents, type EventCatalog } from '../envelope';
import type { CheckpointRef } from './training-events';

/** Seed 000/002 `model_metrics` members written by the evaluation service (numbers rounded to 2 decimals). */
export interface MmluMetrics {
  /** Unweighted mean of the subject accuracies (0–1). */
  overall_average: number;
  /** Subject (`mmlu_<subject>`) → accuracy. */
  scores: Record<string, number>;
}

/** Task (or qna.yaml path) → Δ = trained − base. */
export interface BranchMetrics {
  improvements: Record<string, number>;
  regressions: Record<string, number>;
  no_change: Record<string, number>;
  /** Share of items that gave no usable result (unparseable judgment, failed call), 0–1. */
  error_rate: number;
}

export interface MtBenchMetrics {
  error_rate: number;
  /** Mean of every parsed judgment (1–10), both turns; 0 when none parsed (then error_rate is 1). */
  overall_average: number;
  scores: { turn_one: number; turn_two: number };
}

export interface ModelMetrics {
  mmlu: MmluMetrics;
  mmlu_branch: BranchMetrics;
  mt_bench: MtBenchMetrics;
  mt_bench_branch: BranchMetrics;
}

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
