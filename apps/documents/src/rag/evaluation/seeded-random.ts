/**
 * A seeded uniform generator in [0, 1) (mulberry32 over a 32-bit seed), so an experiment's sample of settings and its
 * bootstrap intervals are the same every time it runs (and when a resumed job recomputes them). Math.random cannot be
 * seeded.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A 32-bit seed from a text (an experiment id): FNV-1a over its UTF-16 code units. */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
