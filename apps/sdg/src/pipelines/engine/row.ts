import { createHash } from 'node:crypto';
import { training } from '@platform/engine';

/** One dataset row: named columns of JSON values, as InstructLab's pandas rows are. */
export type Row = Record<string, unknown>;

/** A 31-bit seed derived from parts, so every call's sampling seed depends only on the job seed and its place. */
export function derivedSeed(...parts: (string | number)[]): number {
  const h = createHash('sha256').update(parts.join('\u0000')).digest();
  return h.readUInt32BE(0) & 0x7fffffff;
}

/** The engine's small deterministic PRNG (mulberry32), for sampling and shuffles. */
export const rng = training.createRng;

export function asText(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}
