/**
 * swiglu(pgu, pdst, rows, interBytes): silu(gate) · up for `rows` rows of [gate | up] (interBytes each half) into
 * rows of interBytes at pdst, four lanes at a time, g / (1 + e⁻ᵍ) with the f32 exp of wasm-exp.ts (the scalar loop
 * spent nearly all its time in Math.exp). Where e⁻ᵍ overflows silu(g) is ±0, where it is 0 silu(g) is g, as in f32.
 * interBytes must be a positive multiple of 16.
 *
 * With `keepSigmoid` (the trainer's forward, whose backward needs σ): swigluSig(pgu, pdst, psig, rows, interBytes)
 * also stores σ(g) = 1 / (1 + e⁻ᵍ) into rows at psig, and pdst gets g · σ(g) · up.
 */
import { advance, countUp, joinPairs, op, promoteHigh, whileAtLeast } from './wasm-encoding';
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

/**
 * swigluBackward(pgu, psig, pda, pdgu, rows, interBytes): the trainer's SwiGLU backward, bit for bit its JS loop. For
 * `rows` rows of [gate z | up u] at pgu, σ(z) at psig and the activation's gradient da at pda, writes rows of
 * [dz | du] at pdgu: du = da · z · σ and dz = da · u · (σ + z · σ · (1 − σ)), each in float64 in that order (two lanes
 * at a time) and rounded once to f32. interBytes must be a positive multiple of 16.
 */
export function swigluBackwardBody(): { locals: [number, number]; body: number[] } {
  const [pgu, psig, pda, pdgu, rows, interB] = [0, 1, 2, 3, 4, 5];
  const i = 6;
  const v = 7;
  const [zL, zH, uL, uH, sL, sH, dL, dH] = [8, 9, 10, 11, 12, 13, 14, 15];
  const addr = (p: number, plusInter = false): number[] => [
    ...op.get(p),
    ...op.get(i),
    ...op.add,
    ...(plusInter ? [...op.get(interB), ...op.add] : []),
  ];
  /** The four f32 lanes at `at`, widened into the pair locals lo and hi. */
  const widen = (at: number[], lo: number, hi: number): number[] => [
    ...at,
    ...op.vload,
    ...op.tee(v),
    ...op.f64x2promoteLow,
    ...op.set(lo),
    ...promoteHigh(v),
    ...op.set(hi),
  ];
  const mul = (a: number[], b: number[]): number[] => [...a, ...b, ...op.f64x2mul];
  const du = (d: number, z: number, s: number): number[] => [...mul(mul(op.get(d), op.get(z)), op.get(s)), ...op.f32x4demote];
  const dz = (d: number, u: number, z: number, s: number): number[] => [
    ...mul(op.get(d), op.get(u)),
    ...op.get(s),
    ...mul(mul(op.get(z), op.get(s)), [...op.f64const(1), ...op.f64x2splat, ...op.get(s), ...op.f64x2sub]),
    ...op.f64x2add,
    ...op.f64x2mul,
    ...op.f32x4demote,
  ];
  const lanes = [
    ...widen(addr(pgu), zL, zH),
    ...widen(addr(pgu, true), uL, uH),
    ...widen(addr(psig), sL, sH),
    ...widen(addr(pda), dL, dH),
    ...[...addr(pdgu, true), ...du(dL, zL, sL), ...du(dH, zH, sH), ...joinPairs, ...op.vstore],
    ...[...addr(pdgu), ...dz(dL, uL, zL, sL), ...dz(dH, uH, zH, sH), ...joinPairs, ...op.vstore],
  ];
  const twice = [...op.get(interB), ...op.i32(1), ...op.shl];
  const row = [
    ...countUp(i, 16, interB, lanes),
    ...advance(pgu, twice),
    ...advance(pdgu, twice),
    ...advance(psig, op.get(interB)),
    ...advance(pda, op.get(interB)),
    ...advance(rows, op.i32(-1)),
  ];
  return { locals: [1, 9], body: whileAtLeast(rows, 1, row) };
}
