import { seededRandom } from './seeded-random';
import type { IndexSetting, RagConstraints, RagPatternPlan, RetrievalCandidate, RetrievalSetting } from './rag-types';

/** At most this many chunking × embedding settings are indexed; beyond it a seeded sample is. */
export const MAX_INDEX_SETTINGS = 8;

/** The grid's size, the seed's `max_combinations`: chunking × embedding models × retrieval × foundation models. */
export function maxCombinations(c: RagConstraints): number {
  return c.chunking.length * c.embedding_models.length * c.retrieval.length * c.foundation_models.length;
}

/** Every chunking × embedding setting, chunking outer, in the constraints' order. */
export function indexSettings(c: RagConstraints): IndexSetting[] {
  return c.chunking.flatMap((chunking) => c.embedding_models.map((embedding_model) => ({ chunking, embedding_model })));
}

const sameIndex = (a: IndexSetting, b: IndexSetting) =>
  a.embedding_model === b.embedding_model &&
  a.chunking.method === b.chunking.method &&
  a.chunking.chunk_size === b.chunking.chunk_size &&
  a.chunking.chunk_overlap === b.chunking.chunk_overlap;

/**
 * The chunking × embedding settings to index: all of them when there are at most `limit` (8); otherwise the settings
 * of `always` that the grid holds (the defaults), then settings drawn from the rest by a seeded Fisher–Yates shuffle
 * until `limit`, returned in grid order. The same constraints and seed always give the same sample.
 */
export function sampleIndexSettings(
  all: readonly IndexSetting[],
  opts: { seed: number; always?: readonly IndexSetting[]; limit?: number },
): IndexSetting[] {
  const limit = opts.limit ?? MAX_INDEX_SETTINGS;
  if (all.length <= limit) return [...all];
  const chosen = new Set<number>();
  for (const wanted of opts.always ?? []) {
    const i = all.findIndex((s) => sameIndex(s, wanted));
    if (i >= 0 && chosen.size < limit) chosen.add(i);
  }
  const rest = all.map((_, i) => i).filter((i) => !chosen.has(i));
  const random = seededRandom(opts.seed);
  for (let k = rest.length - 1; k > 0; k--) {
    const j = Math.floor(random() * (k + 1));
    [rest[k], rest[j]] = [rest[j], rest[k]];
  }
  for (const i of rest) {
    if (chosen.size >= limit) break;
    chosen.add(i);
  }
  return [...chosen].sort((a, b) => a - b).map((i) => all[i]);
}

/** Stage 1's candidates: each indexed setting with each retrieval setting (index outer). */
export function retrievalCandidates(indexed: readonly IndexSetting[], retrieval: readonly RetrievalSetting[]): RetrievalCandidate[] {
  return indexed.flatMap((index) => retrieval.map((r) => ({ index, retrieval: r })));
}

/** How many chunks a retrieval setting puts in a prompt at most (a window widens each chunk by its neighbours). */
export function chunksInPrompt(r: RetrievalSetting): number {
  return r.number_of_chunks * (r.method === 'window' ? 1 + 2 * (r.window_size ?? 0) : 1);
}

export interface ScoredCandidate {
  candidate: RetrievalCandidate;
  /** Mean context_correctness over the test questions. */
  contextCorrectness: number;
}

/**
 * Stage 1's ranking: context_correctness mean, higher first; ties: fewer chunks in the prompt, then the candidates'
 * order as given (grid order), so the ranking is deterministic.
 */
export function rankRetrievalCandidates(scored: readonly ScoredCandidate[]): ScoredCandidate[] {
  return scored
    .map((s, order) => ({ s, order }))
    .sort(
      (a, b) =>
        b.s.contextCorrectness - a.s.contextCorrectness ||
        chunksInPrompt(a.s.candidate.retrieval) - chunksInPrompt(b.s.candidate.retrieval) ||
        a.order - b.order,
    )
    .map(({ s }) => s);
}

/**
 * Stage 2's patterns: the ranked candidates, best first, each paired with every foundation model before the next
 * candidate gets one; the k-th candidate starts at foundation model k mod F (round robin), so when the budget cuts a
 * candidate's models short, the models that candidate reached are not always the same first ones. Stops at
 * `maxPatterns` (or when every pair is planned). Patterns are named `Pattern1`, `Pattern2` … in this order.
 */
export function planPatterns(
  ranked: readonly RetrievalCandidate[],
  foundationModels: readonly string[],
  maxPatterns: number,
): RagPatternPlan[] {
  const plans: RagPatternPlan[] = [];
  const f = foundationModels.length;
  for (let k = 0; k < ranked.length && plans.length < maxPatterns; k++) {
    for (let m = 0; m < f && plans.length < maxPatterns; m++) {
      const iteration = plans.length + 1;
      plans.push({ ...ranked[k], foundation_model: foundationModels[(k + m) % f], iteration, name: `Pattern${iteration}` });
    }
  }
  return plans;
}
