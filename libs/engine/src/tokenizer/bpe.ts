import type { BpeModelJson } from './json';

/**
 * Byte-pair encoding of one pre-tokenised word. Merges are applied lowest rank first (leftmost on ties)
 * with a heap over a linked list of symbols, so long words without whitespace (SentencePiece style,
 * where the whole text is one "word") stay O(n log n) instead of quadratic.
 */

interface Merge {
  rank: number;
  merged: string;
}

/** Min-heap of candidate merges keyed by (rank, left position). */
class MergeHeap {
  private ranks: number[] = [];
  private lefts: number[] = [];

  get size(): number {
    return this.ranks.length;
  }

  private less(a: number, b: number): boolean {
    return this.ranks[a] < this.ranks[b] || (this.ranks[a] === this.ranks[b] && this.lefts[a] < this.lefts[b]);
  }

  private swap(a: number, b: number): void {
    [this.ranks[a], this.ranks[b]] = [this.ranks[b], this.ranks[a]];
    [this.lefts[a], this.lefts[b]] = [this.lefts[b], this.lefts[a]];
  }

  push(rank: number, left: number): void {
    this.ranks.push(rank);
    this.lefts.push(left);
    let i = this.ranks.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): { rank: number; left: number } {
    const top = { rank: this.ranks[0], left: this.lefts[0] };
    const lastRank = this.ranks.pop() as number;
    const lastLeft = this.lefts.pop() as number;
    if (this.ranks.length > 0) {
      this.ranks[0] = lastRank;
      this.lefts[0] = lastLeft;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.ranks.length && this.less(l, m)) m = l;
        if (r < this.ranks.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}

export class BpeModel {
  readonly vocab: Map<string, number>;
  readonly idToToken: string[];
  private readonly merges = new Map<string, Merge>();
  private readonly cache = new Map<string, number[]>();
  private readonly unkId: number | undefined;
  private readonly byteFallback: boolean;
  private readonly fuseUnk: boolean;
  private readonly ignoreMerges: boolean;

  constructor(json: BpeModelJson) {
    if (json.type !== 'BPE') throw new Error(`unsupported tokenizer model ${json.type} (only BPE)`);
    this.vocab = new Map(Object.entries(json.vocab));
    this.idToToken = [];
    for (const [tok, id] of this.vocab) this.idToToken[id] = tok;
    json.merges.forEach((m, rank) => {
      // Merges are "a b" in older files and ["a", "b"] in newer ones (which allows spaces inside tokens).
      const [a, b] = typeof m === 'string' ? splitMerge(m) : m;
      const key = a + '\u0000' + b;
      if (!this.merges.has(key)) this.merges.set(key, { rank, merged: a + b });
    });
    this.unkId = json.unk_token != null ? this.vocab.get(json.unk_token) : undefined;
    this.byteFallback = json.byte_fallback ?? false;
    this.fuseUnk = json.fuse_unk ?? false;
    this.ignoreMerges = json.ignore_merges ?? false;
  }

  encodeWord(word: string): number[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const ids = this.encodeUncached(word);
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(word, ids);
    return ids;
  }

  private encodeUncached(word: string): number[] {
    if (this.ignoreMerges) {
      const whole = this.vocab.get(word);
      if (whole !== undefined) return [whole];
    }
    const sym = Array.from(word);
    const n = sym.length;
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    const alive = new Uint8Array(n).fill(1);
    for (let i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    const heap = new MergeHeap();
    const consider = (left: number): void => {
      const right = next[left];
      if (right < 0) return;
      const m = this.merges.get(sym[left] + '\u0000' + sym[right]);
      if (m) heap.push(m.rank, left);
    };
    for (let i = 0; i + 1 < n; i++) consider(i);
    while (heap.size > 0) {
      const { rank, left } = heap.pop();
      if (!alive[left]) continue;
      const right = next[left];
      if (right < 0) continue;
      // Stale entry if either side changed since it was queued: the pair must still merge at this rank.
      const m = this.merges.get(sym[left] + '\u0000' + sym[right]);
      if (!m || m.rank !== rank) continue;
      sym[left] = m.merged;
      alive[right] = 0;
      next[left] = next[right];
      if (next[right] >= 0) prev[next[right]] = left;
      if (prev[left] >= 0) consider(prev[left]);
      consider(left);
    }
    const ids: number[] = [];
    let lastWasUnk = false;
    for (let i = 0; i >= 0 && i < n; i = next[i]) {
      const id = this.vocab.get(sym[i]);
      if (id !== undefined) {
        ids.push(id);
        lastWasUnk = false;
        continue;
      }
      if (this.byteFallback) {
        const bytes = new TextEncoder().encode(sym[i]);
        const byteIds = Array.from(bytes, (b) => this.vocab.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`));
        if (byteIds.every((x): x is number => x !== undefined)) {
          ids.push(...byteIds);
          lastWasUnk = false;
          continue;
        }
      }
      if (this.unkId === undefined) throw new Error(`cannot tokenise ${JSON.stringify(sym[i])}: no unk token and no byte fallback`);
      if (!(this.fuseUnk && lastWasUnk)) ids.push(this.unkId);
      lastWasUnk = true;
    }
    return ids;
  }
}

function splitMerge(m: string): [string, string] {
  const i = m.indexOf(' ', 1);
  if (i < 0) throw new Error(`bad merge ${JSON.stringify(m)}`);
  return [m.slice(0, i), m.slice(i + 1)];
}
