import { describe, expect, it } from 'vitest';
import { Arena } from './arena';
import { MatmulPool } from './parallel';
import { packPanel, packPanelBf16, readPanelRow } from './panel-layout';

/** bf16-representable values (a bf16 is the top half of an f32), so both layouts hold the same weights exactly. */
function randomBf16Values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  const bits = new Uint32Array(out.buffer);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 2;
    bits[i] &= 0xffff0000;
  }
  return out;
}

describe('panel layout matmul', () => {
  const cases = [
    { inDim: 64, outDim: 37 },
    { inDim: 24, outDim: 8 },
    { inDim: 136, outDim: 70 },
    { inDim: 1024, outDim: 70 }, // several groups of panels (about 128 KiB each) and a partial last one
  ];
  const variants = [false, true].flatMap((bf16) => [1, 2].flatMap((threads) => [false, true].map((fused) => ({ bf16, threads, fused }))));
  for (const { bf16, threads, fused } of variants) {
    const kind = `${bf16 ? 'bf16' : 'f32'}, ${threads} thread(s), ${fused ? 'fused' : 'separate'} multiply-add`;
    it(`gives bit for bit the row-major kernel's results (${kind}, batch 1-17)`, async () => {
      for (const { inDim, outDim } of cases) {
        const maxBatch = 17; // quads, leftovers, and bf16's widened panels (from batch 8)
        const arena = new Arena(
          Arena.sizeOf([outDim * inDim, outDim * inDim, 2 * maxBatch * inDim, 2 * maxBatch * outDim, threads * 4 * inDim]),
          { fused },
        );
        expect(arena.usesWasm).toBe(true);
        expect(arena.fused).toBe(fused);
        const values = randomBf16Values(outDim * inDim, inDim + outDim);
        const rowMajor = bf16 ? arena.concatBf16([values]) : arena.concat([values]);
        const panel = bf16 ? arena.allocU16(values.length) : arena.alloc(values.length);
        if (panel instanceof Uint16Array) packPanelBf16(values, outDim, inDim, panel);
        else packPanel(values, outDim, inDim, panel);
        const x = arena.alloc(maxBatch * inDim);
        x.set(randomBf16Values(x.length, 7).map((v, i) => v * (1 + i / 3)));
        const xi = arena.alloc(maxBatch * inDim);
        const scratch = arena.alloc(threads * 4 * inDim);
        const expected = arena.alloc(maxBatch * outDim);
        const actual = arena.alloc(maxBatch * outDim);
        // Big enough products go to the workers too (the pool splits above 2^16 multiply-adds).
        const pool = new MatmulPool(threads, arena);
        try {
          for (let batch = 1; batch <= maxBatch; batch++) {
            pool.matmul(rowMajor, x, expected, batch, inDim, outDim);
            actual.fill(NaN);
            pool.matmulPanel(panel, x, xi, scratch, actual, batch, inDim, outDim);
            expect(Array.from(actual.subarray(0, batch * outDim))).toEqual(Array.from(expected.subarray(0, batch * outDim)));
          }
        } finally {
          await pool.close();
        }
        const row = new Float32Array(inDim);
        for (const r of [0, 3, outDim - 1]) {
          readPanelRow(panel, r, outDim, inDim, row);
          expect(Array.from(row)).toEqual(Array.from(values.subarray(r * inDim, (r + 1) * inDim)));
        }
      }
    });
  }
});
