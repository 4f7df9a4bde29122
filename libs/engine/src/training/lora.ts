import type { LlamaConfig } from '../contract';
import { ATTN_PROJS, MLP_PROJS, projName, type ProjName } from './llama-params';
import { createRng, type ParamMap, type Tensor } from './tensor';

/** One low-rank adapter: W' = W + (alpha/r)·B·A, with A [r × in] and B [out × r]. */
export interface LoraAdapter {
  target: string;
  a: Tensor;
  b: Tensor;
  scale: number;
}

export interface LoraOptions {
  rank: number;
  alpha: number;
  /** Also adapt gate/up/down. */
  mlp?: boolean;
  /** Attention projections adapted (PEFT's target_modules); default all four. */
  targets?: readonly ProjName[];
  seed: number;
}

/**
 * PEFT's initialisation: A uniform in ±1/sqrt(in), B zero, so training starts exactly at the base model and
 * the first step already has a non-zero gradient for B.
 */
export function createLoraAdapters(config: LlamaConfig, base: ParamMap, opts: LoraOptions): LoraAdapter[] {
  const rng = createRng(opts.seed);
  const targets = opts.targets ?? ATTN_PROJS;
  const unknown = targets.find((p) => !ATTN_PROJS.includes(p));
  if (unknown !== undefined) throw new Error(`LoRA target ${unknown} is not one of ${ATTN_PROJS.join(', ')}`);
  const projs: ProjName[] = [...ATTN_PROJS.filter((p) => targets.includes(p)), ...(opts.mlp ? MLP_PROJS : [])];
  if (projs.length === 0) throw new Error('LoRA needs at least one target module');
  const adapters: LoraAdapter[] = [];
  for (let l = 0; l < config.num_hidden_layers; l++) {
    for (const p of projs) {
      const target = projName(l, p);
      const w = base.get(target);
      if (!w) throw new Error(`missing weight ${target}`);
      const [out, inDim] = w.shape;
      const a: Tensor = { shape: [opts.rank, inDim], data: new Float32Array(opts.rank * inDim) };
      const bound = 1 / Math.sqrt(inDim);
      for (let i = 0; i < a.data.length; i++) a.data[i] = (rng() * 2 - 1) * bound;
      const b: Tensor = { shape: [out, opts.rank], data: new Float32Array(out * opts.rank) };
      adapters.push({ target, a, b, scale: opts.alpha / opts.rank });
    }
  }
  return adapters;
}

/** Writes W + scale·B·A into `into` (a tensor of W's shape); also how adapters are merged for saving. */
export function mergeLora(base: Tensor, ad: LoraAdapter, into: Tensor): void {
  const [out, inDim] = base.shape;
  const r = ad.a.shape[0];
  const A = ad.a.data;
  const B = ad.b.data;
  const W = into.data;
  W.set(base.data);
  for (let o = 0; o < out; o++) {
    for (let k = 0; k < r; k++) {
      const bk = B[o * r + k] * ad.scale;
      if (bk === 0) continue;
      const ao = k * inDim;
      const wo = o * inDim;
      for (let i = 0; i < inDim; i++) W[wo + i] += bk * A[ao + i];
    }
  }
}

/**
 * Chain rule from the gradient of the merged weight to the adapter: dB = s·dW·Aᵀ, dA = s·Bᵀ·dW. Computing dW
 * densely costs what full fine-tuning costs per step, but it keeps one backward pass for every mode, and the
 * saving LoRA is after here is optimizer memory and a small trainable set, not FLOPs.
 */
export function loraGrads(ad: LoraAdapter, dW: Float32Array, dA: Float32Array, dB: Float32Array): void {
  const [r, inDim] = ad.a.shape;
  const out = ad.b.shape[0];
  const A = ad.a.data;
  const B = ad.b.data;
  const s = ad.scale;
  for (let o = 0; o < out; o++) {
    const wo = o * inDim;
    for (let k = 0; k < r; k++) {
      const ao = k * inDim;
      let dot = 0;
      const bk = B[o * r + k] * s;
      for (let i = 0; i < inDim; i++) {
        dot += dW[wo + i] * A[ao + i];
        dA[ao + i] += bk * dW[wo + i];
      }
      dB[o * r + k] += s * dot;
    }
  }
}
