import { mergeByRank } from '@platform/engine';

/** Rank of a byte string (one char per byte, as latin1) in the BPE vocabulary, or undefined when it is no token. */
export type RankOf = (bytes: string) => number | undefined;

/**
 * tiktoken's byte-pair merge of one pre-tokenised piece (`bytes`: one char per byte): repeatedly merge the adjacent
 * pair whose concatenation has the lowest rank, leftmost on ties, until no pair is a token. Returns the ranks of the
 * parts, as tiktoken does (parts that are no token are left out). tiktoken's own rescan is quadratic in the piece (one
 * 8,000-character word took seconds); the engine's merge is O(n log n) with fewer than 8n rank look-ups.
 */
export function bytePairMerge(bytes: string, rankOf: RankOf): number[] {
  const n = bytes.length;
  const next = mergeByRank(n, (left, _right, end) => rankOf(bytes.slice(left, end)));
  const ranks: number[] = [];
  for (let i = 0; i < n; i = next[i]) {
    const rank = rankOf(bytes.slice(i, next[i]));
    if (rank !== undefined) ranks.push(rank);
  }
  return ranks;
}
