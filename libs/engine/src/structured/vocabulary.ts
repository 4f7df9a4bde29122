import { bytesToUnicode } from '../tokenizer/byte-level';
import type { Tokenizer, VocabType } from '../tokenizer/tokenizer';

/** What xgrammar's `TokenizerInfo` is built from. */
export interface XgrammarVocabulary {
  /** One string per logit row, in the vocabulary's own spelling (`vocabType`). */
  encoded: string[];
  vocabType: VocabType;
  stopTokenIds: number[];
}

/**
 * The vocabulary as xgrammar reads it, for `vocabSize` logits (config.json's size, which may exceed the tokenizer's).
 * Special tokens and ids without a token are given as empty strings: xgrammar never allows an empty token inside
 * the output, so no `<|user|>` or padding id can appear in constrained text. The stop tokens (the model's EOS ids)
 * are the only way out of a finished grammar. Plain added tokens hold text, not the vocabulary's byte spelling, so
 * they are spelled out in it.
 */
export function xgrammarVocabulary(tokenizer: Tokenizer, vocabSize: number, eosTokenIds: readonly number[]): XgrammarVocabulary {
  const type = tokenizer.vocabType;
  const encoded = new Array<string>(vocabSize);
  for (let id = 0; id < vocabSize; id++) {
    const token = tokenizer.idToToken(id);
    if (token === undefined || tokenizer.specialIds.has(id)) encoded[id] = '';
    else if (tokenizer.plainAddedIds.has(id)) encoded[id] = spell(token, type);
    else encoded[id] = token;
  }
  return { encoded, vocabType: type, stopTokenIds: eosTokenIds.filter((id) => id >= 0 && id < vocabSize) };
}

function spell(text: string, type: VocabType): string {
  if (type === 'byte_level') return bytesToUnicode(text);
  if (type === 'byte_fallback') return text.replace(/ /g, '\u2581');
  return text;
}
