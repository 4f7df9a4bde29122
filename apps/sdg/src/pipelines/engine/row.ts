import { createHash } from 'node:crypto';

/** One dataset row: named columns of JSON values, as InstructLab's pandas rows are. */
export type Row = Record<string, unknown>;

/** A 31-bit seed derived from parts, so every call's sampling seed depends only on the job seed and its place. */
export function derivedSeed(...parts: (string | number)[]): number {
  const h = createHash('sha256').update(parts.join('\u0000')).digest();
  return h.readUInt32BE(0) & 0x7fffffff;
}

/** A small deterministic PRNG (mulberry32) for sampling and shuffles. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function asText(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}
