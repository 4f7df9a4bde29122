import type { BranchMetrics, MmluMetrics, ModelMetrics, MtBenchMetrics } from '@platform/api-types';
import { finiteNumber, numberMap, objectOf } from './payload';

// The shape is the public one (`model_metrics` of the InstructLab API, declared in @platform/api-types): the
// evaluation service computes it, this catalog carries and checks it, training stores it, the gateway returns it.
export type { BranchMetrics, MmluMetrics, ModelMetrics, MtBenchMetrics };

export function parseMmluMetrics(data: unknown, type: string, what = 'mmlu'): MmluMetrics {
  const o = objectOf(data, type, what);
  return { overall_average: finiteNumber(o, 'overall_average', type), scores: numberMap(o, 'scores', type) };
}

function parseBranch(data: unknown, type: string, what: string): BranchMetrics {
  const o = objectOf(data, type, what);
  return {
    improvements: numberMap(o, 'improvements', type),
    regressions: numberMap(o, 'regressions', type),
    no_change: numberMap(o, 'no_change', type),
    error_rate: finiteNumber(o, 'error_rate', type),
  };
}

function parseMtBench(data: unknown, type: string): MtBenchMetrics {
  const o = objectOf(data, type, 'mt_bench');
  const scores = objectOf(o.scores, type, 'mt_bench.scores');
  return {
    error_rate: finiteNumber(o, 'error_rate', type),
    overall_average: finiteNumber(o, 'overall_average', type),
    scores: { turn_one: finiteNumber(scores, 'turn_one', type), turn_two: finiteNumber(scores, 'turn_two', type) },
  };
}

/** The four benchmarks of an evaluated model; throws PermanentEventError naming `type` when one is malformed. */
export function parseModelMetrics(data: unknown, type: string): ModelMetrics {
  const o = objectOf(data, type, 'metrics');
  return {
    mmlu: parseMmluMetrics(o.mmlu, type),
    mmlu_branch: parseBranch(o.mmlu_branch, type, 'mmlu_branch'),
    mt_bench: parseMtBench(o.mt_bench, type),
    mt_bench_branch: parseBranch(o.mt_bench_branch, type, 'mt_bench_branch'),
  };
}
