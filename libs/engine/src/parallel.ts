import { Worker } from 'node:worker_threads';
import { cgroupCpuQuota, cpuBudget } from '@platform/common/cpu-budget';
import type { Arena } from './arena';
import { matmulKernel } from './kernels';
import { attendHeads, type AttentionPool } from './paged-attention';
import { wasmMatmul, wasmMatmulPanel } from './wasm-matmul';
import { instantiateBlocks, type WasmBlocks } from './wasm-runtime';

/**
 * Splits the output rows of each matmul, and each layer's attention (prompt rows by head, decode rows by sequence),
 * between the calling thread and `threads - 1` worker threads. All operands live in one shared Arena, so a job is a
 * handful of integers in a shared control block (an attention job: where its descriptor lies in the arena): the
 * caller posts them, wakes the workers with Atomics.notify, does its own slice, then waits on each worker's done
 * counter. No messages, no copies, one synchronisation per job. While every thread has a core of its own, each polls
 * its word for a while before it sleeps (SPIN_LOADS).
 */

// Control block: Int32 slots for the handshake, Uint32 slots (same memory) for offsets up to 4 G elements.
const SEQ = 0;
const STOP = 1;
const USE_WASM = 2;
const W = 3;
const X = 4;
const OUT = 5;
const BATCH = 6;
const IN = 7;
const OUTDIM = 8;
const ROW0 = 9;
const ROW1 = 10;
const BF16 = 11;
/** 1: weights in the panel layout, x interleaved at XI (wasmMatmulPanel). */
const PANEL = 12;
const XI = 13;
/** This worker's scratch (a widened bf16 panel). */
const SCRATCH = 14;
const DONE = 15;
/**
 * 1: an attention job (attendHeads) instead of a product: its descriptor's word, the prompt rows' heads [H0, H1), the
 * decode rows' share PART of PARTS, scores at WPTR.
 */
const ATTEND = 16;
const DESC = 17;
const H0 = 18;
const H1 = 19;
const WPTR = 20;
/** Loads the worker makes polling for its next job before it sleeps: SPIN_LOADS, or 0 while threads share cores. */
const SPIN = 21;
/** 1: the worker's part of the last job threw (a wasm trap, a bug); its message is in the worker's error text. */
const FAILED = 22;
const PART = 23;
const PARTS = 24;
const CTRL_SLOTS = 25;
/** Bytes of a worker's error text (UTF-8, zero-padded). */
const ERROR_BYTES = 512;

/** Below this many multiply-adds a wake-up round trip costs more than the work. */
const MIN_PARALLEL_MACS = 1 << 16;
/**
 * Loads of its word a thread makes (≈ 0.1 ms) before it sleeps in Atomics.wait: a worker that has just finished a job
 * polls for the next, and the caller for its workers' results. A decode step posts some 60 jobs back to back, and
 * waking a thread that sleeps (a futex; on a VM, an interrupt to a halted vCPU) takes longer than a one-sequence
 * product (tools/bench/engine/README.md). With fewer cores than threads (taskset, a cgroup CPU quota, or more threads
 * asked for than cores: cpuBudget) a poller only keeps the thread it waits for off the core, so then nobody polls; the
 * cores are counted again every CORE_CHECK_JOBS jobs, since a running process can be moved.
 */
const SPIN_LOADS = 1 << 14;
const CORE_CHECK_JOBS = 256;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const matmulKernel = (${matmulKernel.toString()});
const wasmMatmul = (${wasmMatmul.toString()});
const wasmMatmulPanel = (${wasmMatmulPanel.toString()});
const attendHeads = (${attendHeads.toString()});
const heap = new Float32Array(workerData.buffer);
const words = new Uint32Array(workerData.buffer);
const ex = workerData.module ? new WebAssembly.Instance(workerData.module, { env: { mem: workerData.memory } }).exports : null;
const c = new Int32Array(workerData.ctrl);
const u = new Uint32Array(workerData.ctrl);
const errorText = new Uint8Array(workerData.errorText);
let seen = 0;
for (;;) {
  let next = Atomics.load(c, ${SEQ});
  for (let i = 0, n = c[${SPIN}]; next === seen && i < n; i++) next = Atomics.load(c, ${SEQ});
  if (next === seen) Atomics.wait(c, ${SEQ}, seen);
  seen = Atomics.load(c, ${SEQ});
  if (c[${STOP}] === 1) break;
  try {
    if (c[${ATTEND}] === 1) attendHeads(ex, words, u[${DESC}], u[${H0}], u[${H1}], u[${PART}], u[${PARTS}], u[${WPTR}]);
    else if (c[${PANEL}] === 1) wasmMatmulPanel(ex, c[${BF16}] === 1, u[${W}] * 4, u[${X}] * 4, u[${XI}] * 4, u[${SCRATCH}] * 4, u[${OUT}] * 4, u[${BATCH}], u[${IN}], u[${OUTDIM}], u[${ROW0}], u[${ROW1}]);
    else if (c[${USE_WASM}] === 1) wasmMatmul(ex, c[${BF16}] === 1, u[${W}] * 4, u[${X}] * 4, u[${OUT}] * 4, u[${BATCH}], u[${IN}], u[${OUTDIM}], u[${ROW0}], u[${ROW1}]);
    else matmulKernel(heap, u[${W}], heap, u[${X}], heap, u[${OUT}], u[${BATCH}], u[${IN}], u[${OUTDIM}], u[${ROW0}], u[${ROW1}]);
  } catch (err) {
    errorText.fill(0);
    new TextEncoder().encodeInto(String(err).slice(0, ${ERROR_BYTES / 4}), errorText);
    c[${FAILED}] = 1;
  }
  Atomics.store(c, ${DONE}, seen);
  Atomics.notify(c, ${DONE});
}
`;

export class MatmulPool implements AttentionPool {
  readonly threads: number;
  private readonly workers: Worker[] = [];
  private readonly ctrls: Int32Array[] = [];
  private readonly params: Uint32Array[] = [];
  private readonly errorTexts: Uint8Array[] = [];
  private readonly seqs: number[] = [];
  private readonly wasm?: WasmBlocks;
  private readonly words: Uint32Array;
  /** Read once: the quota rarely changes, and reading it costs ≈ 0.1 ms; the affinity mask is counted every check. */
  private readonly cpuQuota = cgroupCpuQuota();
  private spinLoads = 0;
  private jobsToCoreCheck = 0;
  private closed = false;

  constructor(
    threads: number,
    private readonly arena: Arena,
  ) {
    this.threads = Math.max(1, Math.floor(threads));
    this.words = new Uint32Array(arena.buffer);
    if (arena.module && arena.memory) {
      this.wasm = instantiateBlocks(arena.module, arena.memory);
    }
    for (let t = 1; t < this.threads; t++) {
      const ctrl = new SharedArrayBuffer(CTRL_SLOTS * 4);
      const errorText = new SharedArrayBuffer(ERROR_BYTES);
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { buffer: arena.buffer, memory: arena.memory, module: arena.module, ctrl, errorText },
      });
      worker.unref(); // idle workers must never keep the process alive
      this.workers.push(worker);
      this.ctrls.push(new Int32Array(ctrl));
      this.params.push(new Uint32Array(ctrl));
      this.errorTexts.push(new Uint8Array(errorText));
      this.seqs.push(0);
    }
  }

  get usesWasm(): boolean {
    return this.wasm !== undefined;
  }

  /** The calling thread's wasm instance, for kernels the model calls directly (SwiGLU). */
  get wasmBlocks(): WasmBlocks | undefined {
    return this.wasm;
  }

  private offsetOf(a: Float32Array | Uint16Array): number {
    if (a.buffer !== this.arena.buffer) throw new Error('MatmulPool: operand outside the arena');
    return a.byteOffset / 4;
  }

  private run(
    useWasm: boolean,
    bf16: boolean,
    xi: number,
    scratch: number,
    w: number,
    x: number,
    out: number,
    batch: number,
    inDim: number,
    outDim: number,
    r0: number,
    r1: number,
  ): void {
    if (r0 >= r1) return;
    if (xi >= 0 && this.wasm) wasmMatmulPanel(this.wasm, bf16, w * 4, x * 4, xi * 4, scratch * 4, out * 4, batch, inDim, outDim, r0, r1);
    else if (useWasm && this.wasm) wasmMatmul(this.wasm, bf16, w * 4, x * 4, out * 4, batch, inDim, outDim, r0, r1);
    else matmulKernel(this.arena.heap, w, this.arena.heap, x, this.arena.heap, out, batch, inDim, outDim, r0, r1);
  }

  /**
   * out[b, o] = Σ_i x[b, i] · w[o, i]: [batch × inDim] · [outDim × inDim]ᵀ, all three arena views.
   * A Uint16Array `w` holds bf16 weights (wasm kernel only).
   */
  matmul(w: Float32Array | Uint16Array, x: Float32Array, out: Float32Array, batch: number, inDim: number, outDim: number): void {
    const bf16 = w instanceof Uint16Array;
    const useWasm = this.wasm !== undefined && inDim % 4 === 0;
    if (bf16 && !useWasm) throw new Error('bf16 weights need the wasm kernel and inDim % 4 === 0');
    this.dispatch(useWasm, bf16, -1, 0, this.offsetOf(w), this.offsetOf(x), this.offsetOf(out), batch, inDim, outDim);
  }

  /**
   * The same product for weights in the panel layout (panel-layout.ts, wasm only): x's rows are first
   * interleaved in fours into `xi` (an arena scratch of at least batch·inDim floats; `scratch` holds
   * threads·4·inDim floats, each thread's widened bf16 panel), then every thread runs the panel
   * blocks on its rows. Results are bit for bit those of matmul() on the row-major weights.
   */
  matmulPanel(
    w: Float32Array | Uint16Array,
    x: Float32Array,
    xi: Float32Array,
    scratch: Float32Array,
    out: Float32Array,
    batch: number,
    inDim: number,
    outDim: number,
  ): void {
    const wasm = this.wasm;
    if (!wasm) throw new Error('panel weights need the wasm kernel');
    const xo = this.offsetOf(x);
    const xio = this.offsetOf(xi);
    if (scratch.length < this.threads * 4 * inDim) throw new Error('MatmulPool: panel scratch below threads · 4 · inDim');
    if (batch >= 4) wasm.interleave(xo * 4, xio * 4, inDim * 4, batch >> 2);
    const bf16 = w instanceof Uint16Array;
    this.dispatch(true, bf16, xio, this.offsetOf(scratch), this.offsetOf(w), xo, this.offsetOf(out), batch, inDim, outDim);
  }

  attend(descWord: number, heads: number, wPtr: number, wBytes: number, macs: number): void {
    const wasm = this.wasm;
    if (!wasm) throw new Error('attention on the pool needs the wasm kernels');
    if (this.workers.length === 0 || macs < MIN_PARALLEL_MACS) {
      attendHeads(wasm, this.words, descWord, 0, heads, 0, 1, wPtr);
      return;
    }
    const chunk = Math.ceil(heads / this.threads);
    for (let t = 0; t < this.workers.length; t++) {
      const p = this.params[t];
      const c = this.ctrls[t];
      c[ATTEND] = 1;
      p[DESC] = descWord;
      p[H0] = Math.min(heads, (t + 1) * chunk);
      p[H1] = Math.min(heads, (t + 2) * chunk);
      p[PART] = t + 1;
      p[PARTS] = this.threads;
      p[WPTR] = wPtr + (t + 1) * wBytes;
      this.wake(t);
    }
    try {
      attendHeads(wasm, this.words, descWord, 0, Math.min(heads, chunk), 0, this.threads, wPtr);
    } finally {
      this.awaitWorkers();
    }
  }

  /** Runs one product on the calling thread, or splits its output rows over the workers too. */
  private dispatch(
    useWasm: boolean,
    bf16: boolean,
    xi: number,
    scratch: number,
    wo: number,
    xo: number,
    oo: number,
    batch: number,
    inDim: number,
    outDim: number,
  ): void {
    if (this.workers.length === 0 || batch * inDim * outDim < MIN_PARALLEL_MACS) {
      this.run(useWasm, bf16, xi, scratch, wo, xo, oo, batch, inDim, outDim, 0, outDim);
      return;
    }
    // Slices rounded to multiples of 8 rows keep every thread on the blocked paths (and on whole panels).
    const chunk = Math.ceil(outDim / this.threads / 8) * 8;
    for (let t = 0; t < this.workers.length; t++) {
      const p = this.params[t];
      const c = this.ctrls[t];
      c[USE_WASM] = useWasm ? 1 : 0;
      c[BF16] = bf16 ? 1 : 0;
      c[PANEL] = xi >= 0 ? 1 : 0;
      p[XI] = xi >= 0 ? xi : 0;
      p[SCRATCH] = xi >= 0 ? scratch + (t + 1) * 4 * inDim : 0;
      p[W] = wo;
      p[X] = xo;
      p[OUT] = oo;
      p[BATCH] = batch;
      p[IN] = inDim;
      p[OUTDIM] = outDim;
      p[ROW0] = Math.min(outDim, (t + 1) * chunk);
      p[ROW1] = Math.min(outDim, (t + 2) * chunk);
      c[ATTEND] = 0;
      this.wake(t);
    }
    try {
      this.run(useWasm, bf16, xi, scratch, wo, xo, oo, batch, inDim, outDim, 0, Math.min(outDim, chunk));
    } finally {
      this.awaitWorkers();
    }
  }

  private wake(t: number): void {
    const c = this.ctrls[t];
    if (--this.jobsToCoreCheck <= 0) {
      this.spinLoads = this.threads <= cpuBudget(this.cpuQuota) ? SPIN_LOADS : 0;
      this.jobsToCoreCheck = CORE_CHECK_JOBS;
    }
    c[SPIN] = this.spinLoads;
    c[FAILED] = 0;
    this.seqs[t]++;
    Atomics.store(c, SEQ, this.seqs[t]);
    Atomics.notify(c, SEQ);
  }

  /**
   * Waits for every worker's part of the job, then throws if one of them failed (its part of the output is missing).
   * The workers catch their errors and live on: one that died of an error left this wait, and every later one, without
   * end.
   */
  private awaitWorkers(): void {
    let failed: string | undefined;
    for (let t = 0; t < this.workers.length; t++) {
      const c = this.ctrls[t];
      for (let i = 0; i < this.spinLoads && Atomics.load(c, DONE) !== this.seqs[t]; i++);
      for (;;) {
        const done = Atomics.load(c, DONE);
        if (done === this.seqs[t]) break;
        Atomics.wait(c, DONE, done, 1000);
      }
      if (c[FAILED] === 1) failed ??= new TextDecoder().decode(this.errorTexts[t].slice()).replace(/\0+$/, '');
    }
    if (failed !== undefined) throw new Error(`MatmulPool: a worker thread failed its part of the job: ${failed}`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (let t = 0; t < this.workers.length; t++) {
      const c = this.ctrls[t];
      c[STOP] = 1;
      this.seqs[t]++;
      Atomics.store(c, SEQ, this.seqs[t]);
      Atomics.notify(c, SEQ);
    }
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
