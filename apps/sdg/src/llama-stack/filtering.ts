import { rng } from '../pipelines/engine/row';

/** The draft's `filtering_function` values. */
export const FILTERING_FUNCTIONS = ['none', 'random', 'top_k', 'top_p', 'top_k_top_p', 'sigmoid'] as const;
export type FilteringFunction = (typeof FILTERING_FUNCTIONS)[number];

export interface FilterParams {
  /** top_k and random: how many generations to keep per prompt. */
  topK: number;
  /** top_p: the share of the scores' softmax mass to keep (nucleus over the k generations). */
  topP: number;
  /** sigmoid: keep a generation when the sigmoid of its standardised score reaches this. */
  sigmoidThreshold: number;
  seed: number;
}

export const DEFAULT_FILTER_PARAMS = { topK: 1, topP: 0.9, sigmoidThreshold: 0.5 } as const;

export interface Scored<T> {
  item: T;
  score: number;
}

const byScore = <T>(a: Scored<T>, b: Scored<T>) => b.score - a.score;

function topK<T>(xs: Scored<T>[], k: number): Scored<T>[] {
  return [...xs].sort(byScore).slice(0, Math.max(0, k));
}

/** Best first, until the softmax probability of the kept scores reaches p (always at least the best one). */
function topP<T>(xs: Scored<T>[], p: number): Scored<T>[] {
  if (xs.length === 0) return [];
  const sorted = [...xs].sort(byScore);
  const max = sorted[0].score;
  const weights = sorted.map((x) => Math.exp(x.score - max));
  const total = weights.reduce((a, b) => a + b, 0);
  const kept: Scored<T>[] = [];
  let mass = 0;
  for (let i = 0; i < sorted.length; i++) {
    kept.push(sorted[i]);
    mass += weights[i] / total;
    if (mass >= p) break;
  }
  return kept;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Judges score on their own scales (MT-Bench ratings 1–10, reward-model logits), so each prompt's scores are
 * standardised first: sigmoid(z) ≥ 0.5 keeps the generations at or above that prompt's mean.
 */
function sigmoidFilter<T>(xs: Scored<T>[], threshold: number): Scored<T>[] {
  if (xs.length === 0) return [];
  const mean = xs.reduce((a, x) => a + x.score, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x.score - mean) ** 2, 0) / xs.length);
  return xs.filter((x) => sigmoid(sd > 0 ? (x.score - mean) / sd : 0) >= threshold).sort(byScore);
}

/** One prompt's scored generations, filtered; kept generations come best first (random: in drawn order). */
export function applyFilter<T>(fn: FilteringFunction, xs: Scored<T>[], params: FilterParams): Scored<T>[] {
  switch (fn) {
    case 'none':
      return xs;
    case 'random': {
      const random = rng(params.seed);
      const shuffled = [...xs];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
      }
      return shuffled.slice(0, params.topK);
    }
    case 'top_k':
      return topK(xs, params.topK);
    case 'top_p':
      return topP(xs, params.topP);
    case 'top_k_top_p':
      return topP(topK(xs, params.topK), params.topP);
    case 'sigmoid':
      return sigmoidFilter(xs, params.sigmoidThreshold);
  }
}
