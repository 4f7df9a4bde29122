import { MAX_WASM_PAGES, WASM_PAGE_BYTES, wasmApi, type WasmMemory } from '../wasm-runtime';
import { compileAccumulateModule, instantiateAccumulate } from './accumulate-kernel';
import { ADAMW_ALIGN_FLOATS, adamWRange, type AdamWKernel } from './adamw-kernel';
import { partRange, sharedFloat32, type Tensor } from './tensor';

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

/** One trainable tensor with its gradient buffer; `decay` is false for norms and biases-like vectors. */
export interface TrainableParam {
  name: string;
  value: Tensor;
  grad: Tensor;
  decay: boolean;
}

/** What one update reads and writes for a tensor: weights, gradient, both moments, and whether it decays. */
export interface AdamWTensor {
  w: Float32Array;
  g: Float32Array;
  m: Float32Array;
  v: Float32Array;
  decay: boolean;
}

/** One step's constants, computed once and applied alike by every thread that shares the update. */
export interface AdamWStep {
  beta1: number;
  beta2: number;
  eps: number;
  /** lr / (1 − β1ᵗ), and 1 / √(1 − β2ᵗ). */
  stepSize: number;
  invRootBc2: number;
  /** 1 − lr · weight decay, for the tensors that decay. */
  decay: number;
  gradScale: number;
}

const padded = (n: number): number => Math.ceil(n / ADAMW_ALIGN_FLOATS) * ADAMW_ALIGN_FLOATS;

/** The update's kernels over `memory` (AdamW's own, the workspaces' it starts, or a worker's handle on either). */
export function adamWKernel(memory: WasmMemory): AdamWKernel {
  const module = compileAccumulateModule(memory.buffer.byteLength / WASM_PAGE_BYTES, false);
  if (!module) throw new Error('AdamW: no WebAssembly SIMD for its kernel');
  return instantiateAccumulate(module, memory);
}

/** A shared memory of at least `floats` floats with the kernels over it, or undefined where this runtime has none. */
function adamWMemory(floats: number): { memory: WasmMemory; kernel: AdamWKernel } | undefined {
  const pages = Math.ceil((floats * 4) / WASM_PAGE_BYTES) || 1;
  if (!wasmApi || pages > MAX_WASM_PAGES) return undefined; // larger trainable sets keep the JS loop
  try {
    const memory = new wasmApi.Memory({ initial: pages, maximum: pages, shared: true });
    return { memory, kernel: adamWKernel(memory) };
  } catch {
    return undefined; // the JS loop in applyAdamW
  }
}

/**
 * AdamW with decoupled weight decay (Loshchilov & Hutter) over a fixed set of trainables, bias-corrected moments
 * kept in shared memory so gradient worker threads can update their part of every tensor (see GradPool.update).
 * Where the runtime has WebAssembly SIMD, that memory is one shared wasm memory holding every tensor's weights,
 * gradient and moments (its own, or the start of the one the trainer's workspaces share, so the gradient flush adds
 * into it with a kernel too), and the update runs as a kernel (adamw-kernel.ts): the trainables' weights and gradients
 * move there (copied; each tensor's `data` then points into it), so build the optimizer before anything keeps a
 * reference to those arrays. Moments are not persisted across resumes (see trainer_state.json), so a resumed run
 * re-warms them.
 */
export class AdamW {
  readonly tensors: readonly AdamWTensor[];
  /** Whether every tensor lives in shared memory, so worker threads can update parts of it (GradPool.update). */
  readonly shared: boolean;
  /** The wasm memory the tensors live in, and the kernel over it, when the update runs as a kernel. */
  readonly memory?: WasmMemory;
  readonly kernel?: AdamWKernel;
  /** The gradient norm's four running sums: the memory's first line when the kernel adds into them. */
  private readonly sums: Float64Array;
  private t = 0;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;

  /** The floats AdamW takes at the start of a memory it is given (see the constructor's `memory`). */
  static floatsFor(params: readonly TrainableParam[]): number {
    return ADAMW_ALIGN_FLOATS + params.reduce((sum, p) => sum + 4 * padded(p.value.data.length), 0);
  }

  /** `memory`: a shared wasm memory whose first `floatsFor(params)` floats are AdamW's (else it makes its own). */
  constructor(params: readonly TrainableParam[], opts: AdamWOptions = {}, memory?: WasmMemory) {
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0.01;
    const placed = memory ? { memory, kernel: adamWKernel(memory) } : adamWMemory(AdamW.floatsFor(params));
    if (placed) {
      const heap = new Float32Array(placed.memory.buffer);
      this.sums = new Float64Array(placed.memory.buffer, 0, 4);
      let at = ADAMW_ALIGN_FLOATS;
      const take = (n: number, from?: Float32Array): Float32Array => {
        const view = heap.subarray(at, at + n);
        if (from) view.set(from);
        at += padded(n);
        return view;
      };
      this.tensors = params.map((p) => {
        const n = p.value.data.length;
        p.value.data = take(n, p.value.data);
        p.grad.data = take(n, p.grad.data);
        return { w: p.value.data, g: p.grad.data, m: take(n), v: take(n), decay: p.decay };
      });
      this.memory = placed.memory;
      this.kernel = placed.kernel;
    } else {
      this.sums = new Float64Array(4);
      this.tensors = params.map((p) => ({
        w: p.value.data,
        g: p.grad.data,
        m: sharedFloat32(p.value.data.length),
        v: sharedFloat32(p.value.data.length),
        decay: p.decay,
      }));
    }
    this.shared = this.tensors.every((t) => [t.w, t.g, t.m, t.v].every((a) => a.buffer instanceof SharedArrayBuffer));
  }

  get stepCount(): number {
    return this.t;
  }

  /** Counts a step and returns its constants; `gradScale` multiplies every gradient (the clip factor, see `clipScale`). */
  next(lr: number, gradScale = 1): AdamWStep {
    this.t++;
    return {
      beta1: this.beta1,
      beta2: this.beta2,
      eps: this.eps,
      stepSize: lr / (1 - Math.pow(this.beta1, this.t)),
      invRootBc2: 1 / Math.sqrt(1 - Math.pow(this.beta2, this.t)),
      decay: 1 - lr * this.weightDecay,
      gradScale,
    };
  }

  /**
   * Global L2 norm over the tensors' gradients (for clipping and metrics). Four running sums, element i of a tensor
   * adding to sum i mod 4 and the last length mod 4 to the first: one would make the loop wait on each add's latency.
   */
  gradNorm(): number {
    const sums = this.sums;
    sums.fill(0);
    for (const { g } of this.tensors) {
      const n4 = g.length & ~3;
      if (this.kernel) {
        if (n4 > 0) this.kernel.sumSquares(g.byteOffset, n4, sums.byteOffset);
      } else {
        let [s0, s1, s2, s3] = sums;
        for (let i = 0; i < n4; i += 4) {
          s0 += g[i] * g[i];
          s1 += g[i + 1] * g[i + 1];
          s2 += g[i + 2] * g[i + 2];
          s3 += g[i + 3] * g[i + 3];
        }
        sums.set([s0, s1, s2, s3]);
      }
      for (let i = n4; i < g.length; i++) sums[0] += g[i] * g[i];
    }
    return Math.sqrt(sums[0] + sums[1] + sums[2] + sums[3]);
  }

  /** A whole step on this thread. */
  step(lr: number, gradScale = 1): void {
    applyAdamW(this.tensors, this.next(lr, gradScale), 0, 1, this.kernel);
  }
}

/**
 * Part `part` of `parts` of one step over every tensor; the parts together make the whole step, in any order or
 * thread. Each gradient is read times `gradScale`, rounded to f32 as a separate scaling pass would leave it, and
 * zeroed, so the next step accumulates from zero. The update is PyTorch's, lr/(1-β1ᵗ) · m / (√v / √(1-β2ᵗ) + ε),
 * in doubles with one square root and one divide per parameter: the divider bounds this loop, and the earlier form's
 * three divides took 1.5× as long for the same floats (equal on every one of 4.6 M random updates). `kernel`: the
 * tensors are AdamW's, placed in the kernel's memory, and it does the same in SIMD.
 */
export function applyAdamW(tensors: readonly AdamWTensor[], s: AdamWStep, part: number, parts: number, kernel?: AdamWKernel): void {
  const { beta1, beta2, eps, stepSize, invRootBc2, gradScale } = s;
  const c1 = 1 - beta1;
  const c2 = 1 - beta2;
  for (const { w, g, m, v, decay: decays } of tensors) {
    const decay = decays ? s.decay : 1;
    const [lo, hi] = partRange(w.length, part, parts);
    if (kernel) {
      adamWRange(kernel, { w, g, m, v }, s, decay, lo, hi);
      continue;
    }
    for (let i = lo; i < hi; i++) {
      const gi = Math.fround(g[i] * gradScale);
      g[i] = 0;
      const mi = beta1 * m[i] + c1 * gi;
      const vi = beta2 * v[i] + c2 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      w[i] = w[i] * decay - (stepSize * Math.fround(mi)) / (Math.sqrt(Math.fround(vi)) * invRootBc2 + eps);
    }
  }
}

/** The factor that brings gradients of global norm `norm` down to `maxNorm` (1 when within it, or `maxNorm` ≤ 0). */
export function clipScale(norm: number, maxNorm: number): number {
  return maxNorm > 0 && norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
}
