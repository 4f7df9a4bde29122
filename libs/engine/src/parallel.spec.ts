import { describe, expect, it } from 'vitest';
import { Arena } from './arena';
import { MatmulPool } from './parallel';
import { packPanel } from './panel-layout';

describe('MatmulPool', () => {
  it("turns a worker's failure into an error on the calling thread and stays usable", async () => {
    const inDim = 512;
    const outDim = 1024;
    const batch = 4;
    const arena = new Arena(Arena.sizeOf([batch * inDim, batch * inDim, batch * outDim, 2 * 4 * inDim, (outDim / 2) * inDim]));
    const x = arena.alloc(batch * inDim);
    const xi = arena.alloc(batch * inDim);
    const out = arena.alloc(batch * outDim);
    const scratch = arena.alloc(2 * 4 * inDim);
    // Weights for half the rows, at the end of the memory: the calling thread's half of the product reads them, the
    // worker's half runs past the memory's end and traps (before, the caller then waited for it forever).
    const w = arena.alloc((outDim / 2) * inDim);
    expect(w.byteOffset + outDim * inDim * 4).toBeGreaterThan(arena.buffer.byteLength);
    const values = Float32Array.from({ length: w.length }, (_, i) => ((i % 7) - 3) / 8);
    packPanel(values, outDim / 2, inDim, w);
    x.fill(1);
    const pool = new MatmulPool(2, arena);
    try {
      expect(() => pool.matmulPanel(w, x, xi, scratch, out, batch, inDim, outDim)).toThrow(
        /worker thread failed its part of the job: RuntimeError: memory access out of bounds/,
      );
      // The same pool then runs a product that fits, on both threads, with the right results.
      out.fill(NaN);
      pool.matmulPanel(w, x, xi, scratch, out, batch, inDim, outDim / 2);
      for (const o of [0, outDim / 2 - 1]) {
        const expected = values.subarray(o * inDim, (o + 1) * inDim).reduce((a, v) => a + v, 0);
        expect(out[o]).toBeCloseTo(expected, 4);
      }
    } finally {
      await pool.close();
    }
  });
});
