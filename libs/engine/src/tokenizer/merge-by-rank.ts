/**
 * Min-heap of candidate merges, each packed into one number, rank·2³² + left position, so that comparing numbers
 * orders by rank and then leftmost first (the order a rescanning BPE picks merges in). Typed storage sized once: no
 * allocation per push or pop.
 */
class MergeHeap {
  private readonly keys: Float64Array;
  size = 0;

  constructor(capacity: number) {
    this.keys = new Float64Array(Math.max(capacity, 1));
  }

  push(rank: number, left: number): void {
    const keys = this.keys;
    const key = rank * POSITIONS + left;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent] <= key) break;
      keys[i] = keys[parent];
      i = parent;
    }
    keys[i] = key;
  }

  /** The smallest key, packed as push made it. */
  pop(): number {
    const keys = this.keys;
    const top = keys[0];
    const last = keys[--this.size];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && keys[child + 1] < keys[child]) child++;
      if (keys[child] >= last) break;
      keys[i] = keys[child];
      i = child;
    }
    keys[i] = last;
    return top;
  }
}

const POSITIONS = 2 ** 32;
/** Marks a part that was merged into its left neighbour. */
const MERGED = -2;

/**
 * Rank of merging the part that starts at `left` with the next one, which starts at `right` and ends before `end`;
 * undefined when the two do not merge.
 */
export type PairRank = (left: number, right: number, end: number) => number | undefined;

/**
 * The byte-pair merge loop of every BPE flavour: `n` symbols, the adjacent pair of parts with the lowest rank (leftmost
 * on ties) merged until no pair merges. A rescan after each merge is quadratic in a word's length (one 8,000-character
 * word took seconds); here the parts are a linked list and the candidates a heap, and a candidate made stale by a
 * neighbour's merge is recognised when popped (its pair no longer has that rank) and dropped. Each merge queues at
 * most two candidates, so n symbols cost O(n log n) time and O(n) memory.
 *
 * `onMerge(left, right)` hears of each merge before the list changes, for callers that keep each part's symbol.
 * Returns `next`: part i spans symbols [i, next[i]), starting from 0, and the last part's next is n.
 */
export function mergeByRank(n: number, pairRank: PairRank, onMerge?: (left: number, right: number) => void): Int32Array {
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
  }
  const heap = new MergeHeap(3 * n);
  const rankAt = (left: number): number | undefined => {
    const right = next[left];
    return right < n ? pairRank(left, right, next[right]) : undefined;
  };
  const consider = (left: number): void => {
    const rank = rankAt(left);
    if (rank !== undefined) heap.push(rank, left);
  };
  for (let i = 0; i + 1 < n; i++) consider(i);
  while (heap.size > 0) {
    const key = heap.pop();
    const rank = Math.floor(key / POSITIONS);
    const left = key - rank * POSITIONS;
    // Stale when `left` was merged into its neighbour or either side changed since it was queued.
    if (prev[left] === MERGED || rankAt(left) !== rank) continue;
    const right = next[left];
    onMerge?.(left, right);
    next[left] = next[right];
    if (next[right] < n) prev[next[right]] = left;
    prev[right] = MERGED;
    if (prev[left] >= 0) consider(prev[left]);
    consider(left);
  }
  return next;
}
