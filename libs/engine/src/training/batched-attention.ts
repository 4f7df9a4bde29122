/**
 * Causal GQA attention of one sequence inside a packed micro-batch: q, k and v are the three parts of
 * each row of the fused [rows × (q | k | v)] projection output, read in place through offsets and strides into the
 * workspace heap. Same arithmetic as `layers.ts` (which the per-sequence reference path uses).
 */
import type { WasmBlocks } from '../wasm-runtime';
import { accumulate, type AccumulateBlocks } from './accumulate-kernel';

/** The inference engine's q·k and weighted-sum kernels on the workspace memory, and the trainer's module. */
export interface AttentionKernels {
  ex?: WasmBlocks;
  /** The accumulate kernel, present with `ex`. */
  acc?: AccumulateBlocks;
  /** Float offset of T·T floats in the heap: one head's score gradients. */
  dScores: number;
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

/** heap[at … at + n) = softmax(scores · scale), in doubles. */
function softmaxRow(heap: Float32Array, at: number, n: number, scale: number): void {
  let max = -Infinity;
  for (let u = at; u < at + n; u++) if (heap[u] > max) max = heap[u];
  let sum = 0;
  for (let u = at; u < at + n; u++) {
    const e = Math.exp((heap[u] - max) * scale);
    heap[u] = e;
    sum += e;
  }
  for (let u = at; u < at + n; u++) heap[u] /= sum;
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
    const ph = pOff + h * T * T;
    if (ex) {
      causalScores(ex, (qkvOff + h * hd) * 4, stride * 4, (qkvOff + kCol) * 4, stride * 4, hd * 4, ph * 4, T * 4, T);
      for (let t = 0; t < T; t++) {
        const po = ph + t * T;
        // The SIMD softmax (its f32 exp four lanes at a time; Math.exp per score took a tenth of a long sequence's
        // step) where its padding to four lanes stays in this row, which is all rows but a head's last few.
        if (((t + 4) & ~3) <= T) ex.softmax(po * 4, t + 1, scale);
        else softmaxRow(heap, po, t + 1, scale);
        heap.fill(0, po + t + 1, po + T); // the backward's SIMD path reads whole columns
        const oo = outOff + t * qDim + h * hd;
        heap.fill(0, oo, oo + hd);
      }
      causalAxpy(ex, ph * 4, T * 4, (qkvOff + vCol) * 4, stride * 4, hd * 4, (outOff + h * hd) * 4, qDim * 4, T);
      continue;
    }
    for (let t = 0; t < T; t++) {
      const qo = qkvOff + t * stride + h * hd;
      const po = ph + t * T;
      for (let u = 0; u <= t; u++) {
        const ko = qkvOff + u * stride + kCol;
        let s = 0;
        for (let i = 0; i < hd; i++) s += heap[qo + i] * heap[ko + i];
        heap[po + u] = s;
      }
      softmaxRow(heap, po, t + 1, scale);
      const oo = outOff + t * qDim + h * hd;
      for (let i = 0; i < hd; i++) heap[oo + i] = 0;
      for (let u = 0; u <= t; u++) {
        const p = heap[po + u];
        const vo = qkvOff + u * stride + vCol;
        for (let i = 0; i < hd; i++) heap[oo + i] += p * heap[vo + i];
      }
    }
  }
}

/**
 * The scores of a causal head's T rows (byte pointers and strides): row t's query at q + t·qStride against keys 0 … t
 * (at k, kStride apart) into out + t·outStride. Rows go in pairs through scores2, each key loaded once for both, the
 * second row's last key alone; every score the bits of a row at a time.
 */
function causalScores(
  ex: WasmBlocks,
  q: number,
  qStride: number,
  k: number,
  kStride: number,
  hdB: number,
  out: number,
  outStride: number,
  T: number,
): void {
  let t = 0;
  for (; t + 1 < T; t += 2) {
    const [q2, out2] = [q + (t + 1) * qStride, out + (t + 1) * outStride];
    ex.scores2(q + t * qStride, q2, k, kStride, t + 1, hdB, out + t * outStride, out2);
    ex.scores(q2, k + (t + 1) * kStride, kStride, 1, hdB, out2 + (t + 1) * 4);
  }
  if (t < T) ex.scores(q + t * qStride, k, kStride, t + 1, hdB, out + t * outStride);
}

/**
 * acc + t·accStride += Σ_{u ≤ t} w_t[u] · v_u for a causal head's T rows (row t's weights at w + t·wStride, V rows at v,
 * vStride apart), in pairs through axpy2 like causalScores: each accumulator gets its adds in a row's order.
 */
function causalAxpy(
  ex: WasmBlocks,
  w: number,
  wStride: number,
  v: number,
  vStride: number,
  hdB: number,
  acc: number,
  accStride: number,
  T: number,
): void {
  let t = 0;
  for (; t + 1 < T; t += 2) {
    const [w2, acc2] = [w + (t + 1) * wStride, acc + (t + 1) * accStride];
    ex.axpy2(w + t * wStride, w2, v, vStride, t + 1, hdB, acc + t * accStride, acc2);
    ex.axpy(w2 + (t + 1) * 4, v + (t + 1) * vStride, vStride, 1, hdB, acc2);
  }
  if (t < T) ex.axpy(w + t * wStride, v, vStride, t + 1, hdB, acc + t * accStride);
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
  if (ex && k.acc) {
    simdBackward(heap, qkvOff, pOff, dOutOff, dOff, T, a, ex, k.acc, k.dScores);
    return;
  }
  for (let h = 0; h < heads; h++) {
    const kCol = qDim + Math.floor(h / group) * hd;
    const vCol = kCol + kvDim;
    for (let t = 0; t < T; t++) {
      const go = dOutOff + t * qDim + h * hd;
      const po = pOff + (h * T + t) * T;
      let pdp = 0;
      for (let u = 0; u <= t; u++) {
        const vo = qkvOff + u * stride + vCol;
        const dvo = dOff + u * stride + vCol;
        const p = heap[po + u];
        let s = 0;
        for (let i = 0; i < hd; i++) {
          s += heap[go + i] * heap[vo + i];
          heap[dvo + i] += p * heap[go + i];
        }
        dp[u] = s;
        pdp += p * s;
      }
      const qo = qkvOff + t * stride + h * hd;
      const dqo = dOff + t * stride + h * hd;
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

/**
 * The backward with the SIMD kernels, per head: every query row's dOut·v (scores) into a [T × T] matrix, turned into
 * the score gradients dS in place (scoreGrads; upper triangle zero), dq by a weighted sum (axpy) per row; then
 * dK += dSᵀ·Q and dV += Pᵀ·dOut as accumulates over blocks of four key rows, each starting at its first non-zero query
 * row.
 */
function simdBackward(
  heap: Float32Array,
  qkvOff: number,
  pOff: number,
  dOutOff: number,
  dOff: number,
  T: number,
  a: PackedAttention,
  ex: WasmBlocks,
  acc: AccumulateBlocks,
  dS: number,
): void {
  const { heads, kvHeads, headDim: hd, stride } = a;
  const qDim = heads * hd;
  const kvDim = kvHeads * hd;
  const group = heads / kvHeads;
  const scale = 1 / Math.sqrt(hd);
  for (let h = 0; h < heads; h++) {
    const kCol = qDim + Math.floor(h / group) * hd;
    const vCol = kCol + kvDim;
    const ph = pOff + h * T * T;
    causalScores(ex, (dOutOff + h * hd) * 4, qDim * 4, (qkvOff + vCol) * 4, stride * 4, hd * 4, dS * 4, T * 4, T);
    acc.scoreGrads(ph * 4, dS * 4, 1, T * 4, T, scale);
    for (let t = 0; t < T; t++) heap.fill(0, dS + t * T + t + 1, dS + (t + 1) * T);
    causalAxpy(ex, dS * 4, T * 4, (qkvOff + kCol) * 4, stride * 4, hd * 4, (dOff + h * hd) * 4, stride * 4, T);
    for (let u0 = 0; u0 < T; u0 += 4) {
      const m = Math.min(4, T - u0);
      const K = T - u0;
      accumulate(acc, heap, dS + u0 * T + u0, 1, T, qkvOff + u0 * stride + h * hd, stride, dOff + u0 * stride + kCol, stride, m, hd, K);
      accumulate(acc, heap, ph + u0 * T + u0, 1, T, dOutOff + u0 * qDim + h * hd, qDim, dOff + u0 * stride + vCol, stride, m, hd, K);
    }
  }
}
