/**
 * Dense kernels for `y = x · Wᵀ` with W in the Hugging Face [out, in] layout. All three products go through one
 * register-blocked kernel (after a transpose where needed), several times faster than naive loops; the
 * transposes cost O(size) against O(rows·size) for the product.
 */
import { matmulKernel as engineMatmul } from '../kernels';

/** out[b·outDim + o] = Σ_i x[b·inDim + i] · w[o·inDim + i]: the inference engine's register-blocked kernel, whole-matrix. */
function matmulKernel(w: Float32Array, x: Float32Array, out: Float32Array, batch: number, inDim: number, outDim: number): void {
  engineMatmul(w, 0, x, 0, out, 0, batch, inDim, outDim, 0, outDim);
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
