import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bootstrapMeanCi } from './bootstrap-ci';
import { answerTokens } from './answer-tokens';
import { answerCorrectness, contextCorrectness, faithfulness } from './rag-metrics';
import type { IndexSetting, RetrievalCandidate } from './rag-types';
import { planPatterns, sampleIndexSettings } from './search-space';

const unit = (x: number) => x >= 0 && x <= 1;

describe('evaluation properties', () => {
  it('every metric lies in [0, 1]; an answer equal to the correct answer scores 1; an answer copied from the context is faithful', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.array(fc.string(), { maxLength: 4 }), (answer, correct, contexts) => {
        expect(unit(answerCorrectness(answer, correct))).toBe(true);
        expect(unit(faithfulness(answer, contexts))).toBe(true);
        if (answerTokens(correct).length > 0) expect(answerCorrectness(correct, correct)).toBe(1);
        const copied = contexts.join(' ');
        if (answerTokens(copied).length > 0) expect(faithfulness(copied, contexts)).toBe(1);
      }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'c', 'd')),
        fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 1 }),
        (got, right) => {
          const score = contextCorrectness(got, right);
          const first = got.findIndex((g) => right.includes(g));
          expect(score).toBe(first < 0 ? 0 : 1 / (first + 1));
        },
      ),
    );
  });

  it('the bootstrap interval holds the mean and lies within the values', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 60 }), fc.integer(), (values, seed) => {
        const ci = bootstrapMeanCi(values, { seed, resamples: 200 });
        expect(ci.ci_low).toBeLessThanOrEqual(ci.mean);
        expect(ci.mean).toBeLessThanOrEqual(ci.ci_high);
        expect(ci.ci_low).toBeGreaterThanOrEqual(Math.min(...values));
        expect(ci.ci_high).toBeLessThanOrEqual(Math.max(...values));
      }),
      { numRuns: 200 },
    );
  });

  it('the sample is min(8, n) distinct settings of the grid, in grid order, holding the ones always kept', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer(), fc.uniqueArray(fc.nat(29), { maxLength: 3 }), (n, seed, keep) => {
        const all: IndexSetting[] = Array.from({ length: n }, (_, i) => ({
          chunking: { method: 'recursive', chunk_size: 16 + i, chunk_overlap: 0 },
          embedding_model: 'e',
        }));
        const always = keep.filter((k) => k < n).map((k) => all[k]);
        const sample = sampleIndexSettings(all, { seed, always });
        const at = sample.map((s) => all.indexOf(s));
        expect(sample).toHaveLength(Math.min(8, n));
        expect(new Set(at).size).toBe(at.length);
        expect(at).toEqual([...at].sort((a, b) => a - b));
        for (const a of always) expect(sample).toContain(a);
      }),
    );
  });

  it('stage 2 plans min(max, candidates × models) distinct pairs, numbered in order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 4, max: 20 }), (c, f, max) => {
        const ranked: RetrievalCandidate[] = Array.from({ length: c }, (_, i) => ({
          index: { chunking: { method: 'recursive', chunk_size: 256, chunk_overlap: 64 }, embedding_model: 'e' },
          retrieval: { method: 'simple', number_of_chunks: i + 1 },
        }));
        const models = Array.from({ length: f }, (_, i) => `m${i}`);
        const plans = planPatterns(ranked, models, max);
        expect(plans).toHaveLength(Math.min(max, c * f));
        expect(new Set(plans.map((p) => `${p.retrieval.number_of_chunks}/${p.foundation_model}`)).size).toBe(plans.length);
        expect(plans.map((p) => p.name)).toEqual(plans.map((_, i) => `Pattern${i + 1}`));
        // Candidates come in rank order: a later pattern never uses a better candidate than an earlier one.
        const ranks = plans.map((p) => p.retrieval.number_of_chunks);
        expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
      }),
    );
  });
});
