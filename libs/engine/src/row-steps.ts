import { rmsNormRows, ropeInPlace, swigluRows } from './kernels';
import type { WasmBlocks } from './wasm-runtime';

/**
 * The forward pass's row-wise steps over rows in the arena: the module's kernels (wasm-rows.ts, wasm-swiglu.ts) where
 * the widths allow, the JS loops of kernels.ts otherwise. Norm, RoPE and the residual add give the same bits either
 * way; SwiGLU's f32 exp is within 2 ulp of the JS one.
 */
export class RowSteps {
  constructor(
    private readonly simd: WasmBlocks | undefined,
    private readonly dims: { hidden: number; headDim: number; inter: number; eps: number },
  ) {}

  /** dst = RMSNorm(src) · weight over `rows` rows of the hidden width. */
  norm(src: Float32Array, dst: Float32Array, rows: number, weight: Float32Array): void {
    const { hidden, eps } = this.dims;
    if (this.simd && hidden % 4 === 0) this.simd.rmsNorm(src.byteOffset, dst.byteOffset, weight.byteOffset, rows, hidden * 4, eps);
    else rmsNormRows(src, dst, rows, hidden, weight, eps);
  }

  /** RoPE on `heads` heads from column `col` of `rows` rows `stride` floats apart, row r at cos / sin row r. */
  rope(v: Float32Array, col: number, stride: number, heads: number, rows: number, cos: Float64Array, sin: Float64Array): void {
    const hd = this.dims.headDim;
    if (this.simd && hd % 8 === 0) {
      this.simd.rope(v.byteOffset + col * 4, stride * 4, cos.byteOffset, sin.byteOffset, rows, heads, hd * 4);
      return;
    }
    for (let i = 0; i < rows; i++) ropeInPlace(v, i * stride + col, heads, hd, cos, sin, i * (hd >> 1));
  }

  /** dst += src over the first n floats (the residual connection). */
  add(dst: Float32Array, src: Float32Array, n: number): void {
    if (this.simd && n % 4 === 0) this.simd.addRows(dst.byteOffset, src.byteOffset, n * 4);
    else for (let i = 0; i < n; i++) dst[i] += src[i];
  }

  /** silu(gate) · up for `rows` rows of [gate | up] into rows of the intermediate width. */
  swiglu(gu: Float32Array, dst: Float32Array, rows: number): void {
    const inter = this.dims.inter;
    if (this.simd && inter % 4 === 0) this.simd.swiglu(gu.byteOffset, dst.byteOffset, rows, inter * 4);
    else swigluRows(gu, dst, rows, inter);
  }
}
