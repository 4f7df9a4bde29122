import { describe, expect, it } from 'vitest';
import { bootstrapMeanCi, quantile } from './bootstrap-ci';
import { seedOf, seededRandom } from './seeded-random';

describe('quantile', () => {
  it('interpolates linearly between order statistics at (n - 1)·q', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([0, 10], 0.975)).toBeCloseTo(9.75, 12);
    expect(quantile([0, 10], 0.025)).toBeCloseTo(0.25, 12);
    expect(quantile([7], 0.3)).toBe(7);
  });
});

describe('seededRandom', () => {
  it('repeats for a seed, differs between seeds and is uniform in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
    const c = seededRandom(43);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(first);
    const r = seededRandom(seedOf('experiment'));
    const draws = Array.from({ length: 20_000 }, () => r());
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    // Each tenth of [0, 1) gets about 2000 draws (binomial sd ≈ 42).
    const bins = new Array(10).fill(0);
    for (const d of draws) bins[Math.floor(d * 10)]++;
    for (const n of bins) expect(Math.abs(n - 2000)).toBeLessThan(250);
  });

  it('seeds from text deterministically', () => {
    expect(seedOf('abc')).toBe(seedOf('abc'));
    expect(seedOf('abc')).not.toBe(seedOf('abd'));
    // FNV-1a 32-bit of "a" is 0xe40c292c.
    expect(seedOf('a')).toBe(0xe40c292c);
  });
});

describe('bootstrapMeanCi (percentile bootstrap of the mean)', () => {
  it('gives a zero-width interval for equal values and for one value', () => {
    expect(bootstrapMeanCi([0.4, 0.4, 0.4], { seed: 1 })).toEqual({ mean: 0.4, ci_low: 0.4, ci_high: 0.4 });
    expect(bootstrapMeanCi([1], { seed: 1 })).toEqual({ mean: 1, ci_low: 1, ci_high: 1 });
  });

  it('covers the whole range for two values: resample means are 0, 0.5 or 1 and the 2.5% / 97.5% quantiles are 0 and 1', () => {
    // P(mean = 0) = P(mean = 1) = 1/4, so of 1000 sorted means the 25th and the 975th are 0 and 1 (any seed, surely).
    expect(bootstrapMeanCi([0, 1], { seed: 7 })).toEqual({ mean: 0.5, ci_low: 0, ci_high: 1 });
  });

  it('is reproducible with its seed and near the normal approximation for 20 coin flips', () => {
    const values = Array.from({ length: 20 }, (_, i) => i % 2);
    const ci = bootstrapMeanCi(values, { seed: seedOf('exp-1') });
    expect(bootstrapMeanCi(values, { seed: seedOf('exp-1') })).toEqual(ci);
    expect(ci.mean).toBe(0.5);
    // mean ± 1.96 · sqrt(0.25 / 20) = 0.5 ± 0.219; a bootstrap of 1000 resamples lands within a few hundredths.
    expect(ci.ci_low).toBeGreaterThan(0.22);
    expect(ci.ci_low).toBeLessThan(0.34);
    expect(ci.ci_high).toBeGreaterThan(0.66);
    expect(ci.ci_high).toBeLessThan(0.78);
  });

  it('narrows with a lower confidence and keeps the mean inside', () => {
    const values = [0, 0.2, 0.5, 1, 1, 0.3, 0.9, 0.1];
    const wide = bootstrapMeanCi(values, { seed: 3 });
    const narrow = bootstrapMeanCi(values, { seed: 3, confidence: 0.5 });
    expect(narrow.ci_high - narrow.ci_low).toBeLessThan(wide.ci_high - wide.ci_low);
    for (const ci of [wide, narrow]) {
      expect(ci.ci_low).toBeLessThanOrEqual(ci.mean);
      expect(ci.ci_high).toBeGreaterThanOrEqual(ci.mean);
    }
    expect(wide.mean).toBeCloseTo(4 / 8, 12);
  });

  it('refuses no values and bad options', () => {
    expect(() => bootstrapMeanCi([], { seed: 1 })).toThrow(RangeError);
    expect(() => bootstrapMeanCi([1], { seed: 1, resamples: 0 })).toThrow(RangeError);
    expect(() => bootstrapMeanCi([1], { seed: 1, confidence: 1 })).toThrow(RangeError);
  });
});
