/**
 * swiglu(pgu, pdst, rows, interBytes): silu(gate) · up for `rows` rows of [gate | up] (interBytes each half) into
 * rows of interBytes at pdst, four lanes at a time, g / (1 + e⁻ᵍ) with the f32 exp of wasm-exp.ts (the scalar loop
 * spent nearly all its time in Math.exp). Where e⁻ᵍ overflows silu(g) is ±0, where it is 0 silu(g) is g, as in f32.
 * interBytes must be a positive multiple of 16.
 */
import { op } from './wasm-encoding';
import { expF32 } from './wasm-exp';

export function swigluBody(): { locals: [number, number]; body: number[] } {
  const [pg, pd, rows, interB] = [0, 1, 2, 3];
  const end = 4;
  const [g, x, n, keep] = [5, 6, 7, 8];
  return {
    locals: [1, 4],
    body: [
      ...op.loop,
      ...op.get(pg),
      ...op.get(interB),
      ...op.add,
      ...op.set(end),
      ...op.loop,
      // dst = g / (1 + e⁻ᵍ) · up
      ...op.get(pd),
      ...op.get(pg),
      ...op.vload,
      ...op.tee(g),
      ...op.get(g),
      ...op.vneg,
      ...op.set(x),
      ...expF32(x, n, keep),
      ...op.f32x4(1),
      ...op.vadd,
      ...op.vdiv,
      ...op.get(pg),
      ...op.get(interB),
      ...op.add,
      ...op.vload,
      ...op.vmul,
      ...op.vstore,
      ...op.get(pd),
      ...op.i32(16),
      ...op.add,
      ...op.set(pd),
      ...op.get(pg),
      ...op.i32(16),
      ...op.add,
      ...op.tee(pg),
      ...op.get(end),
      ...op.ltU,
      ...op.brIf(0),
      ...op.end,
      // past the row's up half to the next row's gate
      ...op.get(pg),
      ...op.get(interB),
      ...op.add,
      ...op.set(pg),
      ...op.get(rows),
      ...op.i32(1),
      ...op.sub,
      ...op.tee(rows),
      ...op.brIf(0),
      ...op.end,
    ],
  };
}
