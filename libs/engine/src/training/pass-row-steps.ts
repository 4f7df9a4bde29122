/**
 * The batched pass's row-wise steps on float offsets into its workspace, each choosing the wasm kernel where the
 * widths allow and the JS loop otherwise, the same bits either way. Residual adds and RoPE are the engine's own
 * (`../row-steps.ts`, RoPE on float64 copies of the trainer's f32 tables kept in the workspace); RMSNorm and SwiGLU
 * are the trainer's variants (it keeps 1/rms and σ(gate) for the backward, and scales x · r · w in float64 without
 * rounding between), with their backwards, in the trainer's module.
 */
import { RowSteps } from '../row-steps';
import type { BatchWorkspace } from './batch-workspace';
import { rmsNormBackward, type RopeTable } from './layers';
import type { LlamaDims } from './llama-params';

export class PassRowSteps {
  private readonly heap: Float32Array;
  private readonly engine: RowSteps;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly negSin: Float64Array;

  /** `rope`: the trainer's table for at least the workspace's rows, copied into the workspace as float64. */
  constructor(
    private readonly ws: BatchWorkspace,
    private readonly d: LlamaDims,
    rope: RopeTable,
  ) {
    this.heap = ws.heap;
    this.engine = new RowSteps(ws.matmul, { hidden: d.hidden, headDim: d.headDim, inter: d.inter, eps: d.eps });
    const n = ws.layout.capacity.rows * (d.headDim / 2);
    const f64 = (at: number): Float64Array => new Float64Array(ws.heap.buffer, ws.heap.byteOffset + at * 4, n);
    [this.cos, this.sin, this.negSin] = [f64(ws.layout.ropeCos), f64(ws.layout.ropeSin), f64(ws.layout.ropeNegSin)];
    this.cos.set(rope.cos.subarray(0, n));
    this.sin.set(rope.sin.subarray(0, n));
    this.negSin.set(rope.sin.subarray(0, n).map((v) => -v));
  }

  private view(at: number, n: number): Float32Array {
    return this.heap.subarray(at, at + n);
  }

  /** heap[dst … dst + n) += heap[src … src + n) in f32. */
  add(dst: number, src: number, n: number): void {
    this.engine.add(this.view(dst, n), this.view(src, n), n);
  }

  /**
   * RoPE on `heads` heads from column `col` of the first T rows of the q|k|v rows at `off` (`stride` floats apart,
   * position = row), or its inverse (the backward of a rotation).
   */
  rope(off: number, stride: number, col: number, T: number, heads: number, inverse: boolean): void {
    if (T > 0) this.engine.rope(this.view(off, T * stride), col, stride, heads, T, this.cos, inverse ? this.negSin : this.sin);
  }

  /** RMSNorm of `rows` rows at x with the weight at w into y, each row's 1/rms into inv (layers.ts rmsNormForward). */
  norm(x: number, w: number, y: number, inv: number, rows: number): void {
    const { heap } = this;
    const { hidden: dim, eps } = this.d;
    if (this.ws.acc && dim % 4 === 0 && rows > 0) {
      this.ws.acc.rmsNorm(x * 4, y * 4, w * 4, inv * 4, rows, dim * 4, eps);
      return;
    }
    for (let t = 0; t < rows; t++) {
      const o = x + t * dim;
      let ss = 0;
      for (let i = 0; i < dim; i++) ss += heap[o + i] * heap[o + i];
      const r = 1 / Math.sqrt(ss / dim + eps);
      heap[inv + t] = r;
      const yo = y + t * dim;
      for (let i = 0; i < dim; i++) heap[yo + i] = heap[o + i] * r * heap[w + i];
    }
  }

  /** RMSNorm's backward for `rows` rows: dy into dx, and into dw unless it is undefined (layers.ts rmsNormBackward). */
  normBackward(x: number, w: number, inv: number, dy: number, dx: number, rows: number, dw: number | undefined): void {
    const H = this.d.hidden;
    if (this.ws.acc && H % 4 === 0 && rows > 0) {
      this.ws.acc.rmsNormBackward(x * 4, w * 4, inv * 4, dy * 4, dx * 4, (dw ?? 0) * 4, rows, H * 4, dw === undefined ? 0 : 1);
      return;
    }
    const dwView = dw === undefined ? undefined : this.view(dw, H);
    rmsNormBackward(
      this.view(x, rows * H),
      this.view(w, H),
      this.view(inv, rows),
      this.view(dy, rows * H),
      rows,
      H,
      this.view(dx, rows * H),
      dwView,
    );
  }

  /** silu(gate) · up for `rows` rows of [gate | up] at gu into act, σ(gate) kept at sig for the backward. */
  swiglu(gu: number, act: number, sig: number, rows: number): void {
    const { heap } = this;
    const I = this.d.inter;
    if (this.ws.acc && I % 4 === 0 && rows > 0) {
      this.ws.acc.swigluSig(gu * 4, act * 4, sig * 4, rows, I * 4);
      return;
    }
    for (let t = 0; t < rows; t++) {
      const g0 = gu + t * 2 * I;
      const a0 = act + t * I;
      for (let i = 0; i < I; i++) {
        const g = heap[g0 + i];
        const sg = 1 / (1 + Math.exp(-g));
        heap[sig + t * I + i] = sg;
        heap[a0 + i] = g * sg * heap[g0 + I + i];
      }
    }
  }

  /** SwiGLU's backward: from the activation's gradient at da, the rows of [dgate | dup] at dgu. */
  swigluBackward(gu: number, sig: number, da: number, dgu: number, rows: number): void {
    const { heap } = this;
    const I = this.d.inter;
    if (this.ws.acc && I % 4 === 0 && rows > 0) {
      this.ws.acc.swigluBackward(gu * 4, sig * 4, da * 4, dgu * 4, rows, I * 4);
      return;
    }
    for (let t = 0; t < rows; t++) {
      const g0 = gu + t * 2 * I;
      const d0 = dgu + t * 2 * I;
      const a0 = da + t * I;
      for (let i = 0; i < I; i++) {
        const z = heap[g0 + i];
        const sg = heap[sig + t * I + i];
        const dA = heap[a0 + i];
        heap[d0 + I + i] = dA * z * sg;
        heap[d0 + i] = dA * heap[g0 + I + i] * (sg + z * sg * (1 - sg));
      }
    }
  }
}
