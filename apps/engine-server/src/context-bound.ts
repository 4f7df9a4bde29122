import type { ServedModel } from '@platform/engine';

/**
 * The fewest tokens `text` can encode to, when that many already cannot fit `limit`; else undefined. It is computed
 * from the text's length alone (no token covers more bytes than the longest one holds), so a prompt of megabytes is
 * refused in one pass over it instead of being tokenized first. A request that asks for truncation is never refused
 * this way: its prompt is cut to fit after tokenizing.
 */
export function tokensBeyond(model: ServedModel, text: string, limit: number): number | undefined {
  const atLeast = model.minTokens(text);
  return atLeast > limit ? atLeast : undefined;
}
