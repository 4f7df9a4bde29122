import type { KvCache } from './kv-cache';
import type { WasmBlocks } from './wasm-runtime';

/** What attention needs of a sequence in the batch (a ForwardSeq of model.ts). */
export interface AttentionSeq {
  tokens: readonly number[];
  startPos: number;
  blocks: readonly number[];
}

export interface AttentionShape {
  heads: number;
  kvHeads: number;
  /** Head dimension. */
  hd: number;
}

/**
 * Causal grouped-query attention over the paged KV cache (kv-cache.ts), one sequence at a time: the projections are
 * batched over every row of the step, attention is not. Each head's scores are softmaxed in float64 on the JS path;
 * the wasm path takes each KV block as one strided run through the SIMD q·k and weighted-sum kernels, and softmaxes
 * in f32 as PyTorch's f32 attention does.
 */
export class PagedAttention {
  private readonly heads: number;
  private readonly kvHeads: number;
  private readonly hd: number;
  private readonly qDim: number;
  private readonly kvDim: number;
  /** JS path: one head's scores over the context (grown on demand) and its weighted V sum. */
  private scores = new Float64Array(1024);
  private readonly accum: Float64Array;

  /**
   * `wscores`: the wasm path's scores, one float per cached token, an arena allocation (so the softmax kernel may pad
   * it to a multiple of four).
   */
  constructor(
    shape: AttentionShape,
    private readonly kv: KvCache,
    private readonly wscores: Float32Array,
  ) {
    this.heads = shape.heads;
    this.kvHeads = shape.kvHeads;
    this.hd = shape.hd;
    this.qDim = shape.heads * shape.hd;
    this.kvDim = shape.kvHeads * shape.hd;
    this.accum = new Float64Array(shape.hd);
  }

  /**
   * Writes this step's K/V rows (from the stacked q|k|v rows of `qkv`) into the cache, then causal attention of every
   * new row over its sequence into `att`; `ex`: the wasm SIMD kernels when the engine runs them.
   */
  run(seqs: readonly AttentionSeq[], layer: number, qkv: Float32Array, att: Float32Array, ex: WasmBlocks | undefined): void {
    const { blockSize } = this.kv;
    const kc = this.kv.k[layer];
    const vc = this.kv.v[layer];
    const hd = this.hd;
    const qkvDim = this.qDim + 2 * this.kvDim;
    const group = this.heads / this.kvHeads;
    const scale = 1 / Math.sqrt(hd);
    let r0 = 0;
    for (const s of seqs) {
      const n = s.tokens.length;
      for (let i = 0; i < n; i++) {
        const pos = s.startPos + i;
        const slot = s.blocks[Math.floor(pos / blockSize)] * blockSize + (pos % blockSize);
        const src = (r0 + i) * qkvDim + this.qDim;
        kc.set(qkv.subarray(src, src + this.kvDim), slot * this.kvDim);
        vc.set(qkv.subarray(src + this.kvDim, src + 2 * this.kvDim), slot * this.kvDim);
      }
      if (ex && hd % 4 === 0) {
        this.attendWasm(ex, s, r0, layer, qkv, att);
        r0 += n;
        continue;
      }
      const ctx = s.startPos + n;
      if (this.scores.length < ctx) this.scores = new Float64Array(Math.max(ctx, 2 * this.scores.length));
      const scores = this.scores;
      const acc = this.accum;
      const q = qkv;
      const kvDim = this.kvDim;
      const blocks = s.blocks;
      for (let i = 0; i < n; i++) {
        const row = r0 + i;
        const len = s.startPos + i + 1;
        for (let h = 0; h < this.heads; h++) {
          const gOff = Math.floor(h / group) * hd;
          const qOff = row * qkvDim + h * hd;
          // Walk the block table block by block so the inner loops are plain strided scans.
          let max = -Infinity;
          for (let j = 0, blk = 0; j < len; blk++) {
            const end = Math.min(len, j + blockSize);
            for (let kOff = blocks[blk] * blockSize * kvDim + gOff; j < end; j++, kOff += kvDim) {
              let dot = 0;
              for (let d = 0; d < hd; d++) dot += q[qOff + d] * kc[kOff + d];
              dot *= scale;
              scores[j] = dot;
              if (dot > max) max = dot;
            }
          }
          let sum = 0;
          for (let j = 0; j < len; j++) {
            const e = Math.exp(scores[j] - max);
            scores[j] = e;
            sum += e;
          }
          acc.fill(0);
          for (let j = 0, blk = 0; j < len; blk++) {
            const end = Math.min(len, j + blockSize);
            for (let vOff = blocks[blk] * blockSize * kvDim + gOff; j < end; j++, vOff += kvDim) {
              const wgt = scores[j];
              for (let d = 0; d < hd; d++) acc[d] += wgt * vc[vOff + d];
            }
          }
          const oOff = row * this.qDim + h * hd;
          const inv = 1 / sum;
          for (let d = 0; d < hd; d++) att[oOff + d] = acc[d] * inv;
        }
      }
      r0 += n;
    }
  }

  /** The same attention with the q·k dots, the softmax and the weighted V sums done by the wasm SIMD kernels. */
  private attendWasm(ex: WasmBlocks, s: AttentionSeq, r0: number, layer: number, qkv: Float32Array, att: Float32Array): void {
    const { blockSize } = this.kv;
    const hd = this.hd;
    const kvDim = this.kvDim;
    const qkvDim = this.qDim + 2 * kvDim;
    const group = this.heads / this.kvHeads;
    const scale = 1 / Math.sqrt(hd);
    const kBase = this.kv.k[layer].byteOffset;
    const vBase = this.kv.v[layer].byteOffset;
    const wPtr = this.wscores.byteOffset;
    const stride = kvDim * 4;
    const blockBytes = blockSize * stride;
    const blocks = s.blocks;
    for (let i = 0; i < s.tokens.length; i++) {
      const row = r0 + i;
      const len = s.startPos + i + 1;
      for (let h = 0; h < this.heads; h++) {
        const gBytes = Math.floor(h / group) * hd * 4;
        const qPtr = qkv.byteOffset + (row * qkvDim + h * hd) * 4;
        for (let j = 0, blk = 0; j < len; blk++, j += blockSize) {
          ex.scores(qPtr, kBase + blocks[blk] * blockBytes + gBytes, stride, Math.min(blockSize, len - j), hd * 4, wPtr + j * 4);
        }
        ex.softmax(wPtr, len, scale);
        const oOff = row * this.qDim + h * hd;
        att.fill(0, oOff, oOff + hd);
        const oPtr = att.byteOffset + oOff * 4;
        for (let j = 0, blk = 0; j < len; blk++, j += blockSize) {
          ex.axpy(wPtr + j * 4, vBase + blocks[blk] * blockBytes + gBytes, stride, Math.min(blockSize, len - j), hd * 4, oPtr);
        }
      }
    }
  }
}
