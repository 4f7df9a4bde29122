/**
 * A product whose worker half reads past the end of the memory (a wasm trap in the worker thread), then one that fits,
 * on a 2-thread MatmulPool; prints one JSON line: the first product's error and the second's results beside the
 * expected ones. Run as its own process by parallel.spec.ts (see there why).
 *
 *   node -r @swc-node/register libs/engine/src/testing/worker-failure-check.ts
 */
import { Arena } from '../arena';
import { packPanel } from '../panel-layout';
import { MatmulPool } from '../parallel';

async function main(): Promise<void> {
  const inDim = 512;
  const outDim = 1024;
  const batch = 4;
  const arena = new Arena(Arena.sizeOf([batch * inDim, batch * inDim, batch * outDim, 2 * 4 * inDim, (outDim / 2) * inDim]));
  const x = arena.alloc(batch * inDim);
  const xi = arena.alloc(batch * inDim);
  const out = arena.alloc(batch * outDim);
  const scratch = arena.alloc(2 * 4 * inDim);
  // Weights for half the rows, at the end of the memory: the calling thread's half of the product reads them, the
  // worker's half runs past the memory's end.
  const w = arena.alloc((outDim / 2) * inDim);
  const values = Float32Array.from({ length: w.length }, (_, i) => ((i % 7) - 3) / 8);
  packPanel(values, outDim / 2, inDim, w);
  x.fill(1);
  const pool = new MatmulPool(2, arena);
  let error: string | undefined;
  try {
    pool.matmulPanel(w, x, xi, scratch, out, batch, inDim, outDim);
  } catch (err) {
    error = (err as Error).message;
  }
  // Then a product that fits, on both threads (the worker's half is rows 256-511).
  out.fill(NaN);
  pool.matmulPanel(w, x, xi, scratch, out, batch, inDim, outDim / 2);
  const rows = [0, outDim / 2 - 1];
  const expected = rows.map((o) => values.subarray(o * inDim, (o + 1) * inDim).reduce((a, v) => a + v, 0));
  await pool.close();
  console.log(
    JSON.stringify({
      pastTheEnd: w.byteOffset + outDim * inDim * 4 > arena.buffer.byteLength,
      error,
      got: rows.map((o) => out[o]),
      expected,
    }),
  );
}

void main();
