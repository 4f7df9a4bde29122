import type { MatmulKernel } from './contract';
import type { LoadedTensor } from './safetensors';
import { type EngineLlamaConfig, headDim as headDimOf } from './model-dir';
import { KvCache, type KvDtype } from './kv-cache';
import { Arena } from './arena';
import { MatmulPool } from './parallel';
import { ropeInvFreq } from './rope';
import { PagedAttention } from './paged-attention';
import { RowSteps } from './row-steps';
import { wasmApi } from './wasm-runtime';
import type { StepProfile } from './step-profile';
import { packWeights, panelFits, readPanelRow } from './panel-layout';
import { type Matrix, type PackedLayer, packLayer, tensorOf } from './packed-layer';

/**
 * The Llama forward pass over a batch of sequences that each contribute some new tokens (a prompt chunk
 * during prefill, one token during decode). All new tokens of all sequences are stacked as rows, so every
 * projection is a single [rows × in] · Wᵀ pass over the weights; only attention is per sequence.
 */

export interface ForwardSeq {
  /** New tokens to run, at positions startPos, startPos+1, ... */
  tokens: number[];
  startPos: number;
  /** KV block table, already large enough for startPos + tokens.length. */
  blocks: number[];
  /** Which rows need logits: none, only the last (sampling), or all (prompt logprobs). */
  logits: 'none' | 'last' | 'all';
  /** Whether to report final-normed hidden states of every row (embeddings). */
  hidden?: boolean;
}

export type RowCallback = (seqIndex: number, row: number, values: Float32Array) => void;

export interface ModelOptions {
  threads: number;
  maxBatchTokens: number;
  kvCacheBytes: number;
  blockSize?: number;
  /** Use the WebAssembly SIMD kernel when possible (default true). */
  wasm?: boolean;
  /** Fuse the multiply-adds of the matmul blocks and attention kernels wherever the runtime has relaxed SIMD (default true; false: never). */
  fused?: boolean;
  /**
   * Prompt tuning's soft prompt [N × hidden]: token ids vocab..vocab+N-1 embed as its rows. They are input-only
   * (the lm_head still scores the real vocabulary), so a served prompt-tuned model prepends them to every sequence.
   */
  virtualEmbeddings?: Float32Array;
}

const LOGIT_CHUNK = 32;

export class LlamaModel {
  readonly config: EngineLlamaConfig;
  readonly kv: KvCache;
  readonly maxBatchTokens: number;
  private readonly hidden: number;
  private readonly heads: number;
  private readonly kvHeads: number;
  private readonly hd: number;
  private readonly qDim: number;
  private readonly kvDim: number;
  private readonly inter: number;
  private readonly vocab: number;
  private readonly embed: Matrix;
  private readonly virtualEmbeddings?: Float32Array;
  /** Virtual (soft prompt) token ids, from vocab_size on. */
  readonly virtualTokens: number;
  private readonly layers: PackedLayer[];
  private readonly finalNorm: Float32Array;
  private readonly lmHead: Matrix;
  /** Element type the projection weights are held in. */
  readonly weightDtype: 'F32' | 'BF16';
  /** Weights in the panel layout (panel-layout.ts) for the wasm panel blocks; row-major otherwise. */
  readonly panel: boolean;
  /** The interleaved copy of a matmul's x rows and each thread's widened bf16 panel (panel layout only). */
  private readonly xi?: Float32Array;
  private readonly panelScratch?: Float32Array;
  private readonly invFreq: Float64Array;
  private readonly pool: MatmulPool;
  private readonly arena: Arena;
  // Activation scratch, sized for maxBatchTokens rows and shared with the worker threads.
  private readonly h: Float32Array;
  private readonly xn: Float32Array;
  private readonly qkv: Float32Array;
  private readonly att: Float32Array;
  private readonly tmp: Float32Array;
  private readonly gu: Float32Array;
  private readonly act: Float32Array;
  private readonly lmIn: Float32Array;
  private readonly logitsBuf: Float32Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  /** One row's final-normed hidden state. */
  private readonly normed: Float32Array;
  private readonly attention: PagedAttention;
  private readonly steps: RowSteps;
  /** When set, forward() adds its phase times to it (see StepProfile). */
  profile?: StepProfile;
  private lapStart = 0;

  constructor(config: EngineLlamaConfig, weights: Map<string, LoadedTensor>, options: ModelOptions) {
    this.config = config;
    this.hidden = config.hidden_size;
    this.heads = config.num_attention_heads;
    this.kvHeads = config.num_key_value_heads;
    this.hd = headDimOf(config);
    this.qDim = this.heads * this.hd;
    this.kvDim = this.kvHeads * this.hd;
    this.inter = config.intermediate_size;
    this.vocab = config.vocab_size;
    this.maxBatchTokens = options.maxBatchTokens;
    const ve = options.virtualEmbeddings;
    if (ve && ve.length % config.hidden_size !== 0) throw new Error('virtual embeddings must be [N × hidden_size]');
    this.virtualEmbeddings = ve;
    this.virtualTokens = ve ? ve.length / config.hidden_size : 0;
    const get = (name: string, shape: number[]): Float32Array => tensorOf(weights, name, shape);
    const H = this.hidden;
    const L = config.num_hidden_layers;
    const T = options.maxBatchTokens;
    const qkvDim = this.qDim + 2 * this.kvDim;
    const blockSize = options.blockSize ?? 16;
    // BF16 checkpoints stay bf16 in memory when the wasm kernel can read them (every inDim % 4 === 0):
    // half the RAM and half the memory traffic of single-stream decode.
    const allBf16 = [...weights.values()].every((t) => t.shape.length === 1 || t.dtype === 'BF16');
    const bf16Ok = (options.wasm ?? true) && wasmApi !== undefined && allBf16 && [H, this.qDim, this.inter].every((d) => d % 4 === 0);
    // Their K/V cache too (the wasm attention kernels read it), as PyTorch and vLLM keep a bf16 model's: half the
    // bytes a long context's attention reads, twice the positions per byte of budget.
    const kvFor = (bf16: boolean): KvDtype => (bf16 && this.hd % 4 === 0 ? 'BF16' : 'F32');
    const kvBlocksFor = (bf16: boolean): number => KvCache.blocksInBudget(L, this.kvDim, options.kvCacheBytes, blockSize, kvFor(bf16));
    // Everything a matmul or the attention kernel touches goes into one arena, sized up front.
    const arenaFor = (weightScale: number): Arena => {
      const bf16 = weightScale < 1;
      const kvBlocks = kvBlocksFor(bf16);
      const kvPool = (kvBlocks * blockSize * this.kvDim) / (kvFor(bf16) === 'BF16' ? 2 : 1);
      const maxContext = Math.min(kvBlocks * blockSize, config.max_position_embeddings);
      return new Arena(
        Arena.sizeOf([
          ...[
            this.vocab * H,
            ...(config.tie_word_embeddings ? [] : [this.vocab * H]),
            ...Array.from({ length: L }, () => [qkvDim * H, H * this.qDim, 2 * this.inter * H, H * this.inter]).flat(),
          ].map((n) => n * weightScale),
          T * H,
          T * H,
          T * qkvDim,
          T * this.qDim,
          T * H,
          T * 2 * this.inter,
          T * this.inter,
          LOGIT_CHUNK * H,
          LOGIT_CHUNK * this.vocab,
          Math.max(T, LOGIT_CHUNK) * Math.max(H, this.qDim, this.inter),
          Math.max(1, Math.floor(options.threads)) * 4 * Math.max(H, this.qDim, this.inter),
          2 * T * (this.hd >> 1),
          2 * T * (this.hd >> 1),
          ...new Array<number>(2 * L + 2).fill(H),
          ...new Array<number>(2 * L).fill(kvPool),
          ...PagedAttention.arenaCounts(maxContext, kvBlocks, T, Math.max(1, Math.floor(options.threads)), this.heads),
        ]),
        { wasm: options.wasm, fused: options.fused },
      );
    };
    let arena = arenaFor(bf16Ok ? 0.5 : 1);
    if (bf16Ok && !arena.usesWasm) arena = arenaFor(1); // wasm turned out unavailable: f32 after all
    this.arena = arena;
    this.weightDtype = bf16Ok && arena.usesWasm ? 'BF16' : 'F32';
    const bf16 = this.weightDtype === 'BF16';
    // No sequence outgrows the model's positions (the scheduler's maxModelLen is at most these), nor the cache.
    const maxContext = Math.min(kvBlocksFor(bf16) * blockSize, config.max_position_embeddings);
    this.panel = arena.usesWasm && [H, this.qDim, this.inter].every((d) => panelFits(d, bf16));
    const pack = (parts: Float32Array[], inDim: number): Matrix => packWeights(arena, parts, inDim, this.panel, bf16);
    this.embed = pack([get('model.embed_tokens.weight', [this.vocab, H])], H);
    const dims = { hidden: H, qDim: this.qDim, kvDim: this.kvDim, inter: this.inter };
    // The norms' weights go into the arena too, for the row kernels.
    this.layers = Array.from({ length: L }, (_, l) => {
      const layer = packLayer(weights, l, dims, pack);
      return { ...layer, attnNorm: arena.concat([layer.attnNorm]), mlpNorm: arena.concat([layer.mlpNorm]) };
    });
    this.finalNorm = arena.concat([get('model.norm.weight', [H])]);
    this.lmHead = config.tie_word_embeddings ? this.embed : pack([get('lm_head.weight', [this.vocab, H])], H);
    this.invFreq = ropeInvFreq(config, this.hd);

    this.h = arena.alloc(T * H); // residual stream: only touched by the calling thread
    this.xn = arena.alloc(T * H);
    this.qkv = arena.alloc(T * qkvDim);
    this.att = arena.alloc(T * this.qDim);
    this.tmp = arena.alloc(T * H);
    this.gu = arena.alloc(T * 2 * this.inter);
    this.act = arena.alloc(T * this.inter);
    this.lmIn = arena.alloc(LOGIT_CHUNK * H);
    this.logitsBuf = arena.alloc(LOGIT_CHUNK * this.vocab);
    const maxIn = Math.max(H, this.qDim, this.inter);
    this.xi = this.panel ? arena.alloc(Math.max(T, LOGIT_CHUNK) * maxIn) : undefined;
    this.panelScratch = this.panel ? arena.alloc(Math.max(1, Math.floor(options.threads)) * 4 * maxIn) : undefined;
    const f64 = (n: number): Float64Array => {
      const at = arena.alloc(2 * n);
      return new Float64Array(at.buffer, at.byteOffset, n);
    };
    this.cos = f64(T * (this.hd >> 1));
    this.sin = f64(T * (this.hd >> 1));
    this.normed = arena.alloc(H);
    const storage = { f32: (n: number) => arena.alloc(n), bf16: (n: number) => arena.allocU16(n) };
    this.kv = new KvCache(L, this.kvDim, options.kvCacheBytes, blockSize, storage, kvFor(bf16));
    this.pool = new MatmulPool(options.threads, arena);
    const stepDims = { hidden: H, headDim: this.hd, inter: this.inter, eps: config.rms_norm_eps };
    this.steps = new RowSteps(this.pool.wasmBlocks, stepDims);
    this.attention = new PagedAttention(
      { heads: this.heads, kvHeads: this.kvHeads, hd: this.hd },
      this.kv,
      (n) => arena.alloc(n),
      T,
      this.pool.threads,
      maxContext,
    );
  }

  get usesWasm(): boolean {
    return this.pool.usesWasm;
  }

  get kernel(): MatmulKernel {
    if (!this.pool.usesWasm) return 'js';
    return this.arena.fused ? 'wasm-simd-fused' : 'wasm-simd';
  }

  get threads(): number {
    return this.pool.threads;
  }

  /** Bytes of weights held (lm_head counted once when tied). */
  get weightBytes(): number {
    const perLayer = (l: PackedLayer): number => l.wqkv.length + l.wo.length + l.wgu.length + l.wdown.length + 2 * this.hidden;
    const head = this.config.tie_word_embeddings ? 0 : this.lmHead.length;
    return this.embed.BYTES_PER_ELEMENT * (this.embed.length + head + this.hidden + this.layers.reduce((n, l) => n + perLayer(l), 0));
  }

  /** Multiply-adds of the projections for one token (attention scores excluded). */
  get macsPerToken(): number {
    const H = this.hidden;
    const perLayer = H * (this.qDim + 2 * this.kvDim) + this.qDim * H + 2 * H * this.inter + this.inter * H;
    return this.layers.length * perLayer + this.vocab * H;
  }

  /**
   * Runs the new tokens of all `seqs` through the model, writing their K/V into the cache, and hands out
   * logits (and hidden states) for the requested rows. The callbacks get views into scratch memory that
   * the next call overwrites.
   */
  forward(seqs: ForwardSeq[], onLogits: RowCallback, onHidden?: RowCallback): void {
    const rows = seqs.reduce((n, s) => n + s.tokens.length, 0);
    if (rows > this.maxBatchTokens) throw new Error(`batch of ${rows} tokens exceeds maxBatchTokens ${this.maxBatchTokens}`);
    if (rows === 0) return;
    if (this.profile) this.lapStart = this.profile.now();
    this.embedRows(seqs);
    for (let l = 0; l < this.layers.length; l++) this.layer(l, seqs, rows);
    this.emitOutputs(seqs, onLogits, onHidden);
  }

  /** Embeddings of the step's tokens into the residual stream, and each row's RoPE angles. */
  private embedRows(seqs: ForwardSeq[]): void {
    const half = this.hd >> 1;
    let r = 0;
    for (const s of seqs) {
      for (let i = 0; i < s.tokens.length; i++, r++) {
        const tok = s.tokens[i];
        if (!(tok >= 0 && tok < this.vocab + this.virtualTokens)) throw new Error(`token id ${tok} outside vocabulary`);
        this.embedRow(tok, r);
        const pos = s.startPos + i;
        for (let j = 0; j < half; j++) {
          const angle = pos * this.invFreq[j];
          this.cos[r * half + j] = Math.cos(angle);
          this.sin[r * half + j] = Math.sin(angle);
        }
      }
    }
  }

  /**
   * One decoder layer over the step's rows. Kept apart from forward, as embedRows is: a forward holding every loop was
   * compiled on stack replacement before its later sites had run and deoptimized on reaching them, until V8 stopped
   * optimizing it, and its loops (residual adds, RoPE) ran unoptimized at a fifth of their speed.
   */
  private layer(l: number, seqs: ForwardSeq[], rows: number): void {
    const H = this.hidden;
    const qkvDim = this.qDim + 2 * this.kvDim;
    const L = this.layers[l];
    this.steps.norm(this.h, this.xn, rows, L.attnNorm);
    this.lap('elementwiseMs');
    this.matmul(L.wqkv, this.xn, this.qkv, rows, H, qkvDim);
    this.lap('matmulMs');
    if (L.bqkv) {
      for (let i = 0; i < rows; i++) for (let j = 0; j < qkvDim; j++) this.qkv[i * qkvDim + j] += L.bqkv[j];
    }
    this.steps.rope(this.qkv, 0, qkvDim, this.heads, rows, this.cos, this.sin);
    this.steps.rope(this.qkv, this.qDim, qkvDim, this.kvHeads, rows, this.cos, this.sin);
    this.lap('elementwiseMs');
    this.attention.run(seqs, l, this.qkv, this.att, this.pool.usesWasm ? this.pool : undefined);
    this.lap('attentionMs');
    this.matmul(L.wo, this.att, this.tmp, rows, this.qDim, H);
    this.lap('matmulMs');
    this.steps.add(this.h, this.tmp, rows * H);
    this.steps.norm(this.h, this.xn, rows, L.mlpNorm);
    this.lap('elementwiseMs');
    this.matmul(L.wgu, this.xn, this.gu, rows, H, 2 * this.inter);
    this.lap('matmulMs');
    this.steps.swiglu(this.gu, this.act, rows);
    this.lap('elementwiseMs');
    this.matmul(L.wdown, this.act, this.tmp, rows, this.inter, H);
    this.lap('matmulMs');
    this.steps.add(this.h, this.tmp, rows * H);
  }

  /** [rows × inDim] · Wᵀ through the pool, with the panel blocks when the weights are packed for them. */
  private matmul(w: Matrix, x: Float32Array, out: Float32Array, rows: number, inDim: number, outDim: number): void {
    if (this.xi && this.panelScratch) this.pool.matmulPanel(w, x, this.xi, this.panelScratch, out, rows, inDim, outDim);
    else this.pool.matmul(w, x, out, rows, inDim, outDim);
  }

  /** Adds the time since the last lap to one of the profile's phases. */
  private lap(phase: 'matmulMs' | 'attentionMs' | 'elementwiseMs'): void {
    const p = this.profile;
    if (!p) return;
    const now = p.now();
    p[phase] += now - this.lapStart;
    this.lapStart = now;
  }

  private embedRow(tok: number, row: number): void {
    const H = this.hidden;
    if (tok >= this.vocab) {
      const v = tok - this.vocab;
      this.h.set(this.virtualEmbeddings!.subarray(v * H, (v + 1) * H), row * H);
      return;
    }
    const e = this.embed;
    if (this.panel) {
      readPanelRow(e, tok, this.vocab, H, this.h.subarray(row * H, (row + 1) * H));
      return;
    }
    if (e instanceof Float32Array) {
      this.h.set(e.subarray(tok * H, tok * H + H), row * H);
      return;
    }
    const bits = new Uint32Array(this.h.buffer, this.h.byteOffset + row * H * 4, H);
    for (let i = 0; i < H; i++) bits[i] = e[tok * H + i] << 16;
  }

  /** Final norm on the rows someone asked for, then lm_head in chunks (bounded scratch for big vocabularies). */
  private emitOutputs(seqs: ForwardSeq[], onLogits: RowCallback, onHidden?: RowCallback): void {
    const H = this.hidden;
    const pending: { seq: number; row: number }[] = [];
    const flush = (): void => {
      if (pending.length === 0) return;
      this.lap('elementwiseMs');
      this.matmul(this.lmHead, this.lmIn, this.logitsBuf, pending.length, H, this.vocab);
      this.lap('matmulMs');
      pending.forEach((p, i) => onLogits(p.seq, p.row, this.logitsBuf.subarray(i * this.vocab, (i + 1) * this.vocab)));
      pending.length = 0;
      // The callbacks' time is the caller's to attribute (sampling).
      if (this.profile) this.lapStart = this.profile.now();
    };
    let r0 = 0;
    const normed = this.normed;
    for (let si = 0; si < seqs.length; si++) {
      const s = seqs[si];
      const n = s.tokens.length;
      for (let i = 0; i < n; i++) {
        const wantLogits = s.logits === 'all' || (s.logits === 'last' && i === n - 1);
        if (!wantLogits && !s.hidden) continue;
        this.steps.norm(this.h.subarray((r0 + i) * H, (r0 + i + 1) * H), normed, 1, this.finalNorm);
        if (s.hidden && onHidden) onHidden(si, i, normed);
        if (wantLogits) {
          this.lmIn.set(normed, pending.length * H);
          pending.push({ seq: si, row: i });
          if (pending.length === LOGIT_CHUNK) flush();
        }
      }
      r0 += n;
    }
    flush();
    this.lap('elementwiseMs');
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
