import { describe, expect, it } from 'vitest';
import { Arena } from './arena';
import { rmsNormRows, ropeInPlace } from './kernels';
import { instantiateBlocks } from './wasm-runtime';

/** Values over many binades (and exact zeros), so that roundings differ wherever the arithmetic does. */
function fill(a: Float32Array | Float64Array, seed: number, spread = 8): void {
  let s = seed;
  for (let i = 0; i < a.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const u = s / 2 ** 32;
    a[i] = i % 97 === 0 ? 0 : (u - 0.5) * 2 ** ((i * 7) % spread);
  }
}

describe('wasm row kernels (bit for bit the JS ones)', () => {
  const arena = new Arena(1 << 22);
  const blocks = instantiateBlocks(arena.module!, arena.memory!);

  it('addRows adds in f32 as a Float32Array loop does', () => {
    const n = 4 * 259;
    const dst = arena.alloc(n);
    const src = arena.alloc(n);
    fill(dst, 3, 30);
    fill(src, 5, 30);
    const want = dst.map((d, i) => d + src[i]);
    blocks.addRows(dst.byteOffset, src.byteOffset, n * 4);
    expect(Array.from(dst)).toEqual(Array.from(want));
  });

  it.each([1, 3, 4, 5, 9])('rmsNorm matches rmsNormRows on %i rows', (rows) => {
    const dim = 516; // a multiple of 4, not of 8 or 16
    const src = arena.alloc(rows * dim);
    const weight = arena.alloc(dim);
    const got = arena.alloc(rows * dim).fill(NaN);
    fill(src, rows, 20);
    fill(weight, 17, 4);
    const want = new Float32Array(rows * dim);
    rmsNormRows(src, want, rows, dim, weight, 1e-6);
    blocks.rmsNorm(src.byteOffset, got.byteOffset, weight.byteOffset, rows, dim * 4, 1e-6);
    expect(Array.from(got)).toEqual(Array.from(want));
    // and a row that only the epsilon keeps finite
    src.fill(0, 0, dim);
    rmsNormRows(src, want, 1, dim, weight, 1e-5);
    blocks.rmsNorm(src.byteOffset, got.byteOffset, weight.byteOffset, 1, dim * 4, 1e-5);
    expect(Array.from(got.subarray(0, dim))).toEqual(Array.from(want.subarray(0, dim)));
  });

  it('rope matches ropeInPlace on every head of every row', () => {
    const [rows, heads, hd, stride] = [3, 5, 24, 5 * 24 + 8];
    const half = hd / 2;
    const v = arena.alloc(rows * stride);
    const trig = arena.alloc(4 * rows * half);
    const cos = new Float64Array(trig.buffer, trig.byteOffset, rows * half);
    const sin = new Float64Array(trig.buffer, trig.byteOffset + rows * half * 8, rows * half);
    fill(v, 23, 12);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < half; j++) {
        const angle = (r * 37 + 5) * 10000 ** (-j / half);
        cos[r * half + j] = Math.cos(angle);
        sin[r * half + j] = Math.sin(angle);
      }
    }
    const want = Float32Array.from(v);
    for (let r = 0; r < rows; r++) ropeInPlace(want, r * stride, heads, hd, cos, sin, r * half);
    blocks.rope(v.byteOffset, stride * 4, cos.byteOffset, sin.byteOffset, rows, heads, hd * 4);
    expect(Array.from(v)).toEqual(Array.from(want));
  });
});
