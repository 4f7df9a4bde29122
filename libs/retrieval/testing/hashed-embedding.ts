import { createHash } from 'node:crypto';

/**
 * A deterministic bag-of-words embedding for specs (each lower-cased word adds ±1 to a few hashed dimensions, then
 * L2-normalised): texts sharing words are near, others far, without a model. Benches use the engine's embeddings.
 */
export function hashedEmbedding(text: string, dimension = 64): number[] {
  const v = new Array<number>(dimension).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    const h = createHash('sha256').update(word).digest();
    for (let i = 0; i < 3; i++) v[h[i] % dimension] += h[i + 3] & 1 ? 1 : -1;
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}
