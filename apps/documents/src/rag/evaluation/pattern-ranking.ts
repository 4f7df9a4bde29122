import { bootstrapMeanCi } from './bootstrap-ci';
import { RAG_METRICS, type MetricSummary, type QuestionScores, type RagMetricName, type RagPatternPlan } from './rag-types';
import { chunksInPrompt } from './search-space';

/**
 * The three metrics over a pattern's answered questions: each mean with its seeded percentile bootstrap 95% interval
 * (1000 resamples; the same resampled questions for the three metrics), the optimization metric first, the others
 * in RAG_METRICS order.
 */
export function summarizeScores(
  scores: readonly QuestionScores[],
  opts: { seed: number; optimizationMetric: RagMetricName; resamples?: number },
): MetricSummary[] {
  const order = [opts.optimizationMetric, ...RAG_METRICS.filter((m) => m !== opts.optimizationMetric)];
  return order.map((metric_name) => ({
    metric_name,
    ...bootstrapMeanCi(
      scores.map((s) => s[metric_name]),
      { seed: opts.seed, resamples: opts.resamples },
    ),
  }));
}

export interface EvaluatedPattern {
  plan: RagPatternPlan;
  metrics: readonly MetricSummary[];
}

const meanOf = (p: EvaluatedPattern, metric: RagMetricName): number => p.metrics.find((m) => m.metric_name === metric)?.mean ?? -Infinity;

/**
 * The final ranking, best first: the optimization metric's mean, higher first; ties: context_correctness mean, then
 * fewer chunks in the prompt, then the earlier iteration.
 */
export function rankPatterns<T extends EvaluatedPattern>(patterns: readonly T[], optimizationMetric: RagMetricName): T[] {
  return [...patterns].sort(
    (a, b) =>
      meanOf(b, optimizationMetric) - meanOf(a, optimizationMetric) ||
      meanOf(b, 'context_correctness') - meanOf(a, 'context_correctness') ||
      chunksInPrompt(a.plan.retrieval) - chunksInPrompt(b.plan.retrieval) ||
      a.plan.iteration - b.plan.iteration,
  );
}
