/**
 * The WebAssembly SIMD compute ceiling of this machine: the engine's matmul kernel (the panel blocks the model
 * runs; random weights, the layout does not change the work) on operands that stay in cache (256×256 weights,
 * batch 16), run in `cores` independent workers at once, each on its own memory, GFLOP/s summed; `fused`: the
 * blocks with fused multiply-adds (relaxed SIMD, where the runtime has it).
 * Independent workers, like the scalar peak: splitting one small product over a thread pool measures the
 * handshake (a wake-up per 2 MFLOP product), not the cores, and read below the 1-core figure on a busy machine.
 */
import { Worker } from 'node:worker_threads';
import { buildWasmModuleBytes, wasmMatmulPanel } from '@platform/engine/internals';

const IN = 256;
const OUT = 256;
const BATCH = 16;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const wasmMatmulPanel = (${wasmMatmulPanel.toString()});
const { pages, bytes, inDim, outDim, batch } = workerData;
const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
const ex = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem: memory } }).exports;
const heap = new Float32Array(memory.buffer);
const wOff = 0, xOff = inDim * outDim, xiOff = xOff + batch * inDim, outOff = xiOff + batch * inDim;
for (let i = 0; i < xiOff; i++) heap[i] = Math.random() - 0.5;
const run = () => {
  ex.interleave(xOff * 4, xiOff * 4, inDim * 4, batch >> 2);
  wasmMatmulPanel(ex, false, wOff * 4, xOff * 4, xiOff * 4, 0, outOff * 4, batch, inDim, outDim, 0, outDim);
};
const reps = 200;
let best = 0;
for (let k = 0; k < 8; k++) {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) run();
  best = Math.max(best, (2 * batch * inDim * outDim * reps) / (performance.now() - t0) / 1e6);
}
parentPort.postMessage(best);
`;

export async function simdPeakGflops(cores: number, fused: boolean): Promise<number> {
  const floats = IN * OUT + 2 * BATCH * IN + BATCH * OUT;
  const pages = Math.ceil((floats * 4) / 65536);
  const bytes = buildWasmModuleBytes(pages, fused);
  const results = await Promise.all(
    Array.from(
      { length: cores },
      () =>
        new Promise<number>((resolve, reject) => {
          const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { pages, bytes, inDim: IN, outDim: OUT, batch: BATCH } });
          w.once('message', (g: number) => {
            resolve(g);
            void w.terminate();
          });
          w.once('error', reject);
        }),
    ),
  );
  return results.reduce((a, b) => a + b, 0);
}
