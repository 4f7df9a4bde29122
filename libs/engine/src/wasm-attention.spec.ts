import { describe, expect, it } from 'vitest';
import { Arena } from './arena';
import { instantiateBlocks } from './wasm-runtime';

describe('wasm SIMD softmax', () => {
  const arena = new Arena(1 << 20);
  const blocks = instantiateBlocks(arena.module!, arena.memory!);

  it('matches a float64 softmax of (w − max)·scale for every length, and pads with zeros', () => {
    const scale = 0.125;
    let s = 5;
    for (const len of [1, 2, 3, 4, 5, 7, 16, 17, 37, 1000]) {
      const w = arena.alloc(len);
      const after = arena.alloc(4).fill(7); // the next allocation starts on the next 64 bytes: never written
      for (let j = 0; j < len; j++) {
        s = (s * 1103515245 + 12345) >>> 0;
        w[j] = (s / 2 ** 32 - 0.5) * 200;
      }
      const scores = Array.from(w);
      const max = Math.max(...scores);
      const e = scores.map((v) => Math.exp((v - max) * scale));
      const sum = e.reduce((a, b) => a + b, 0);
      blocks.softmax(w.byteOffset, len, scale);
      for (let j = 0; j < len; j++) {
        // (w − max)·scale is rounded to f32 before its exp: a relative error of up to |x| · 2⁻²⁴ on top of a few ulp.
        const want = e[j] / sum;
        const x = Math.abs((scores[j] - max) * scale);
        expect(Math.abs(w[j] - want)).toBeLessThanOrEqual(want * (5e-7 + x * 2 ** -23) + 1e-37);
      }
      const padded = new Float32Array(w.buffer, w.byteOffset, Math.ceil(len / 4) * 4);
      expect(Array.from(padded.subarray(len))).toEqual(new Array<number>(padded.length - len).fill(0));
      expect(Array.from(after)).toEqual([7, 7, 7, 7]);
    }
  });

  it('gives 0 weight to scores whose exp underflows, −∞ included', () => {
    const w = arena.alloc(6);
    w.set([-1e4, 3, -1e30, 2.5, -Infinity, 3]);
    blocks.softmax(w.byteOffset, 6, 1);
    const top = 1 / (2 + Math.exp(-0.5));
    expect([w[0], w[2], w[4]]).toEqual([0, 0, 0]);
    for (const [got, want] of [
      [w[1], top],
      [w[3], top * Math.exp(-0.5)],
      [w[5], top],
    ])
      expect(got).toBeCloseTo(want, 6);
  });
});
