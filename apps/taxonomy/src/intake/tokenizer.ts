import { getEncoding, type Tiktoken } from 'js-tiktoken';

// cl100k_base: a real BPE whose counts track the Llama/Granite-class tokenizers closely enough for sizing
// and quota estimates, and which ships inside the package, so it works offline. Built on first use because
// decoding its rank table takes a noticeable fraction of a second.
let encoder: Tiktoken | undefined;

/** Tokens in `text`. Special-token strings such as "<|endoftext|>" in user data are counted as plain text. */
export function countTokens(text: string): number {
  encoder ??= getEncoding('cl100k_base');
  return encoder.encode(text, [], []).length;
}
