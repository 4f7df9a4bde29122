/**
 * RoPE and causal GQA attention of one sequence inside a packed micro-batch: q, k and v are the three parts of
 * each row of the fused [rows × (q | k | v)] projection output, read in place through offsets and strides into the
 * workspace heap. Same arithmetic as `layers.ts` (which the per-sequence reference path uses).
 */
import type { WasmBlocks } from '../wasm-kernel';
import type { RopeTable } from './layers';

/** The inference engine's q·k and weighted-sum kernels on the workspace memory, with two f32 scratch rows there. */
export interface AttentionKernels {
  ex?: WasmBlocks;
  /** Float offset of 2·T scratch floats in the heap. */
  scratch: number;
  /** ≥ T doubles for the JS path. */
  dp: Float64Array;
}

export interface PackedAttention {
  heads: number;
  kvHeads: number;
  headDim: number;
  /** Row width of the fused q|k|v buffer (qDim + 2·kvDim). */
  stride: number;
}

/** Rotates rows [0, rows) of `heads` heads starting at column `col` of each row (position = row index). */
export function ropeRows(
  heap: Float32Array,
  off: number,
  stride: number,
  col: number,
  rows: number,
  heads: number,
  headDim: number,
  rope: RopeTable,
  inverse: boolean,
): void {
  const { cos, sin, half } = rope;
  const sign = inverse ? -1 : 1;
  for (let t = 0; t < rows; t++) {
    for (let h = 0; h < heads; h++) {
      const o = off + t * stride + col + h * headDim;
      for (let i = 0; i < half; i++) {
        const c = cos[t * half + i];
        const s = sign * sin[t * half + i];
        const a = heap[o + i];
        const b = heap[o + i + half];
        heap[o + i] = a * c - b * s;
        heap[o + i + half] = b * c + a * s;
      }
    }
  }
}

/**
 * out[t, h] = Σ_{u≤t} softmax(q_t·k_u/√hd) v_u for one sequence of T rows: qkv at `qkvOff` (row stride
 * a.stride), out at `outOff` (row stride heads·hd), probabilities [heads × T × T] at `pOff` (lower triangle).
 */
export function packedAttentionForward(
  heap: Float32Array,
  qkvOff: number,
  outOff: number,
  pOff: number,
  T: number,
  a: PackedAttention,
  k: AttentionKernels,
): void {
  const { heads, kvHeads, headDim: hd, stride } = a;
  const qDim = heads * hd;
  const kvDim = kvHeads * hd;
  const group = heads / kvHeads;
  const scale = 1 / Math.sqrt(hd);
  const ex = k.ex;
  for (let h = 0; h < heads; h++) {
    const kCol = qDim + Math.floor(h / group) * hd;
    const vCol = kCol + kvDim;
    for (let t = 0; t < T; t++) {
      const qo = qkvOff + t * stride + h * hd;
      const po = pOff + (h * T + t) * T;
      let max = -Infinity;
      if (ex) {
        ex.scores(qo * 4, (qkvOff + kCol) * 4, stride * 4, t + 1, hd * 4, po * 4);
        for (let u = 0; u <= t; u++) {
          const s = heap[po + u] * scale;
          heap[po + u] = s;
          if (s > max) max = s;
        }
      } else {
        for (let u = 0; u <= t; u++) {
          const ko = qkvOff + u * stride + kCol;
          let s = 0;
          for (let i = 0; i < hd; i++) s += heap[qo + i] * heap[ko + i];
          s *= scale;
          heap[po + u] = s;
          if (s > max) max = s;
        }
      }
      let sum = 0;
      for (let u = 0; u <= t; u++) {
        const e = Math.exp(heap[po + u] - max);
        heap[po + u] = e;
        sum += e;
      }
      const oo = outOff + t * qDim + h * hd;
      for (let i = 0; i < hd; i++) heap[oo + i] = 0;
      for (let u = 0; u <= t; u++) heap[po + u] /= sum;
      if (ex) {
        ex.axpy(po * 4, (qkvOff + vCol) * 4, stride * 4, t + 1, hd * 4, oo * 4);
        continue;
      }
      for (let u = 0; u <= t; u++) {
        const p = heap[po + u];
        const vo = qkvOff + u * stride + vCol;
        for (let i = 0; i < hd; i++) heap[oo + i] += p * heap[vo + i];
      }
    }
  }
}

/**
 * Adds dq, dk, dv (into the fused gradient buffer at `dOff`, same layout as qkv) from dOut (at `dOutOff`, row
 * stride heads·hd); the kv gradients sum over the query heads sharing each kv head.
 */
export function packedAttentionBackward(
  heap: Float32Array,
  qkvOff: number,
  pOff: number,
  dOutOff: number,
  dOff: number,
  T: number,
  a: PackedAttention,
  k: AttentionKernels,
): void {
  const { heads, kvHeads, headDim: hd, stride } = a;
  const qDim = heads * hd;
  const kvDim = kvHeads * hd;
  const group = heads / kvHeads;
  const scale = 1 / Math.sqrt(hd);
  const { ex, dp } = k;
  const dpf = k.scratch; // f32 rows: dOut·v_u, then the score gradients
  const dsf = k.scratch + T;
  for (let h = 0; h < heads; h++) {
    const kCol = qDim + Math.floor(h / group) * hd;
    const vCol = kCol + kvDim;
    for (let t = 0; t < T; t++) {
      const go = dOutOff + t * qDim + h * hd;
      const po = pOff + (h * T + t) * T;
      if (ex) ex.scores(go * 4, (qkvOff + vCol) * 4, stride * 4, t + 1, hd * 4, dpf * 4);
      let pdp = 0;
      for (let u = 0; u <= t; u++) {
        const vo = qkvOff + u * stride + vCol;
        const dvo = dOff + u * stride + vCol;
        const p = heap[po + u];
        let s = 0;
        if (ex) {
          s = heap[dpf + u];
          for (let i = 0; i < hd; i++) heap[dvo + i] += p * heap[go + i];
        } else {
          for (let i = 0; i < hd; i++) {
            s += heap[go + i] * heap[vo + i];
            heap[dvo + i] += p * heap[go + i];
          }
        }
        dp[u] = s;
        pdp += p * s;
      }
      const qo = qkvOff + t * stride + h * hd;
      const dqo = dOff + t * stride + h * hd;
      if (ex) {
        for (let u = 0; u <= t; u++) heap[dsf + u] = heap[po + u] * (dp[u] - pdp) * scale;
        ex.axpy(dsf * 4, (qkvOff + kCol) * 4, stride * 4, t + 1, hd * 4, dqo * 4);
        for (let u = 0; u <= t; u++) {
          const ds = heap[dsf + u];
          if (ds === 0) continue;
          const dko = dOff + u * stride + kCol;
          for (let i = 0; i < hd; i++) heap[dko + i] += ds * heap[qo + i];
        }
        continue;
      }
      for (let u = 0; u <= t; u++) {
        const ds = heap[po + u] * (dp[u] - pdp) * scale;
        if (ds === 0) continue;
        const ko = qkvOff + u * stride + kCol;
        const dko = dOff + u * stride + kCol;
        for (let i = 0; i < hd; i++) {
          heap[dqo + i] += ds * heap[ko + i];
          heap[dko + i] += ds * heap[qo + i];
        }
      }
    }
  }
}
