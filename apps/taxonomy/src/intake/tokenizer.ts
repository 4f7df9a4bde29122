import cl100k from 'js-tiktoken/ranks/cl100k_base';
import { bytePairMerge } from './byte-pair-merge';

// cl100k_base: a real BPE whose counts track the Llama/Granite-class tokenizers closely enough for sizing and quota
// estimates, and which ships inside js-tiktoken, so it works offline. js-tiktoken supplies the vocabulary and the
// pre-tokeniser pattern; the merge is ours (see byte-pair-merge.ts), because its own is quadratic in a word's length.

interface Encoding {
  /** Byte strings (one char per byte) to ranks. */
  ranks: Map<string, number>;
  pattern: RegExp;
}

// Built on first use: decoding the rank table takes a noticeable fraction of a second.
let encoding: Encoding | undefined;

function load(): Encoding {
  const ranks = new Map<string, number>();
  for (const line of cl100k.bpe_ranks.split('\n')) {
    // "<ignored> <first rank> <base64 token> <base64 token> …": consecutive ranks from the first.
    const [, first, ...tokens] = line.split(' ');
    const offset = Number.parseInt(first, 10);
    tokens.forEach((token, i) => ranks.set(Buffer.from(token, 'base64').toString('latin1'), offset + i));
  }
  return { ranks, pattern: new RegExp(cl100k.pat_str, 'gu') };
}

/** The rank of a byte string (one char per byte) in cl100k_base, or undefined when it is no token. */
export function cl100kRank(bytes: string): number | undefined {
  encoding ??= load();
  return encoding.ranks.get(bytes);
}

/** The cl100k_base token ids of `text`, special-token strings included as plain text (as `encode(text, [], [])`). */
export function encodeCl100k(text: string): number[] {
  encoding ??= load();
  const { ranks, pattern } = encoding;
  const ids: number[] = [];
  for (const [piece] of text.matchAll(pattern)) {
    // ASCII pieces (byte length = length) are their own byte string; others are re-read as their UTF-8 bytes.
    const bytes = Buffer.byteLength(piece) === piece.length ? piece : Buffer.from(piece, 'utf8').toString('latin1');
    const whole = ranks.get(bytes);
    if (whole !== undefined) ids.push(whole);
    else for (const id of bytePairMerge(bytes, cl100kRank)) ids.push(id);
  }
  return ids;
}

/** Tokens in `text`. Special-token strings such as "<|endoftext|>" in user data are counted as plain text. */
export function countTokens(text: string): number {
  return encodeCl100k(text).length;
}
