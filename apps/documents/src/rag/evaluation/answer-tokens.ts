/** Articles dropped before comparing words (as SQuAD's and unitxt's answer normalisation does). */
const ARTICLES = new Set(['a', 'an', 'the']);

/**
 * The word tokens the metrics compare: the text NFKC-normalised and lower-cased, every punctuation mark and symbol
 * (Unicode P and S) turned into a space, split on white space, articles dropped. `"The U.S.-made car's wheels!"` →
 * `["u", "s", "made", "car", "s", "wheels"]`.
 */
export function answerTokens(text: string): string[] {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]/gu, ' ')
    .split(/\s+/u)
    .filter((t) => t.length > 0 && !ARTICLES.has(t));
}

/** How many of `tokens` are found in `pool`, each token of the pool used at most once (a bag intersection). */
export function matchedTokens(tokens: readonly string[], pool: readonly string[]): number {
  const left = new Map<string, number>();
  for (const t of pool) left.set(t, (left.get(t) ?? 0) + 1);
  let matched = 0;
  for (const t of tokens) {
    const n = left.get(t) ?? 0;
    if (n > 0) {
      matched++;
      left.set(t, n - 1);
    }
  }
  return matched;
}
