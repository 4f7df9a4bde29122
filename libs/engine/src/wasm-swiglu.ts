/**
 * swiglu(pgu, pdst, rows, interBytes): silu(gate) · up for `rows` rows of [gate | up] (interBytes each half) into
 * rows of interBytes at pdst, four lanes at a time. The scalar loop spends nearly all its time in Math.exp; this
 * one computes exp in f32 the way Cephes' expf does (as PyTorch's vectorised f32 silu does, within an ulp or two):
 * n = round(x·log₂e), r = x − n·ln2 in two parts, a degree-6 polynomial for eʳ, and 2ⁿ written into the exponent
 * bits. The argument is clamped to [−87, 88.72]: below, 2ⁿ stays a normal float and silu(g) is g to f32 precision;
 * at the top n reaches 128, whose exponent bits are +∞, so e⁻ᵍ overflows as f32 exp does and silu(g) is ±0.
 * interBytes must be a positive multiple of 16.
 */
import { op } from './wasm-encoding';

const LOG2E = 1.44269504088896341;
// ln2 = LN2_HI + LN2_LO, LN2_HI with few enough bits that n · LN2_HI is exact for every n in range.
const LN2_HI = 0.693359375;
const LN2_LO = -2.1219444e-4;
const POLY = [1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];

export function swigluBody(): { locals: [number, number]; body: number[] } {
  const [pg, pd, rows, interB] = [0, 1, 2, 3];
  const end = 4;
  const [g, x, n, y] = [5, 6, 7, 8];
  const body: number[] = [
    ...op.loop,
    ...op.get(pg),
    ...op.get(interB),
    ...op.add,
    ...op.set(end),
    ...op.loop,
    // x = clamp(−g); n = round(x · log₂e); x −= n · ln2
    ...op.get(pg),
    ...op.vload,
    ...op.tee(g),
    ...op.vneg,
    ...op.f32x4(88.72),
    ...op.vmin,
    ...op.f32x4(-87),
    ...op.vmax,
    ...op.tee(x),
    ...op.f32x4(LOG2E),
    ...op.vmul,
    ...op.vnearest,
    ...op.set(n),
    ...op.get(x),
    ...op.get(n),
    ...op.f32x4(LN2_HI),
    ...op.vmul,
    ...op.vsub,
    ...op.get(n),
    ...op.f32x4(LN2_LO),
    ...op.vmul,
    ...op.vsub,
    ...op.set(x),
    // y = ((((p0·x + p1)·x + p2)·x + p3)·x + p4)·x + p5; eˣ = (y·x² + x + 1) · 2ⁿ
    ...op.f32x4(POLY[0]),
  ];
  for (const p of POLY.slice(1)) body.push(...op.get(x), ...op.vmul, ...op.f32x4(p), ...op.vadd);
  body.push(
    ...op.get(x),
    ...op.vmul,
    ...op.get(x),
    ...op.vmul,
    ...op.get(x),
    ...op.vadd,
    ...op.f32x4(1),
    ...op.vadd,
    ...op.set(y),
    // dst = g / (1 + e⁻ᵍ) · up
    ...op.get(pd),
    ...op.get(g),
    ...op.get(y),
    ...op.get(n),
    ...op.i32x4truncSat,
    ...op.i32x4(127),
    ...op.i32x4add,
    ...op.i32(23),
    ...op.i32x4shl,
    ...op.vmul,
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
  );
  return { locals: [1, 4], body };
}
