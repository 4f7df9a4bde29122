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
 * the wasm path takes each KV block as one strided run through the SIMD q·k and weighted-sum kernels, softmaxes in f32
 * as PyTorch's f32 attention does, and splits the heads between the matmul pool's threads.
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
  /** Wasm path: each thread's rows of scores (scoreRows), `wstride` floats apart, and the job descriptor (see attendHeads). */
  private readonly wscores: Float32Array;
  private readonly wstride: number;
  private readonly wrow: number;
  private readonly maxContext: number;
  private readonly desc: Uint32Array;

  /**
   * `alloc`: arena memory (so the wasm kernels and the worker threads address it): the wasm path's scores, one float
   * per cached token for each of scoreRows rows of each of `threads` threads (the softmax kernel pads them to a multiple
   * of four), and the job descriptor the threads read (`attendHeads`) for a step of up to `maxRows` rows. `maxContext`:
   * the most positions a sequence reaches (the model's), which bounds a row of scores.
   */
  constructor(
    shape: AttentionShape,
    private readonly kv: KvCache,
    alloc: (floats: number) => Float32Array,
    maxRows: number,
    threads: number,
    maxContext = kv.numBlocks * kv.blockSize,
  ) {
    this.heads = shape.heads;
    this.kvHeads = shape.kvHeads;
    this.hd = shape.hd;
    this.qDim = shape.heads * shape.hd;
    this.kvDim = shape.kvHeads * shape.hd;
    this.accum = new Float64Array(shape.hd);
    this.maxContext = Math.min(maxContext, kv.numBlocks * kv.blockSize);
    const [scores, words] = PagedAttention.arenaCounts(this.maxContext, kv.numBlocks, maxRows, threads, shape.heads);
    this.wstride = scores / threads;
    this.wrow = this.wstride / scoreRows(shape.heads);
    this.wscores = alloc(scores);
    const desc = alloc(words);
    this.desc = new Uint32Array(desc.buffer, desc.byteOffset, desc.length);
  }

  /** The arena floats the constructor takes: the threads' scores, then the job descriptor. */
  static arenaCounts(maxContext: number, numBlocks: number, maxRows: number, threads: number, heads: number): [number, number] {
    // Each row of scores starts on a 64-byte boundary, with room for the softmax's padding.
    const row = Math.ceil((maxContext + 4) / 16) * 16;
    return [threads * scoreRows(heads) * row, DESC_HEADER + maxRows * DESC_PER_SEQ + numBlocks];
  }

  /**
   * Writes this step's K/V rows (from the stacked q|k|v rows of `qkv`) into the cache, then causal attention of every
   * new row over its sequence into `att`; `pool`: the threads that run the wasm SIMD kernels, when the engine does.
   */
  run(seqs: readonly AttentionSeq[], layer: number, qkv: Float32Array, att: Float32Array, pool: AttentionPool | undefined): void {
    const simd = this.hd % 4 === 0 ? pool : undefined;
    const { blockSize } = this.kv;
    const kc = this.kv.k[layer];
    const vc = this.kv.v[layer];
    if (!simd && !(kc instanceof Float32Array && vc instanceof Float32Array)) throw new Error('a bf16 KV cache needs the wasm kernels');
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
        this.kv.put(layer, slot, qkv, src, src + this.kvDim);
      }
      if (simd) {
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
    if (simd) this.attendWasm(simd, seqs, layer, qkv, att);
  }

  /**
   * The same attention with the q·k dots, the softmax and the weighted V sums done by the wasm SIMD kernels, split
   * between the pool's threads (attendHeads says how): the job goes to them as a descriptor in the arena.
   */
  private attendWasm(pool: AttentionPool, seqs: readonly AttentionSeq[], layer: number, qkv: Float32Array, att: Float32Array): void {
    const d = this.desc;
    d[0] = qkv.byteOffset;
    d[1] = att.byteOffset;
    d[2] = this.kv.k[layer].byteOffset;
    d[3] = this.kv.v[layer].byteOffset;
    d[4] = this.heads;
    d[5] = this.kvHeads;
    d[6] = this.hd;
    d[7] = this.kv.blockSize;
    d[8] = seqs.length;
    d[9] = this.wrow * 4;
    d[10] = TILE_ROWS;
    d[11] = this.kv.dtype === 'BF16' ? 2 : 4;
    let w = DESC_HEADER;
    let r0 = 0;
    let macs = 0;
    for (const s of seqs) {
      const n = s.tokens.length;
      if (s.startPos + n > this.maxContext)
        throw new RangeError(`attention over ${s.startPos + n} positions: sized for ${this.maxContext}`);
      const used = Math.ceil((s.startPos + n) / this.kv.blockSize);
      d[w++] = r0;
      d[w++] = n;
      d[w++] = s.startPos;
      d[w++] = used;
      for (let b = 0; b < used; b++) d[w++] = s.blocks[b];
      macs += n * (s.startPos + (n + 1) / 2);
      r0 += n;
    }
    pool.attend(d.byteOffset / 4, this.heads, this.wscores.byteOffset, this.wstride * 4, 2 * macs * this.heads * this.hd);
  }
}

/** The thread pool that runs attendHeads (parallel.ts's MatmulPool). */
export interface AttentionPool {
  /**
   * attendHeads over heads [0, heads) of the descriptor at word `descWord`, split between the threads; thread t's scores
   * at `wPtr + t · wBytes`. `macs`: the job's size, below which it stays on the calling thread.
   */
  attend(descWord: number, heads: number, wPtr: number, wBytes: number, macs: number): void;
}

/** Words of the descriptor before its sequences, and per sequence before its block table. */
const DESC_HEADER = 12;
const DESC_PER_SEQ = 4;

/**
 * Rows of a prompt that attend together (attendRows): each KV block is read once for all of them while it is in L1,
 * where a row at a time read a long prompt's keys and values from L3 once per row.
 */
const TILE_ROWS = 8;

/** A thread's rows of scores: a tile of prompt rows, or every head of a decode row (all on one thread when unsplit). */
function scoreRows(heads: number): number {
  return Math.max(TILE_ROWS, heads);
}

/**
 * Causal attention of heads [h0, h1) for the rows of every sequence a descriptor lists, with the wasm kernels `ex`. It
 * runs on the calling thread and in the worker threads (parallel.ts puts its source into theirs), so it uses nothing
 * but its arguments. Descriptor words at `d` of `u` (a Uint32Array over the arena): byte offsets of qkv, att, the
 * layer's K and V pools; heads, kvHeads, hd, blockSize, sequence count, bytes between score rows, rows per tile, bytes
 * per cached element (4, or 2 for a bf16 cache); then per sequence: its first row, rows, start position, block count
 * and block ids. `wPtr`: this thread's scores (a tile's rows, or a decode row's heads).
 *
 * Prompt rows are split between the threads by heads, [h0, h1) here. Decode rows are split by sequence, every head of
 * a row on one thread: this is part `part` of `parts`, the decode rows whose positions start in that share of all the
 * decode rows' positions. A thread that took half the heads of every row still had the prefetchers bring it whole
 * cache rows, so each row was fetched from memory once per thread.
 */
export function attendHeads(
  ex: WasmBlocks,
  u: Uint32Array,
  d: number,
  h0: number,
  h1: number,
  part: number,
  parts: number,
  wPtr: number,
): void {
  const qkvPtr = u[d];
  const attPtr = u[d + 1];
  const kBase = u[d + 2];
  const vBase = u[d + 3];
  const heads = u[d + 4];
  const kvHeads = u[d + 5];
  const hd = u[d + 6];
  const blockSize = u[d + 7];
  const count = u[d + 8];
  const wRow = u[d + 9];
  const tile = u[d + 10];
  const eb = u[d + 11];
  const attend = eb === 2 ? ex.attendRowsB : ex.attendRows;
  const attendRow = eb === 2 ? ex.attendHeadsRowB : ex.attendHeadsRow;
  const qDim = heads * hd;
  const kvDim = kvHeads * hd;
  const qkvDim = qDim + 2 * kvDim;
  const group = heads / kvHeads;
  const scale = 1 / Math.sqrt(hd);
  const stride = kvDim * eb;
  const blockBytes = blockSize * stride;
  const first = d + 12; // DESC_HEADER: this source runs in the workers too, without the module around it
  let decodePositions = 0;
  for (let s = 0, w = first; s < count; s++, w += 4 + u[w + 3]) if (u[w + 1] === 1) decodePositions += u[w + 2] + 1;
  let before = 0; // decode rows' positions before this one
  let w = first;
  for (let s = 0; s < count; s++) {
    const r0 = u[w];
    const rows = u[w + 1];
    const startPos = u[w + 2];
    const blocks = w + 4;
    w = blocks + u[w + 3];
    if (rows === 1) {
      // A decode row: every head per KV block, so each cache row is fetched once for all of them.
      const owner = Math.floor((before * parts) / decodePositions);
      before += startPos + 1;
      if (owner !== part) continue;
      attendRow(
        qkvPtr + r0 * qkvDim * 4,
        kBase,
        vBase,
        blocks * 4,
        blockBytes,
        stride,
        blockSize,
        startPos + 1,
        hd * 4,
        wPtr,
        scale,
        attPtr + r0 * qDim * 4,
        heads,
        group,
        0,
        wRow,
      );
      continue;
    }
    for (let h = h0; h < h1; h++) {
      const gBytes = Math.floor(h / group) * hd * eb;
      for (let i = 0; i < rows; i += tile) {
        const row = r0 + i;
        const qPtr = qkvPtr + (row * qkvDim + h * hd) * 4;
        const oPtr = attPtr + (row * qDim + h * hd) * 4;
        const n = Math.min(tile, rows - i);
        attend(
          qPtr,
          kBase + gBytes,
          vBase + gBytes,
          blocks * 4,
          blockBytes,
          stride,
          blockSize,
          startPos + i + 1,
          hd * 4,
          wPtr,
          scale,
          oPtr,
          n,
          qkvDim * 4,
          qDim * 4,
          wRow,
        );
      }
    }
  }
}
