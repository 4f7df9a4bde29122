import type { TrainingPhasesJson } from './jobs';

/**
 * The seed's `model_metrics` benchmarks (seed 000/002), as the evaluation service computes them (numbers rounded to
 * two decimals). The one declaration of this shape: the evaluation event carries it (`libs/events` parses it), the
 * training service stores it, the gateway answers with it and the CLI reads it.
 */
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

/** The four benchmarks of an evaluated model. */
export interface ModelMetrics {
  mmlu: MmluMetrics;
  mmlu_branch: BranchMetrics;
  mt_bench: MtBenchMetrics;
  mt_bench_branch: BranchMetrics;
}

export interface TrainingTokensJson {
  training_estimated: number;
  training_total: number;
  training_phases: TrainingPhasesJson;
}

/** A model's `model_metrics` on the API: the benchmarks once evaluated, the token counts from the start. */
export type ModelMetricsJson = Partial<ModelMetrics> & { tokens: TrainingTokensJson };
