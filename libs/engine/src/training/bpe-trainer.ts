import { BYTE_TO_CHAR } from '../tokenizer/byte-level';
import type { TokenizerJson } from '../tokenizer/json';
import { buildPreTokenizer } from '../tokenizer/pipeline';

export interface BpeTrainOptions {
  /** Total vocabulary including the 256 byte symbols and the special tokens. */
  vocabSize: number;
  /** Added tokens, given ids after the learned vocabulary in this order. */
  specialTokens: readonly string[];
}

const PRE_TOKENIZER = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true } as const;

/**
 * Trains a GPT-2 style byte-level BPE and returns it as a Hugging Face tokenizer.json. It pre-tokenises with the
 * engine's own ByteLevel pre-tokenizer so training and inference split text identically, and breaks count ties
 * by the pair's text, so the same corpus always yields the same vocabulary.
 */
export function trainByteLevelBpe(texts: readonly string[], opts: BpeTrainOptions): TokenizerJson {
  const pre = buildPreTokenizer(PRE_TOKENIZER);
  const specials = [...opts.specialTokens].sort((a, b) => b.length - a.length);
  const wordCounts = new Map<string, number>();
  for (const text of texts) {
    // Special tokens are cut out before BPE at inference, so they must not shape the merges either.
    let pieces = [text];
    for (const s of specials) pieces = pieces.flatMap((p) => p.split(s));
    for (const piece of pieces) {
      for (const w of pre(piece, true)) if (w.length > 0) wordCounts.set(w, (wordCounts.get(w) ?? 0) + 1);
    }
  }
  const words = [...wordCounts].map(([w, count]) => ({ sym: Array.from(w), count }));
  const vocab: Record<string, number> = {};
  BYTE_TO_CHAR.forEach((c, i) => (vocab[c] = i));
  let nextId = 256;
  const merges: [string, string][] = [];
  const target = opts.vocabSize - opts.specialTokens.length;
  while (nextId < target) {
    const pairs = new Map<string, number>();
    for (const { sym, count } of words) {
      for (let i = 0; i + 1 < sym.length; i++) {
        const key = sym[i] + '\u0000' + sym[i + 1];
        pairs.set(key, (pairs.get(key) ?? 0) + count);
      }
    }
    let best: string | undefined;
    let bestCount = 1; // a pair seen once is not worth a vocabulary slot
    for (const [key, c] of pairs) if (c > bestCount || (c === bestCount && best !== undefined && key < best)) [best, bestCount] = [key, c];
    if (best === undefined) break;
    const [a, b] = best.split('\u0000');
    const merged = a + b;
    merges.push([a, b]);
    if (vocab[merged] === undefined) vocab[merged] = nextId++;
    for (const w of words) {
      const s = w.sym;
      for (let i = 0; i + 1 < s.length; i++) if (s[i] === a && s[i + 1] === b) s.splice(i, 2, merged);
    }
  }
  const added = opts.specialTokens.map((content, i) => ({
    id: nextId + i,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: PRE_TOKENIZER,
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges,
    },
  } as TokenizerJson;
}
