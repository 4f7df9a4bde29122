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

/**
 * AdamW with decoupled weight decay (Loshchilov & Hutter) over a fixed set of trainables, bias-corrected moments
 * kept in shared Float32Arrays so gradient worker threads can update their part of every tensor (see
 * GradPool.update). Moments are not persisted across resumes (see trainer_state.json), so a resumed run re-warms
 * them.
 */
export class AdamW {
  readonly tensors: readonly AdamWTensor[];
  /** Whether every tensor lives in shared memory, so worker threads can update parts of it (GradPool.update). */
  readonly shared: boolean;
  private t = 0;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;

  constructor(params: readonly TrainableParam[], opts: AdamWOptions = {}) {
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0.01;
    this.tensors = params.map((p) => ({
      w: p.value.data,
      g: p.grad.data,
      m: sharedFloat32(p.value.data.length),
      v: sharedFloat32(p.value.data.length),
      decay: p.decay,
    }));
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

  /** A whole step on this thread. */
  step(lr: number, gradScale = 1): void {
    applyAdamW(this.tensors, this.next(lr, gradScale), 0, 1);
  }
}

/**
 * Part `part` of `parts` of one step over every tensor; the parts together make the whole step, in any order or
 * thread. Each gradient is read times `gradScale`, rounded to f32 as a separate scaling pass would leave it, and
 * zeroed, so the next step accumulates from zero. The update is PyTorch's, lr/(1-β1ᵗ) · m / (√v / √(1-β2ᵗ) + ε),
 * in doubles with one square root and one divide per parameter: the divider bounds this loop, and the earlier form's
 * three divides took 1.5× as long for the same floats (equal on every one of 4.6 M random updates).
 */
export function applyAdamW(tensors: readonly AdamWTensor[], s: AdamWStep, part: number, parts: number): void {
  const { beta1, beta2, eps, stepSize, invRootBc2, gradScale } = s;
  const c1 = 1 - beta1;
  const c2 = 1 - beta2;
  for (const { w, g, m, v, decay: decays } of tensors) {
    const decay = decays ? s.decay : 1;
    const [lo, hi] = partRange(w.length, part, parts);
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

/**
 * Global L2 norm over all trainable gradients (for clipping and metrics). Four running sums: one would make the
 * loop wait on each add's latency.
 */
export function gradNorm(params: readonly TrainableParam[]): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (const p of params) {
    const g = p.grad.data;
    const n4 = g.length & ~3;
    let i = 0;
    for (; i < n4; i += 4) {
      s0 += g[i] * g[i];
      s1 += g[i + 1] * g[i + 1];
      s2 += g[i + 2] * g[i + 2];
      s3 += g[i + 3] * g[i + 3];
    }
    for (; i < g.length; i++) s0 += g[i] * g[i];
  }
  return Math.sqrt(s0 + s1 + s2 + s3);
}

/** The factor that brings gradients of global norm `norm` down to `maxNorm` (1 when within it, or `maxNorm` ≤ 0). */
export function clipScale(norm: number, maxNorm: number): number {
  return maxNorm > 0 && norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
}
