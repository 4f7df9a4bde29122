import type { BpeModelJson } from './json';
import { mergeByRank } from './merge-by-rank';

/**
 * Byte-pair encoding of one pre-tokenised word, merged by mergeByRank, so long words without whitespace
 * (SentencePiece style, where the whole text is one "word") stay O(n log n) instead of quadratic.
 */

/** Words of this many characters or more are not cached (tokenizers' MAX_LENGTH). */
const MAX_CACHED_WORD = 256;

export class BpeModel {
  readonly vocab: Map<string, number>;
  readonly idToToken: string[];
  /** "a\u0000b" → the rank of merging a with b (the merged symbol is a + b). */
  private readonly merges = new Map<string, number>();
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
      if (!this.merges.has(key)) this.merges.set(key, rank);
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
    const next = mergeByRank(
      n,
      (left, right) => this.merges.get(sym[left] + '\u0000' + sym[right]),
      (left, right) => (sym[left] += sym[right]),
    );
    const ids: number[] = [];
    let lastWasUnk = false;
    for (let i = 0; i < n; i = next[i]) {
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
