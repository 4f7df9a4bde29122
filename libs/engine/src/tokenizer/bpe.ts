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

/**
 * Min-heap of candidate merges, each packed into one number, rank·2³² + left position, so that comparing numbers
 * orders by rank and then leftmost first. Typed storage sized once: no allocation per push or pop.
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

  /** The smallest key; `rankOf` and `leftOf` unpack it. */
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
const rankOf = (key: number): number => Math.floor(key / POSITIONS);
const leftOf = (key: number): number => key % POSITIONS;

/** Words of this many characters or more are not cached (tokenizers' MAX_LENGTH). */
const MAX_CACHED_WORD = 256;

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
    // Only short words are cached, as Hugging Face does: long ones are rare, and 50,000 of them would hold gigabytes.
    if (word.length >= MAX_CACHED_WORD) return this.encodeUncached(word);
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
    // Each merge queues at most two new candidates: 3n slots always suffice.
    const heap = new MergeHeap(3 * n);
    const consider = (left: number): void => {
      const right = next[left];
      if (right < 0) return;
      const m = this.merges.get(sym[left] + '\u0000' + sym[right]);
      if (m) heap.push(m.rank, left);
    };
    for (let i = 0; i + 1 < n; i++) consider(i);
    while (heap.size > 0) {
      const key = heap.pop();
      const rank = rankOf(key);
      const left = leftOf(key);
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
          for (const id of byteIds) ids.push(id);
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
