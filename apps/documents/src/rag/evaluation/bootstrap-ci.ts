import { seededRandom } from './seeded-random';

export interface BootstrapOptions {
  /** Seed of the resampling (the same values and seed give the same interval). */
  seed: number;
  /** Default 1000. */
  resamples?: number;
  /** Default 0.95. */
  confidence?: number;
}

export interface MeanWithInterval {
  mean: number;
  ci_low: number;
  ci_high: number;
}

/**
 * The mean of `values` and its percentile bootstrap confidence interval: `resamples` samples of n values drawn with
 * replacement, each sample's mean taken, and the (1 − confidence)/2 and (1 + confidence)/2 quantiles of those means
 * (linear interpolation between order statistics, numpy's default) as ci_low and ci_high, widened to hold the mean if
 * a skewed sample puts both quantiles on one side of it (the seed's results read ci_low ≤ mean ≤ ci_high). One value:
 * a zero-width interval.
 */
export function bootstrapMeanCi(values: readonly number[], opts: BootstrapOptions): MeanWithInterval {
  const n = values.length;
  if (n === 0) throw new RangeError('bootstrapMeanCi needs at least one value');
  const resamples = opts.resamples ?? 1000;
  const confidence = opts.confidence ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  let lowest = Infinity;
  let highest = -Infinity;
  for (const v of values) [lowest, highest] = [Math.min(lowest, v), Math.max(highest, v)];
  // Float noise can put a mean or a quantile a hair outside the values' range (three 0.4s sum to 1.2000000000000002):
  // clamp to it, so equal values give exactly their value.
  const clamp = (x: number) => Math.min(Math.max(x, lowest), highest);
  const mean = clamp(sum(values) / n);
  const random = seededRandom(opts.seed);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let total = 0;
    for (let i = 0; i < n; i++) total += values[Math.floor(random() * n)];
    means[r] = total / n;
  }
  means.sort();
  const alpha = (1 - confidence) / 2;
  return {
    mean,
    ci_low: Math.min(clamp(quantile(means, alpha)), mean),
    ci_high: Math.max(clamp(quantile(means, 1 - alpha)), mean),
  };
}

/** The q-quantile of sorted values, interpolating linearly between the order statistics at (n − 1)·q. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
