import type { MmluMetrics } from '@platform/events';
import { mean, round2 } from '../aggregate';
import type { McqRun } from './run-mcq';

/** Seed `mmlu`: per-subject accuracy and their unweighted mean (subjects nothing could be scored in are left out). */
export function mmluMetrics(run: McqRun): MmluMetrics {
  const scored = run.tasks.filter((t) => t.accuracy !== undefined);
  return {
    overall_average: round2(mean(scored.map((t) => t.accuracy as number)) ?? 0),
    scores: Object.fromEntries(scored.map((t) => [t.task, t.accuracy as number])),
  };
}
