/**
 * Numeric kernels over flat row-major Float32Arrays. Accumulation happens in JS doubles, which is both what
 * V8 generates for Float32Array arithmetic anyway and more accurate than f32 sums.
 *
 * `matmulKernel` is also shipped to worker threads as source text (Function.prototype.toString), so it must
 * stay self-contained: no imports, no closures, no helpers.
 */

/**
 * out[b, o] = Σ_i x[b, i] · w[o, i] for o in [rowStart, rowEnd), i.e. [batch × in] · Wᵀ with W stored as
 * [out × in] like HF Linear weights. Register-blocked 2 weight rows × 4 batch rows so each weight value
 * loaded is used four times; that reuse is what makes batched decode cheaper per token than single-stream.
 */
export function matmulKernel(
  w: Float32Array,
  wOff: number,
  x: Float32Array,
  xOff: number,
  out: Float32Array,
  outOff: number,
  batch: number,
  inDim: number,
  outDim: number,
  rowStart: number,
  rowEnd: number,
): void {
  const TILE = 16;
  for (let b0 = 0; b0 < batch; b0 += TILE) {
    const b1 = b0 + TILE < batch ? b0 + TILE : batch;
    const quadEnd = b0 + ((b1 - b0) & ~3);
    if (quadEnd > b0) {
      let o = rowStart;
      for (; o + 1 < rowEnd; o += 2) {
        const w0 = wOff + o * inDim;
        const w1 = w0 + inDim;
        for (let b = b0; b < quadEnd; b += 4) {
          const x0 = xOff + b * inDim;
          const x1 = x0 + inDim;
          const x2 = x1 + inDim;
          const x3 = x2 + inDim;
          let a00 = 0,
            a01 = 0,
            a02 = 0,
            a03 = 0,
            a10 = 0,
            a11 = 0,
            a12 = 0,
            a13 = 0;
          for (let i = 0; i < inDim; i++) {
            const u = w[w0 + i];
            const v = w[w1 + i];
            const p = x[x0 + i];
            const q = x[x1 + i];
            const r = x[x2 + i];
            const s = x[x3 + i];
            a00 += u * p;
            a01 += u * q;
            a02 += u * r;
            a03 += u * s;
            a10 += v * p;
            a11 += v * q;
            a12 += v * r;
            a13 += v * s;
          }
          const ob = outOff + b * outDim + o;
          out[ob] = a00;
          out[ob + outDim] = a01;
          out[ob + 2 * outDim] = a02;
          out[ob + 3 * outDim] = a03;
          out[ob + 1] = a10;
          out[ob + outDim + 1] = a11;
          out[ob + 2 * outDim + 1] = a12;
          out[ob + 3 * outDim + 1] = a13;
        }
      }
      if (o < rowEnd) {
        const w0 = wOff + o * inDim;
        for (let b = b0; b < quadEnd; b++) {
          const x0 = xOff + b * inDim;
          let a = 0;
          for (let i = 0; i < inDim; i++) a += w[w0 + i] * x[x0 + i];
          out[outOff + b * outDim + o] = a;
        }
      }
    }
    // Leftover batch rows (all of them for single-stream decode): 8 weight rows per pass over x. Every
    // output is one left-to-right sum in the same order on every path, so results do not depend on batch
    // composition or on how rows are split between threads (greedy output is batch-invariant).
    for (let b = quadEnd; b < b1; b++) {
      const x0 = xOff + b * inDim;
      const ob = outOff + b * outDim;
      let o = rowStart;
      for (; o + 7 < rowEnd; o += 8) {
        const w0 = wOff + o * inDim;
        let a0 = 0,
          a1 = 0,
          a2 = 0,
          a3 = 0,
          a4 = 0,
          a5 = 0,
          a6 = 0,
          a7 = 0;
        for (let i = 0; i < inDim; i++) {
          const p = x[x0 + i];
          const k = w0 + i;
          a0 += w[k] * p;
          a1 += w[k + inDim] * p;
          a2 += w[k + 2 * inDim] * p;
          a3 += w[k + 3 * inDim] * p;
          a4 += w[k + 4 * inDim] * p;
          a5 += w[k + 5 * inDim] * p;
          a6 += w[k + 6 * inDim] * p;
          a7 += w[k + 7 * inDim] * p;
        }
        out[ob + o] = a0;
        out[ob + o + 1] = a1;
        out[ob + o + 2] = a2;
        out[ob + o + 3] = a3;
        out[ob + o + 4] = a4;
        out[ob + o + 5] = a5;
        out[ob + o + 6] = a6;
        out[ob + o + 7] = a7;
      }
      for (; o < rowEnd; o++) {
        const w0 = wOff + o * inDim;
        let a = 0;
        for (let i = 0; i < inDim; i++) a += w[w0 + i] * x[x0 + i];
        out[ob + o] = a;
      }
    }
  }
}

/** In place over `rows` rows of width `dim`: x · rsqrt(mean(x²) + eps) · weight (Llama RMSNorm). */
export function rmsNormRows(src: Float32Array, dst: Float32Array, rows: number, dim: number, weight: Float32Array, eps: number): void {
  for (let r = 0; r < rows; r++) {
    const off = r * dim;
    let ss = 0;
    for (let i = 0; i < dim; i++) ss += src[off + i] * src[off + i];
    // HF rounds the normalised activations to f32 before scaling by the weight; match it.
    const scale = 1 / Math.sqrt(ss / dim + eps);
    for (let i = 0; i < dim; i++) dst[off + i] = Math.fround(src[off + i] * scale) * weight[i];
  }
}

/** gu holds [gate | up] per row (width 2·inter); writes silu(gate)·up into dst (width inter). */
export function swigluRows(gu: Float32Array, dst: Float32Array, rows: number, inter: number): void {
  for (let r = 0; r < rows; r++) {
    const g0 = r * 2 * inter;
    const d0 = r * inter;
    for (let i = 0; i < inter; i++) {
      const g = gu[g0 + i];
      dst[d0 + i] = (g / (1 + Math.exp(-g))) * gu[g0 + inter + i];
    }
  }
}

/**
 * Rotary embedding, HF "rotate_half" layout: dimension i pairs with i + headDim/2 (not adjacent pairs).
 * cos/sin hold headDim/2 values for this token's position.
 */
export function ropeInPlace(
  v: Float32Array,
  off: number,
  heads: number,
  headDim: number,
  cos: Float64Array,
  sin: Float64Array,
  csOff: number,
): void {
  const half = headDim >> 1;
  for (let h = 0; h < heads; h++) {
    const base = off + h * headDim;
    for (let i = 0; i < half; i++) {
      const a = v[base + i];
      const b = v[base + i + half];
      const c = cos[csOff + i];
      const s = sin[csOff + i];
      v[base + i] = a * c - b * s;
      v[base + i + half] = b * c + a * s;
    }
  }
}
