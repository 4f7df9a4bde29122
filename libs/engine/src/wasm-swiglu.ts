/**
 * swiglu(pgu, pdst, rows, interBytes): silu(gate) · up for `rows` rows of [gate | up] (interBytes each half) into
 * rows of interBytes at pdst, four lanes at a time, g / (1 + e⁻ᵍ) with the f32 exp of wasm-exp.ts (the scalar loop
 * spent nearly all its time in Math.exp). Where e⁻ᵍ overflows silu(g) is ±0, where it is 0 silu(g) is g, as in f32.
 * interBytes must be a positive multiple of 16.
 *
 * With `keepSigmoid` (the trainer's forward, whose backward needs σ): swigluSig(pgu, pdst, psig, rows, interBytes)
 * also stores σ(g) = 1 / (1 + e⁻ᵍ) into rows at psig, and pdst gets g · σ(g) · up.
 */
import { op } from './wasm-encoding';
import { expF32 } from './wasm-exp';

export function swigluBody(keepSigmoid = false): { locals: [number, number]; body: number[] } {
  const [pg, pd] = [0, 1];
  const ps = keepSigmoid ? 2 : -1;
  const [rows, interB] = keepSigmoid ? [3, 4] : [2, 3];
  const end = interB + 1;
  const [g, x, n, keep] = [end + 1, end + 2, end + 3, end + 4];
  const step = (p: number): number[] => [...op.get(p), ...op.i32(16), ...op.add, ...op.set(p)];
  /** Pushes 1 + e⁻ᵍ for the v128 local g. */
  const onePlusExp = [...op.get(g), ...op.vneg, ...op.set(x), ...expF32(x, n, keep), ...op.f32x4(1), ...op.vadd];
  const lane = keepSigmoid
    ? [
        // σ = 1 / (1 + e⁻ᵍ), stored; dst = g · σ · up
        ...op.get(pg),
        ...op.vload,
        ...op.set(g),
        ...op.f32x4(1),
        ...onePlusExp,
        ...op.vdiv,
        ...op.set(x),
        ...op.get(ps),
        ...op.get(x),
        ...op.vstore,
        ...op.get(pd),
        ...op.get(g),
        ...op.get(x),
        ...op.vmul,
      ]
    : // dst = g / (1 + e⁻ᵍ) · up
      [...op.get(pd), ...op.get(pg), ...op.vload, ...op.tee(g), ...onePlusExp, ...op.vdiv];
  return {
    locals: [1, 4],
    body: [
      ...op.loop,
      ...op.get(pg),
      ...op.get(interB),
      ...op.add,
      ...op.set(end),
      ...op.loop,
      ...lane,
      ...op.get(pg),
      ...op.get(interB),
      ...op.add,
      ...op.vload,
      ...op.vmul,
      ...op.vstore,
      ...step(pd),
      ...(keepSigmoid ? step(ps) : []),
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
