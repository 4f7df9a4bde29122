import type { BranchMetrics, ModelMetrics } from '@platform/events';

/**
 * The most bytes one branch report takes in `evaluation.model.evaluated`: the two of them stay well inside the
 * outbox's MAX_EVENT_BYTES (512 KiB), which an event over it would fail at enqueue, on every redelivery.
 */
export const MAX_BRANCH_BYTES = 128 * 1024;

type BranchMap = 'improvements' | 'regressions' | 'no_change';

/**
 * The model's metrics as the event (and so the job's `model_metrics`) carries them: a branch report whose JSON is
 * over `maxBytes` — a taxonomy of thousands of leaves — keeps its largest changes that fit (regressions and
 * improvements by |Δ|, then the unchanged tasks, in the order they came); the whole report is in the model's
 * `eval/mmlu_branch.json` and `eval/mt_bench_branch.json`.
 */
export function eventMetrics(metrics: ModelMetrics, maxBytes = MAX_BRANCH_BYTES): ModelMetrics {
  return {
    ...metrics,
    mmlu_branch: boundBranch(metrics.mmlu_branch, maxBytes),
    mt_bench_branch: boundBranch(metrics.mt_bench_branch, maxBytes),
  };
}

export function boundBranch(branch: BranchMetrics, maxBytes: number): BranchMetrics {
  if (jsonBytes(branch) <= maxBytes) return branch;
  const maps: BranchMap[] = ['regressions', 'improvements', 'no_change'];
  const entries = maps
    .flatMap((map) => Object.entries(branch[map]).map(([task, delta]) => ({ map, task, delta })))
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta));
  const out: BranchMetrics = { improvements: {}, regressions: {}, no_change: {}, error_rate: branch.error_rate };
  let bytes = jsonBytes(out);
  for (const { map, task, delta } of entries) {
    // "task":delta and the comma before it.
    const size = jsonBytes(task) + jsonBytes(delta) + 2;
    if (bytes + size > maxBytes) break;
    out[map][task] = delta;
    bytes += size;
  }
  return out;
}

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));
