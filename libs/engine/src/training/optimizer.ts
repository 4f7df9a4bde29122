import type { Tensor } from './tensor';

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

/**
 * AdamW with decoupled weight decay (Loshchilov & Hutter), bias-corrected moments kept in Float32Array per
 * parameter. Moments are not persisted across resumes (see trainer_state.json), so a resumed run re-warms them.
 */
export class AdamW {
  private readonly m = new Map<string, Float32Array>();
  private readonly v = new Map<string, Float32Array>();
  private t = 0;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;

  constructor(opts: AdamWOptions = {}) {
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0.01;
  }

  get stepCount(): number {
    return this.t;
  }

  step(params: readonly TrainableParam[], lr: number): void {
    this.t++;
    const bc1 = 1 - Math.pow(this.beta1, this.t);
    const bc2 = 1 - Math.pow(this.beta2, this.t);
    for (const p of params) {
      const w = p.value.data;
      const g = p.grad.data;
      let m = this.m.get(p.name);
      let v = this.v.get(p.name);
      if (!m || !v) {
        m = new Float32Array(w.length);
        v = new Float32Array(w.length);
        this.m.set(p.name, m);
        this.v.set(p.name, v);
      }
      const decay = p.decay ? 1 - lr * this.weightDecay : 1;
      // Fields read once into locals: the loop runs over every parameter each step (same arithmetic as written).
      const { beta1, beta2, eps } = this;
      const c1 = 1 - beta1;
      const c2 = 1 - beta2;
      for (let i = 0; i < w.length; i++) {
        const gi = g[i];
        const mi = beta1 * m[i] + c1 * gi;
        const vi = beta2 * v[i] + c2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        w[i] = w[i] * decay - (lr * (Math.fround(mi) / bc1)) / (Math.sqrt(Math.fround(vi) / bc2) + eps);
      }
    }
  }
}

/** Global L2 norm clipping over all trainable gradients; returns the norm before clipping (for metrics). */
export function clipGradNorm(params: readonly TrainableParam[], maxNorm: number): number {
  let ss = 0;
  for (const p of params) {
    const g = p.grad.data;
    for (let i = 0; i < g.length; i++) ss += g[i] * g[i];
  }
  const norm = Math.sqrt(ss);
  if (maxNorm > 0 && norm > maxNorm) {
    const k = maxNorm / (norm + 1e-6);
    for (const p of params) {
      const g = p.grad.data;
      for (let i = 0; i < g.length; i++) g[i] *= k;
    }
  }
  return norm;
}

export function zeroGrads(params: readonly TrainableParam[]): void {
  for (const p of params) p.grad.data.fill(0);
}
