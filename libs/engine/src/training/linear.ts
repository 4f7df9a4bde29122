/**
 * Dense kernels for `y = x · Wᵀ` with W in the Hugging Face [out, in] layout. All three products go through one
 * register-blocked kernel (after a transpose where needed), several times faster than naive loops; the
 * transposes cost O(size) against O(rows·size) for the product. The kernel is the trainer's own rather than the
 * inference engine's so either side can retune its kernels without breaking the other.
 */

/**
 * out[b·outDim + o] = Σ_i x[b·inDim + i] · w[o·inDim + i]. Blocks of 2 weight rows × 4 input rows keep eight
 * accumulators in registers, so each loaded weight is used four times and each input value twice.
 */
export function matmulKernel(w: Float32Array, x: Float32Array, out: Float32Array, batch: number, inDim: number, outDim: number): void {
  const quadEnd = batch & ~3;
  let o = 0;
  for (; o + 1 < outDim; o += 2) {
    const w0 = o * inDim;
    const w1 = w0 + inDim;
    let b = 0;
    for (; b < quadEnd; b += 4) {
      const x0 = b * inDim;
      const x1 = x0 + inDim;
      const x2 = x1 + inDim;
      const x3 = x2 + inDim;
      let a00 = 0, a01 = 0, a02 = 0, a03 = 0, a10 = 0, a11 = 0, a12 = 0, a13 = 0;
      for (let i = 0; i < inDim; i++) {
        const u = w[w0 + i];
        const v = w[w1 + i];
        const p = x[x0 + i];
        const q = x[x1 + i];
        const r = x[x2 + i];
        const s = x[x3 + i];
        a00 += u * p; a01 += u * q; a02 += u * r; a03 += u * s;
        a10 += v * p; a11 += v * q; a12 += v * r; a13 += v * s;
      }
      const ob = b * outDim + o;
      out[ob] = a00;
      out[ob + outDim] = a01;
      out[ob + 2 * outDim] = a02;
      out[ob + 3 * outDim] = a03;
      out[ob + 1] = a10;
      out[ob + outDim + 1] = a11;
      out[ob + 2 * outDim + 1] = a12;
      out[ob + 3 * outDim + 1] = a13;
    }
    for (; b < batch; b++) {
      const x0 = b * inDim;
      let a0 = 0;
      let a1 = 0;
      for (let i = 0; i < inDim; i++) {
        const p = x[x0 + i];
        a0 += w[w0 + i] * p;
        a1 += w[w1 + i] * p;
      }
      out[b * outDim + o] = a0;
      out[b * outDim + o + 1] = a1;
    }
  }
  for (; o < outDim; o++) {
    const w0 = o * inDim;
    for (let b = 0; b < batch; b++) {
      const x0 = b * inDim;
      let a = 0;
      for (let i = 0; i < inDim; i++) a += w[w0 + i] * x[x0 + i];
      out[b * outDim + o] = a;
    }
  }
}

function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) t[c * rows + r] = a[o + c];
  }
  return t;
}

/** y[T×out] = x[T×in] · W[out×in]ᵀ */
export function linearForward(x: Float32Array, w: Float32Array, rows: number, inDim: number, outDim: number): Float32Array {
  const y = new Float32Array(rows * outDim);
  matmulKernel(w, x, y, rows, inDim, outDim);
  return y;
}

/** dx[T×in] += dy[T×out] · W[out×in] */
export function linearBackwardInput(
  dy: Float32Array,
  w: Float32Array,
  rows: number,
  inDim: number,
  outDim: number,
  dx: Float32Array,
): void {
  const tmp = new Float32Array(rows * inDim);
  matmulKernel(transpose(w, outDim, inDim), dy, tmp, rows, outDim, inDim);
  for (let i = 0; i < tmp.length; i++) dx[i] += tmp[i];
}

/** dW[out×in] += dy[T×out]ᵀ · x[T×in] */
export function linearBackwardWeight(
  dy: Float32Array,
  x: Float32Array,
  rows: number,
  inDim: number,
  outDim: number,
  dw: Float32Array,
): void {
  const tmp = new Float32Array(outDim * inDim);
  // dW[o][i] = Σ_t dyᵀ[o][t] · xᵀ[i][t]: a matmul over the token axis.
  matmulKernel(transpose(x, rows, inDim), transpose(dy, rows, outDim), tmp, outDim, rows, inDim);
  for (let i = 0; i < tmp.length; i++) dw[i] += tmp[i];
}
