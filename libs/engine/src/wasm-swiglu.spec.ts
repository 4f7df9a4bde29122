import { describe, expect, it } from 'vitest';
import { Arena } from './arena';
import { compileAccumulateModule, instantiateAccumulate } from './training/accumulate-kernel';
import { instantiateBlocks } from './wasm-runtime';

/** silu(g) · up in float64, rounded once: what the SIMD kernel is held to. */
const exact = (g: number, up: number) => Math.fround((g / (1 + Math.exp(-g))) * up);

describe('wasm SIMD swiglu', () => {
  const arena = new Arena(1 << 20);
  const blocks = instantiateBlocks(arena.module!, arena.memory!);

  it('matches silu(gate) · up to within 2 ulp, row by row', () => {
    const rows = 3;
    const inter = 1412; // not a multiple of 8 or 16 lanes' worth: only of 4
    const gu = arena.alloc(rows * 2 * inter);
    const out = arena.alloc(rows * inter).fill(NaN);
    let s = 11;
    for (let i = 0; i < gu.length; i++) {
      s = (s * 1103515245 + 12345) >>> 0;
      gu[i] = (s / 2 ** 32 - 0.5) * (i % 53 === 0 ? 60 : 12);
    }
    blocks.swiglu(gu.byteOffset, out.byteOffset, rows, inter * 4);
    let worst = 0;
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < inter; i++) {
        const want = exact(gu[r * 2 * inter + i], gu[r * 2 * inter + inter + i]);
        const got = out[r * inter + i];
        // One ulp of |want| in f32 is 2^(exponent − 23).
        const ulp = 2 ** (Math.floor(Math.log2(Math.max(Math.abs(want), 2 ** -126))) - 23);
        worst = Math.max(worst, Math.abs(got - want) / ulp);
      }
    }
    expect(worst).toBeLessThanOrEqual(2);
  });

  it('keeps the limits where e^-g over- or underflows, and passes NaN on', () => {
    const gates = [87.5, 88.5, 200, 1e30, -87.5, -88.5, -200, -1e30, 0, -0, NaN, 1];
    const gu = arena.alloc(2 * gates.length);
    gu.set(gates);
    gu.fill(2, gates.length);
    const out = arena.alloc(gates.length);
    blocks.swiglu(gu.byteOffset, out.byteOffset, 1, gates.length * 4);
    expect(Array.from(out.subarray(0, 4))).toEqual([175, 177, 400, 2e30].map(Math.fround));
    for (const v of out.subarray(4, 10)) expect(Math.abs(v)).toBeLessThan(1e-35);
    expect(Object.is(out[7], -0)).toBe(true); // e^1e30 overflows: −1e30 / ∞
    expect(out[10]).toBeNaN();
    expect(out[11]).toBeCloseTo(exact(1, 2), 6);
  });
});

describe('wasm SIMD swiglu backward (the trainer module)', () => {
  it("is bit for bit the trainer's float64 loop, row by row, signed zeros and NaN included", () => {
    const rows = 3;
    const inter = 20; // five passes of four lanes a row
    const arena = new Arena(1 << 16);
    const acc = instantiateAccumulate(compileAccumulateModule(arena.buffer.byteLength / 65536, arena.fused)!, arena.memory!);
    const gu = arena.alloc(rows * 2 * inter);
    const sig = arena.alloc(rows * inter);
    const da = arena.alloc(rows * inter);
    const dgu = arena.alloc(rows * 2 * inter).fill(NaN);
    let s = 5;
    const next = () => ((s = (s * 1103515245 + 12345) >>> 0), s / 2 ** 32 - 0.5);
    for (let i = 0; i < gu.length; i++) gu[i] = next() * 16;
    for (let r = 0; r < rows; r++) for (let i = 0; i < inter; i++) sig[r * inter + i] = 1 / (1 + Math.exp(-gu[r * 2 * inter + i]));
    for (let i = 0; i < da.length; i++) da[i] = next() * 1e-3;
    gu.set([0, -0, NaN, 1e30], 4);
    sig.set([0.5, 0.5, NaN, 1], 4);
    da.set([-0, 1e-30, 3, 1e-20], 8);
    acc.swigluBackward(gu.byteOffset, sig.byteOffset, da.byteOffset, dgu.byteOffset, rows, inter * 4);
    const want = new Float32Array(dgu.length);
    for (let t = 0; t < rows; t++) {
      for (let i = 0; i < inter; i++) {
        const z = gu[t * 2 * inter + i];
        const sg = sig[t * inter + i];
        const d = da[t * inter + i];
        want[t * 2 * inter + inter + i] = d * z * sg;
        want[t * 2 * inter + i] = d * gu[t * 2 * inter + inter + i] * (sg + z * sg * (1 - sg));
      }
    }
    expect(Array.from(dgu, (v) => (Object.is(v, -0) ? '-0' : v))).toEqual(Array.from(want, (v) => (Object.is(v, -0) ? '-0' : v)));
  });
});
