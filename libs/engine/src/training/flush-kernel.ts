/**
 * The gradient flush's adds (grad-flush.ts) as kernels of the trainer's module, for workspaces that share one memory
 * with the sinks: flushPair(pdst, pa, pb, count) sets dst = (dst + a) + b and clears a and b, flushOne(pdst, pa,
 * count) dst += a and clears a, four floats a pass over `count` (a multiple of 4) floats. An f32 add is the float64
 * sum rounded once, so these are the JS loop's adds to the bit; the loop, with its rounding per add, took ≈ 2.8 ns
 * an element.
 */
import { advance, op, whileAtLeast } from '../wasm-encoding';

function flushBody(sources: 1 | 2): { locals: [number, number]; body: number[] } {
  const ptrs = sources === 2 ? [0, 1, 2] : [0, 1];
  const count = ptrs.length;
  const [pdst, ...src] = ptrs;
  return {
    locals: [0, 0],
    body: whileAtLeast(count, 4, [
      ...op.get(pdst),
      ...op.get(pdst),
      ...op.vload,
      ...src.flatMap((p) => [...op.get(p), ...op.vload, ...op.vadd]),
      ...op.vstore,
      ...src.flatMap((p) => [...op.get(p), ...op.vzero, ...op.vstore]),
      ...ptrs.flatMap((p) => advance(p, op.i32(16))),
      ...advance(count, op.i32(-4)),
    ]),
  };
}

export const flushPairBody = (): { locals: [number, number]; body: number[] } => flushBody(2);
export const flushOneBody = (): { locals: [number, number]; body: number[] } => flushBody(1);
