import type { BranchMetrics } from '@platform/events';

/** Two decimals, as InstructLab reports every score and Δ. */
export const round2 = (x: number): number => Math.round(x * 100) / 100;

export function mean(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * InstructLab's branch report: per task Δ = round(trained − base, 2); improvement when the trained score is higher,
 * regression when lower, no change when equal (exact comparison, no threshold). Tasks without a usable score on
 * either side are left out (they already count in `errorRate`).
 */
export function compareBranch(base: ReadonlyMap<string, number>, trained: ReadonlyMap<string, number>, errorRate: number): BranchMetrics {
  const out: BranchMetrics = { improvements: {}, regressions: {}, no_change: {}, error_rate: round2(errorRate) };
  for (const [task, score] of trained) {
    const before = base.get(task);
    if (before === undefined) continue;
    const delta = round2(score - before);
    if (score > before) out.improvements[task] = delta;
    else if (score < before) out.regressions[task] = delta;
    else out.no_change[task] = 0;
  }
  return out;
}

/** Errors over attempts, 0 when nothing was attempted. */
export const errorRate = (errors: number, total: number): number => (total === 0 ? 0 : errors / total);
