/** Rank of a byte string (one char per byte, as latin1) in the BPE vocabulary, or undefined when it is no token. */
export type RankOf = (bytes: string) => number | undefined;

/**
 * Min-heap of candidate merges. A candidate is packed into one number, rank·2³² + position of its left part,
 * so comparing numbers orders by rank and then leftmost first: the order tiktoken's scan picks merges in.
 */
class CandidateHeap {
  private readonly keys: Float64Array;
  size = 0;

  constructor(capacity: number) {
    this.keys = new Float64Array(capacity);
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

/**
 * tiktoken's byte-pair merge of one pre-tokenised piece (`bytes`: one char per byte): repeatedly merge the
 * adjacent pair whose concatenation has the lowest rank, leftmost on ties, until no pair is a token. Returns the
 * ranks of the parts, as tiktoken does (parts that are no token are left out).
 *
 * tiktoken rescans every pair after each merge, which is quadratic in the piece: one 8,000-character word took
 * seconds. Here the parts are a linked list and the candidates a heap; a candidate made stale by a neighbour's merge
 * is recognised when popped (its pair no longer has that rank) and dropped. Each merge adds at most two candidates,
 * so a piece of n bytes costs O(n log n) time, O(n) memory and fewer than 8n rank look-ups.
 */
export function bytePairMerge(bytes: string, rankOf: RankOf): number[] {
  const n = bytes.length;
  // Part i spans bytes [i, next[i]); next[i] === n for the last part. prev[i] === -1 for the first.
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  const heap = new CandidateHeap(3 * n);
  const pairRank = (left: number): number | undefined => {
    const right = next[left];
    return right < n ? rankOf(bytes.slice(left, next[right])) : undefined;
  };
  for (let i = 0; i < n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
  }
  for (let i = 0; i + 1 < n; i++) {
    const rank = pairRank(i);
    if (rank !== undefined) heap.push(rank, i);
  }
  while (heap.size > 0) {
    const key = heap.pop();
    const rank = Math.floor(key / POSITIONS);
    const left = key - rank * POSITIONS;
    // Stale when `left` was merged into its neighbour (prev[left] === -2) or either side changed since.
    if (prev[left] === -2 || pairRank(left) !== rank) continue;
    const right = next[left];
    next[left] = next[right];
    if (next[right] < n) prev[next[right]] = left;
    prev[right] = -2;
    const before = prev[left];
    if (before >= 0) {
      const r = pairRank(before);
      if (r !== undefined) heap.push(r, before);
    }
    const r = pairRank(left);
    if (r !== undefined) heap.push(r, left);
  }
  const ranks: number[] = [];
  for (let i = 0; i < n; i = next[i]) {
    const rank = rankOf(bytes.slice(i, next[i]));
    if (rank !== undefined) ranks.push(rank);
  }
  return ranks;
}
