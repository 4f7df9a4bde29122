/**
 * Forward and backward of the element-wise and attention pieces of a Llama block. Each backward takes exactly
 * what its forward cached, so the model file only has to wire them together.
 */

/** RMSNorm over each row; returns the normalised output and the per-row 1/rms the backward needs. */
export function rmsNormForward(
  x: Float32Array,
  w: Float32Array,
  rows: number,
  dim: number,
  eps: number,
): { y: Float32Array; inv: Float32Array } {
  const y = new Float32Array(rows * dim);
  const inv = new Float32Array(rows);
  for (let t = 0; t < rows; t++) {
    const o = t * dim;
    let ss = 0;
    for (let i = 0; i < dim; i++) ss += x[o + i] * x[o + i];
    const r = 1 / Math.sqrt(ss / dim + eps);
    inv[t] = r;
    for (let i = 0; i < dim; i++) y[o + i] = x[o + i] * r * w[i];
  }
  return { y, inv };
}

/** Adds the input gradient into dx and, when dw is given, the weight gradient into dw. */
export function rmsNormBackward(
  x: Float32Array,
  w: Float32Array,
  inv: Float32Array,
  dy: Float32Array,
  rows: number,
  dim: number,
  dx: Float32Array,
  dw: Float32Array | undefined,
): void {
  for (let t = 0; t < rows; t++) {
    const o = t * dim;
    const r = inv[t];
    let dot = 0; // Σ (w·dy)·x: the part of the gradient that flows through 1/rms
    for (let i = 0; i < dim; i++) {
      dot += w[i] * dy[o + i] * x[o + i];
      if (dw) dw[i] += dy[o + i] * x[o + i] * r;
    }
    const k = (r * r * r * dot) / dim;
    for (let i = 0; i < dim; i++) dx[o + i] += r * w[i] * dy[o + i] - x[o + i] * k;
  }
}

/** cos/sin per (position, frequency) in the HF `rotate_half` convention, shared by forward and backward. */
export interface RopeTable {
  cos: Float32Array;
  sin: Float32Array;
  half: number;
}

/** `invFreq` comes from the engine's ropeInvFreq so rope_scaling (Llama 3.x) matches inference exactly. */
export function ropeTable(positions: number, invFreq: Float64Array): RopeTable {
  const half = invFreq.length;
  const cos = new Float32Array(positions * half);
  const sin = new Float32Array(positions * half);
  for (let p = 0; p < positions; p++) {
    for (let i = 0; i < half; i++) {
      const angle = p * invFreq[i];
      cos[p * half + i] = Math.cos(angle);
      sin[p * half + i] = Math.sin(angle);
    }
  }
  return { cos, sin, half };
}

/**
 * Rotates every head of x [T × heads·headDim] in place; `inverse` applies the transpose rotation, which is
 * the backward of a rotation.
 */
export function applyRope(x: Float32Array, rows: number, heads: number, headDim: number, rope: RopeTable, inverse: boolean): void {
  const { cos, sin, half } = rope;
  const sign = inverse ? -1 : 1;
  for (let t = 0; t < rows; t++) {
    for (let h = 0; h < heads; h++) {
      const o = (t * heads + h) * headDim;
      for (let i = 0; i < half; i++) {
        const c = cos[t * half + i];
        const s = sign * sin[t * half + i];
        const a = x[o + i];
        const b = x[o + i + half];
        x[o + i] = a * c - b * s;
        x[o + i + half] = b * c + a * s;
      }
    }
  }
}

export interface AttentionDims {
  rows: number;
  heads: number;
  kvHeads: number;
  headDim: number;
}

/**
 * Causal grouped-query attention. Returns the head outputs [T × heads·headDim] and the softmax probabilities
 * [heads × T × T] (upper triangle zero), which the backward reuses instead of recomputing scores.
 */
export function attentionForward(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  d: AttentionDims,
): { out: Float32Array; probs: Float32Array } {
  const { rows: T, heads, kvHeads, headDim: hd } = d;
  const qDim = heads * hd;
  const kvDim = kvHeads * hd;
  const group = heads / kvHeads;
  const scale = 1 / Math.sqrt(hd);
  const out = new Float32Array(T * qDim);
  const probs = new Float32Array(heads * T * T);
  for (let h = 0; h < heads; h++) {
    const kvo = Math.floor(h / group) * hd;
    for (let t = 0; t < T; t++) {
      const qo = t * qDim + h * hd;
      const po = (h * T + t) * T;
      let max = -Infinity;
      for (let u = 0; u <= t; u++) {
        const ko = u * kvDim + kvo;
        let s = 0;
        for (let i = 0; i < hd; i++) s += q[qo + i] * k[ko + i];
        s *= scale;
        probs[po + u] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let u = 0; u <= t; u++) {
        const e = Math.exp(probs[po + u] - max);
        probs[po + u] = e;
        sum += e;
      }
      for (let u = 0; u <= t; u++) {
        const p = probs[po + u] / sum;
        probs[po + u] = p;
        const vo = u * kvDim + kvo;
        for (let i = 0; i < hd; i++) out[qo + i] += p * v[vo + i];
      }
    }
  }
  return { out, probs };
}

/** Accumulates dq, dk, dv from dOut; the kv gradients sum over the query heads that share each kv head. */
export function attentionBackward(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  probs: Float32Array,
  dOut: Float32Array,
  d: AttentionDims,
  dq: Float32Array,
  dk: Float32Array,
  dv: Float32Array,
): void {
  const { rows: T, heads, kvHeads, headDim: hd } = d;
  const qDim = heads * hd;
  const kvDim = kvHeads * hd;
  const group = heads / kvHeads;
  const scale = 1 / Math.sqrt(hd);
  const dp = new Float64Array(T);
  for (let h = 0; h < heads; h++) {
    const kvo = Math.floor(h / group) * hd;
    for (let t = 0; t < T; t++) {
      const qo = t * qDim + h * hd;
      const po = (h * T + t) * T;
      let pdp = 0;
      for (let u = 0; u <= t; u++) {
        const vo = u * kvDim + kvo;
        const p = probs[po + u];
        let s = 0;
        for (let i = 0; i < hd; i++) {
          s += dOut[qo + i] * v[vo + i];
          dv[vo + i] += p * dOut[qo + i];
        }
        dp[u] = s;
        pdp += p * s;
      }
      for (let u = 0; u <= t; u++) {
        const ds = probs[po + u] * (dp[u] - pdp) * scale;
        if (ds === 0) continue;
        const ko = u * kvDim + kvo;
        for (let i = 0; i < hd; i++) {
          dq[qo + i] += ds * k[ko + i];
          dk[ko + i] += ds * q[qo + i];
        }
      }
    }
  }
}

export function silu(x: number): number {
  return x / (1 + Math.exp(-x));
}
