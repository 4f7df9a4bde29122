import { parentPort, workerData } from 'node:worker_threads';
import { Arena } from '../arena';
import { wasmMatmul } from '../wasm-matmul';
import { instantiateBlocks, WASM_PAGE_BYTES } from '../wasm-runtime';
import { accumulate, compileAccumulateModule, instantiateAccumulate } from './accumulate-kernel';
import { PEAK_SHAPE, type PeakWorkerData, type PeakWorkerReply } from './kernel-peak';

/**
 * One thread of the peak measurement: its own memory with operands that stay in cache, then, once every thread is
 * ready, the engine's matmul and the accumulate kernel, alternating, for twice the given time.
 */
function main(): void {
  const port = parentPort;
  if (!port) return;
  const { ctrl, seconds } = workerData as PeakWorkerData;
  const { rows, inDim, outDim } = PEAK_SHAPE;
  const floats = 2 * outDim * inDim + 2 * rows * outDim + rows * inDim;
  const arena = new Arena(floats * 4 + 4096);
  if (!arena.memory || !arena.module) {
    port.postMessage({ error: 'WebAssembly SIMD is not available' } satisfies PeakWorkerReply);
    return;
  }
  const mm = instantiateBlocks(arena.module, arena.memory);
  const pages = arena.buffer.byteLength / WASM_PAGE_BYTES;
  const accModule = compileAccumulateModule(pages, arena.fused);
  if (!accModule) throw new Error('accumulate kernel did not compile');
  const acc = instantiateAccumulate(accModule, arena.memory);
  const heap = arena.heap;
  for (let i = 0; i < floats; i++) heap[i] = ((i * 7919) % 1000) / 1000 - 0.5;
  const w = 0;
  const x = outDim * inDim;
  const out = x + rows * outDim;
  const matmul = (): void => wasmMatmul(mm, false, w * 4, x * 4, out * 4, rows, inDim, outDim, 0, outDim);
  // dW[out × in] += dYᵀ·X over `rows` tokens: the trainer's weight-gradient shape.
  const gradient = (): void => accumulate(acc, heap, x, 1, outDim, out, inDim, w, inDim, outDim, inDim, rows);
  const flopsPerCall = 2 * rows * inDim * outDim;
  for (let k = 0; k < 50; k++) {
    matmul();
    gradient();
  }
  const flag = new Int32Array(ctrl);
  port.postMessage({ ready: true } satisfies PeakWorkerReply);
  Atomics.wait(flag, 0, 0);
  // The two kernels alternate in short slices, so a load that changes during the measurement weighs on both alike.
  const spent = [0, 0];
  const calls = [0, 0];
  const end = performance.now() + 2 * seconds * 1000;
  while (performance.now() < end) {
    for (const [i, f] of [matmul, gradient].entries()) {
      const t0 = performance.now();
      for (let k = 0; k < 16; k++) f();
      spent[i] += performance.now() - t0;
      calls[i] += 16;
    }
  }
  const [matmulGflops, accumulateGflops] = [0, 1].map((i) => (calls[i] * flopsPerCall) / (spent[i] / 1000) / 1e9);
  port.postMessage({ matmulGflops, accumulateGflops } satisfies PeakWorkerReply);
}

main();
