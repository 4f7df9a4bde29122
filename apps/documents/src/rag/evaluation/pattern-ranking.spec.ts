import { describe, expect, it } from 'vitest';
import { rankPatterns, summarizeScores, type EvaluatedPattern } from './pattern-ranking';
import type { MetricSummary, RagPatternPlan, RetrievalSetting } from './rag-types';

const plan = (iteration: number, retrieval: RetrievalSetting): RagPatternPlan => ({
  iteration,
  name: `Pattern${iteration}`,
  index: { chunking: { method: 'recursive', chunk_size: 256, chunk_overlap: 64 }, embedding_model: 'e' },
  retrieval,
  foundation_model: 'm',
});
const metrics = (ac: number, cc: number): MetricSummary[] => [
  { metric_name: 'answer_correctness', mean: ac, ci_low: ac, ci_high: ac },
  { metric_name: 'faithfulness', mean: 0.5, ci_low: 0.5, ci_high: 0.5 },
  { metric_name: 'context_correctness', mean: cc, ci_low: cc, ci_high: cc },
];

describe('summarizeScores', () => {
  it('gives each metric’s mean and interval, the optimization metric first', () => {
    const scores = [
      { answer_correctness: 1, faithfulness: 0.5, context_correctness: 1 },
      { answer_correctness: 0, faithfulness: 0.5, context_correctness: 0.5 },
    ];
    const s = summarizeScores(scores, { seed: 5, optimizationMetric: 'faithfulness' });
    expect(s.map((m) => m.metric_name)).toEqual(['faithfulness', 'answer_correctness', 'context_correctness']);
    expect(s[0]).toEqual({ metric_name: 'faithfulness', mean: 0.5, ci_low: 0.5, ci_high: 0.5 });
    // Two values: the resample means are the low, the middle or the high value; 2.5% and 97.5% quantiles are the ends.
    expect(s[1]).toEqual({ metric_name: 'answer_correctness', mean: 0.5, ci_low: 0, ci_high: 1 });
    expect(s[2]).toEqual({ metric_name: 'context_correctness', mean: 0.75, ci_low: 0.5, ci_high: 1 });
  });
});

describe('rankPatterns', () => {
  it('orders by the optimization metric, then context_correctness, then fewer chunks, then iteration', () => {
    const p: EvaluatedPattern[] = [
      { plan: plan(1, { method: 'window', number_of_chunks: 5, window_size: 2 }), metrics: metrics(0.6, 0.9) },
      { plan: plan(2, { method: 'simple', number_of_chunks: 5 }), metrics: metrics(0.6, 0.9) },
      { plan: plan(3, { method: 'simple', number_of_chunks: 5 }), metrics: metrics(0.6, 0.9) },
      { plan: plan(4, { method: 'simple', number_of_chunks: 3 }), metrics: metrics(0.6, 0.95) },
      { plan: plan(5, { method: 'simple', number_of_chunks: 3 }), metrics: metrics(0.7, 0.1) },
    ];
    expect(rankPatterns(p, 'answer_correctness').map((x) => x.plan.iteration)).toEqual([5, 4, 2, 3, 1]);
    expect(rankPatterns(p, 'context_correctness').map((x) => x.plan.iteration)).toEqual([4, 2, 3, 1, 5]);
  });
});
