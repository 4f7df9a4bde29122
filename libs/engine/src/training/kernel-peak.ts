/**
 * The peak the training benchmark compares against: the trainer's two SIMD kernels (the engine's matmul for the
 * forward, the accumulate kernel for the backward) run on in-cache operands on `threads` threads at once, each
 * thread in its own memory, as the trainer's threads run. Returns the summed GFLOP/s of each kernel.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** Operand sizes: a 384 × 128 weight (the starter model's MLP projections) against 64 rows, ~330 KB in all. */
export const PEAK_SHAPE = { rows: 64, inDim: 128, outDim: 384 } as const;

export interface PeakWorkerData {
  ctrl: SharedArrayBuffer;
  seconds: number;
}

export interface PeakWorkerReply {
  ready?: boolean;
  matmulGflops?: number;
  accumulateGflops?: number;
  error?: string;
}

export interface KernelPeak {
  threads: number;
  /** Forward kernel, all threads together. */
  matmulGflops: number;
  /** Backward kernel, all threads together. */
  accumulateGflops: number;
}

export async function measureKernelPeak(threads: number, seconds = 1): Promise<KernelPeak> {
  const ctrl = new SharedArrayBuffer(4);
  const workers = Array.from({ length: Math.max(1, threads) }, () => spawn({ ctrl, seconds }));
  try {
    const ready = workers.map((w) => next(w));
    await Promise.all(ready);
    const results = workers.map((w) => next(w));
    const flag = new Int32Array(ctrl);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    const replies = await Promise.all(results);
    return {
      threads: workers.length,
      matmulGflops: replies.reduce((s, r) => s + (r.matmulGflops ?? 0), 0),
      accumulateGflops: replies.reduce((s, r) => s + (r.accumulateGflops ?? 0), 0),
    };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

function next(w: Worker): Promise<PeakWorkerReply> {
  return new Promise((resolve, reject) => {
    w.once('message', (r: PeakWorkerReply) => (r.error ? reject(new Error(r.error)) : resolve(r)));
    w.once('error', reject);
  });
}

/** Like the gradient workers: the TypeScript source through @swc-node/register, or a compiled .js beside it. */
function spawn(data: PeakWorkerData): Worker {
  const js = join(__dirname, 'kernel-peak-worker.js');
  if (existsSync(js)) return new Worker(js, { workerData: data });
  return new Worker(join(__dirname, 'kernel-peak-worker.ts'), {
    workerData: data,
    execArgv: ['-r', require.resolve('@swc-node/register')],
  });
}
