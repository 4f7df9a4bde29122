/** The constant of Cormack, Clarke and Büttcher's reciprocal rank fusion: damps the weight of the very first ranks. */
export const RRF_K = 60;

export interface Fused<T> {
  item: T;
  /** Σ 1 / (k + rank) over the lists the item is in, ranks from 1. */
  score: number;
  /** The item's rank in each list (1-based), undefined where it is absent. */
  ranks: (number | undefined)[];
}

/**
 * Reciprocal rank fusion of ranked lists (best first): items are identified by `key`, the first occurrence's item is
 * kept, ties are broken by the best single rank and then by first appearance, so the order is deterministic.
 */
export function reciprocalRankFusion<T>(lists: readonly (readonly T[])[], key: (item: T) => string, k = RRF_K): Fused<T>[] {
  const fused = new Map<string, Fused<T> & { order: number; best: number }>();
  lists.forEach((list, l) => {
    const seen = new Set<string>();
    list.forEach((item, i) => {
      const id = key(item);
      if (seen.has(id)) return; // a list counts an item once, at its best rank
      seen.add(id);
      const rank = i + 1;
      let entry = fused.get(id);
      if (!entry) {
        entry = { item, score: 0, ranks: lists.map(() => undefined), order: fused.size, best: rank };
        fused.set(id, entry);
      }
      entry.score += 1 / (k + rank);
      entry.ranks[l] = rank;
      entry.best = Math.min(entry.best, rank);
    });
  });
  return [...fused.values()]
    .sort((a, b) => b.score - a.score || a.best - b.best || a.order - b.order)
    .map(({ item, score, ranks }) => ({ item, score, ranks }));
}
