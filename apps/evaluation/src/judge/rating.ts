/**
 * FastChat's single-answer verdict: `[[x]]`, or `[x]` when the judge dropped a bracket (the last match wins, as the
 * verdict closes the judgment). Anything else, or a value outside 1–10, is no rating: the caller counts it in the
 * error rate and leaves it out of the averages (FastChat's score -1).
 */
const DOUBLE = /\[\[(\d+(?:\.\d+)?)\]\]/g;
const SINGLE = /\[(\d+(?:\.\d+)?)\]/g;

export function parseRating(judgment: string): number | undefined {
  for (const pattern of [DOUBLE, SINGLE]) {
    const matches = [...judgment.matchAll(pattern)];
    if (matches.length === 0) continue;
    const value = Number(matches[matches.length - 1][1]);
    return value >= 1 && value <= 10 ? value : undefined;
  }
  return undefined;
}
