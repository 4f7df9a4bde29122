/**
 * Forward and backward of a whole micro-batch at once: the sequences are packed row after row (no padding), so
 * every projection is one [rows × in]·Wᵀ through the engine's SIMD kernel and every gradient one accumulate
 * (`accumulate-kernel.ts`); only attention runs per sequence. The math is the reference path's
 * (`forward-backward.ts`); the float rounding differs in the last bits (f32 SIMD sums instead of double ones).
 *
 * Gradients accumulate in the workspace across the micro-batches of an optimizer step and are added into the
 * caller's sinks by `flushGradients` (`grad-flush.ts`), so micro-batch boundaries never change the result.
 */
import type { LlamaConfig } from '../contract';
import { matmulKernel } from '../kernels';
import { ropeInvFreq } from '../rope';
import { wasmMatmul } from '../wasm-matmul';
import { accumulate } from './accumulate-kernel';
import { packedAttentionBackward, packedAttentionForward, type AttentionKernels, type PackedAttention } from './batched-attention';
import type { BatchWorkspace } from './batch-workspace';
import type { TrainSequence } from './forward-backward';
import { ropeTable } from './layers';
import { PassRowSteps } from './pass-row-steps';
import { EMBED, FINAL_NORM, LM_HEAD, normName, projName, type LlamaDims } from './llama-params';
import type { ParamMap } from './tensor';

/** What the pass reads and where its gradients go; tensors absent from `grads` are frozen (no gradient computed). */
export interface BatchedPassOptions {
  softPrompt?: Float32Array;
  grads?: ParamMap;
  softPromptGrad?: Float32Array;
}

export class BatchedPass {
  private readonly d: LlamaDims;
  private readonly heap: Float32Array;
  /** RMSNorm, RoPE, SwiGLU and the adds: kernel or JS loop (pass-row-steps.ts). */
  private readonly steps: PassRowSteps;
  private readonly att: PackedAttention;
  private readonly qkvDim: number;
  /** Per scored row: its packed row, target id and sequence. Sized once for the capacity. */
  private readonly scoredRow: Int32Array;
  private readonly target: Int32Array;
  private readonly rowSeq: Int32Array;
  /** Per sequence: its summed loss (forward) and its gradient's scale (backward). */
  private readonly seqLoss: Float64Array;
  private readonly seqScale: Float64Array;
  /** What the last forward leaves for its backward. */
  private last?: { seqs: readonly TrainSequence[]; N: number; R: number };
  /** The engine's attention kernels and their scratch (JS loops when absent). */
  private readonly simd: AttentionKernels;
  private readonly seqStart: Int32Array;
  private readonly seqRows: Int32Array;
  private readonly seqProbs: Int32Array;

  constructor(
    config: LlamaConfig,
    private readonly ws: BatchWorkspace,
  ) {
    const d = ws.layout.dims;
    this.d = d;
    this.heap = ws.heap;
    this.qkvDim = d.qDim + 2 * d.kvDim;
    const rope = ropeTable(Math.max(config.max_position_embeddings, ws.layout.capacity.rows), ropeInvFreq(config, d.headDim));
    this.steps = new PassRowSteps(ws, d, rope);
    this.att = { heads: d.heads, kvHeads: d.kvHeads, headDim: d.headDim, stride: this.qkvDim };
    const n = ws.layout.capacity.rows;
    this.scoredRow = new Int32Array(n);
    this.target = new Int32Array(n);
    this.rowSeq = new Int32Array(n);
    this.seqLoss = new Float64Array(n);
    this.seqScale = new Float64Array(n);
    this.simd = {
      ex: ws.matmul && d.headDim % 4 === 0 ? ws.matmul : undefined,
      acc: ws.acc,
      dScores: ws.layout.dScores,
      dp: new Float64Array(n),
    };
    this.seqStart = new Int32Array(n);
    this.seqRows = new Int32Array(n);
    this.seqProbs = new Int32Array(n);
  }

  /** Copies the weights into the workspace when `version` differs from the copy it holds. */
  loadWeights(params: ParamMap, version: number): void {
    if (this.ws.weightsVersion === version) return;
    const { heap, d } = this;
    const H = d.hidden;
    const put = (name: string, at: number): number => {
      const w = weight(params, name);
      heap.set(w, at);
      return at + w.length;
    };
    this.ws.layout.layers.forEach((s, l) => {
      put(projName(l, 'v_proj'), put(projName(l, 'k_proj'), put(projName(l, 'q_proj'), s.wqkv)));
      put(projName(l, 'o_proj'), s.wo);
      put(projName(l, 'up_proj'), put(projName(l, 'gate_proj'), s.wgu));
      put(projName(l, 'down_proj'), s.wdown);
      put(normName(l, 'input_layernorm'), s.wnorm1);
      put(normName(l, 'post_attention_layernorm'), s.wnorm2);
    });
    put(FINAL_NORM, this.ws.layout.wfinal);
    const head = weight(params, d.tied ? EMBED : LM_HEAD);
    if (head.length !== d.vocab * H) throw new Error('BatchedPass: head shape');
    heap.set(head, this.ws.layout.emb);
    this.ws.weightsVersion = version;
  }

  /**
   * Forward and (with sinks in `opts`) backward of `seqs`, the summed loss's gradient scaled by `gradScale`
   * accumulated in the workspace. Returns the summed cross-entropy over the scored tokens.
   */
  run(params: ParamMap, seqs: readonly TrainSequence[], gradScale: number, opts: BatchedPassOptions): number {
    const losses = this.forward(params, seqs, opts);
    let lossSum = 0;
    for (const l of losses) lossSum += l;
    if (opts.grads || opts.softPromptGrad) this.backward(this.seqScale.fill(gradScale, 0, seqs.length), opts);
    return lossSum;
  }

  /**
   * The forward of `seqs`: each sequence's summed cross-entropy over its scored tokens (a view that the next forward
   * overwrites). The activations stay in the workspace for `backward`, which DPO calls with scales that depend on
   * these losses.
   */
  forward(params: ParamMap, seqs: readonly TrainSequence[], opts: BatchedPassOptions): Float64Array {
    const { heap, d } = this;
    const L = this.ws.layout;
    const H = d.hidden;
    const V = d.vocab;
    const prefix = opts.softPrompt ? opts.softPrompt.length / H : 0;
    if (prefix !== L.softPromptRows) throw new Error('BatchedPass: soft prompt rows differ from the workspace');
    let N = 0;
    let probs = 0;
    for (let s = 0; s < seqs.length; s++) {
      const T = prefix + seqs[s].ids.length;
      this.seqStart[s] = N;
      this.seqRows[s] = T;
      this.seqProbs[s] = probs;
      N += T;
      probs += d.heads * T * T;
    }
    if (N > L.capacity.rows || probs > L.capacity.probs) throw new Error(`BatchedPass: micro-batch of ${N} rows exceeds the workspace`);

    // Embeddings (and soft prompt rows) into the first layer's input.
    const emb = weight(params, EMBED);
    const x0 = L.layers[0].xin;
    let R = 0;
    seqs.forEach((seq, s) => {
      const r0 = this.seqStart[s];
      if (opts.softPrompt) heap.set(opts.softPrompt, x0 + r0 * H);
      for (let j = 0; j < seq.ids.length; j++) {
        const id = seq.ids[j];
        if (!(id >= 0 && id < V)) throw new Error(`token id ${id} out of range`);
        heap.set(emb.subarray(id * H, (id + 1) * H), x0 + (r0 + prefix + j) * H);
        if (seq.lossMask[j] && prefix + j - 1 >= 0) {
          this.scoredRow[R] = r0 + prefix + j - 1;
          this.target[R] = id;
          this.rowSeq[R] = s;
          R++;
        }
      }
    });

    for (let l = 0; l < d.layers; l++) this.layerForward(l, N, seqs.length, l + 1 < d.layers ? L.layers[l + 1].xin : L.xout);
    this.steps.norm(L.xout, L.wfinal, L.fn, L.invF, N);
    for (let i = 0; i < R; i++) heap.copyWithin(L.hRows + i * H, L.fn + this.scoredRow[i] * H, L.fn + (this.scoredRow[i] + 1) * H);
    this.matmul(L.emb, L.hRows, L.logits, R, H, V);
    this.seqLoss.fill(0, 0, seqs.length);
    this.softmaxLoss(R);
    this.last = { seqs, N, R };
    return this.seqLoss.subarray(0, seqs.length);
  }

  /**
   * The backward of the last forward into the workspace's gradient accumulators, each sequence's loss gradient
   * scaled by `scales[s]` (its sinks in `opts`).
   */
  backward(scales: ArrayLike<number>, opts: BatchedPassOptions): void {
    const last = this.last;
    if (!last) throw new Error('BatchedPass: backward without a forward');
    this.last = undefined;
    this.backprop(last.seqs, last.N, last.R, scales, opts);
  }

  /**
   * Each sequence's Σ over its scored rows of lse − logit[target], leaving each row's softmax in place of its logits (the backward
   * turns it into the logits' gradient). Through the engine's SIMD softmax where a row's padding to four lanes stays in
   * the row (V % 4 = 0); its f32 exp is four lanes at a time, where Math.exp per logit took a twentieth of a step.
   * log Σ eˣ⁻ᵐᵃˣ is −log p at the row's maximum, which never underflows (p ≥ 1/V there).
   */
  private softmaxLoss(R: number): void {
    const { heap } = this;
    const L = this.ws.layout;
    const V = this.d.vocab;
    const ex = V % 4 === 0 ? this.ws.matmul : undefined;
    for (let i = 0; i < R; i++) {
      const o = L.logits + i * V;
      let top = o;
      for (let v = o + 1; v < o + V; v++) if (heap[v] > heap[top]) top = v;
      const max = heap[top];
      const dist = max - heap[o + this.target[i]];
      if (ex) {
        ex.softmax(o * 4, V, 1);
        this.seqLoss[this.rowSeq[i]] += dist - Math.log(heap[top]);
        continue;
      }
      let sum = 0;
      for (let v = 0; v < V; v++) sum += Math.exp(heap[o + v] - max);
      for (let v = 0; v < V; v++) heap[o + v] = Math.exp(heap[o + v] - max) / sum;
      this.seqLoss[this.rowSeq[i]] += dist + Math.log(sum);
    }
  }

  private matmul(w: number, x: number, out: number, rows: number, inDim: number, outDim: number): void {
    if (rows === 0) return;
    const ex = this.ws.matmul;
    if (ex && inDim % 4 === 0) wasmMatmul(ex, false, w * 4, x * 4, out * 4, rows, inDim, outDim, 0, outDim);
    else matmulKernel(this.heap, w, this.heap, x, this.heap, out, rows, inDim, outDim, 0, outDim);
  }

  /** C[m, j] += Σ_k A[m·am + k·ak]·B[k·bk + j] (see accumulate-kernel.ts). */
  private acc(a: number, am: number, ak: number, b: number, bk: number, c: number, cs: number, M: number, J: number, K: number): void {
    accumulate(this.ws.acc, this.heap, a, am, ak, b, bk, c, cs, M, J, K);
  }

  private layerForward(l: number, N: number, S: number, out: number): void {
    const { heap, d } = this;
    const s = this.ws.layout.layers[l];
    const H = d.hidden;
    const I = d.inter;
    const QKV = this.qkvDim;
    this.steps.norm(s.xin, s.wnorm1, s.n1, s.inv1, N);
    this.matmul(s.wqkv, s.n1, s.qkv, N, H, QKV);
    for (let q = 0; q < S; q++) {
      const r0 = this.seqStart[q];
      const T = this.seqRows[q];
      const base = s.qkv + r0 * QKV;
      this.steps.rope(base, QKV, 0, T, d.heads, false);
      this.steps.rope(base, QKV, d.qDim, T, d.kvHeads, false);
      packedAttentionForward(heap, base, s.attn + r0 * d.qDim, s.probs + this.seqProbs[q], T, this.att, this.simd);
    }
    this.matmul(s.wo, s.attn, s.xmid, N, d.qDim, H);
    this.steps.add(s.xmid, s.xin, N * H);
    this.steps.norm(s.xmid, s.wnorm2, s.n2, s.inv2, N);
    this.matmul(s.wgu, s.n2, s.gu, N, H, 2 * I);
    this.steps.swiglu(s.gu, s.act, s.sig, N);
    this.matmul(s.wdown, s.act, out, N, I, H);
    this.steps.add(out, s.xmid, N * H);
  }

  private backprop(seqs: readonly TrainSequence[], N: number, R: number, scales: ArrayLike<number>, opts: BatchedPassOptions): void {
    const { heap, d } = this;
    const L = this.ws.layout;
    const H = d.hidden;
    const V = d.vocab;
    const has = (name: string): boolean => opts.grads?.has(name) ?? false;

    // Softmax minus one-hot, scaled, in place: the rows' softmax (softmaxLoss) becomes dlogits.
    for (let i = 0; i < R; i++) {
      const o = L.logits + i * V;
      const scale = scales[this.rowSeq[i]];
      for (let v = 0; v < V; v++) heap[o + v] *= scale;
      heap[o + this.target[i]] -= scale;
    }
    heap.fill(0, L.dh, L.dh + R * H);
    this.acc(L.logits, V, 1, L.emb, H, L.dh, H, R, H, V);
    if (has(d.tied ? EMBED : LM_HEAD)) this.acc(L.logits, 1, V, L.hRows, H, L.ghead, H, V, H, R);
    heap.fill(0, L.dn, L.dn + N * H);
    for (let i = 0; i < R; i++) heap.copyWithin(L.dn + this.scoredRow[i] * H, L.dh + i * H, L.dh + (i + 1) * H);
    heap.fill(0, L.dx, L.dx + N * H);
    this.steps.normBackward(L.xout, L.wfinal, L.invF, L.dn, L.dx, N, has(FINAL_NORM) ? L.gfinal : undefined);
    for (let l = d.layers - 1; l >= 0; l--) this.layerBackward(l, N, seqs.length, has);

    const prefix = L.softPromptRows;
    seqs.forEach((seq, s) => {
      const r0 = this.seqStart[s];
      if (opts.softPromptGrad) this.steps.add(L.gsoft, L.dx + r0 * H, prefix * H);
      if (!has(EMBED)) return;
      for (let j = 0; j < seq.ids.length; j++) this.steps.add(L.gembIn + seq.ids[j] * H, L.dx + (r0 + prefix + j) * H, H);
    });
  }

  private layerBackward(l: number, N: number, S: number, has: (name: string) => boolean): void {
    const { heap, d } = this;
    const L = this.ws.layout;
    const s = L.layers[l];
    const H = d.hidden;
    const I = d.inter;
    const QKV = this.qkvDim;

    // MLP: out = xmid + down(silu(gate) · up)
    heap.fill(0, L.dact, L.dact + N * I);
    this.acc(L.dx, H, 1, s.wdown, I, L.dact, I, N, I, H);
    if (has(projName(l, 'down_proj'))) this.acc(L.dx, 1, H, s.act, I, s.gdown, I, H, I, N);
    this.steps.swigluBackward(s.gu, s.sig, L.dact, L.dgu, N);
    heap.fill(0, L.dn, L.dn + N * H);
    this.acc(L.dgu, 2 * I, 1, s.wgu, H, L.dn, H, N, H, 2 * I);
    if (has(projName(l, 'gate_proj'))) this.acc(L.dgu, 1, 2 * I, s.n2, H, s.ggate, H, I, H, N);
    if (has(projName(l, 'up_proj'))) this.acc(L.dgu + I, 1, 2 * I, s.n2, H, s.gup, H, I, H, N);
    this.steps.normBackward(s.xmid, s.wnorm2, s.inv2, L.dn, L.dx, N, has(normName(l, 'post_attention_layernorm')) ? s.gnorm2 : undefined);

    // Attention: xmid = xin + o_proj(attn(rope(q), rope(k), v))
    heap.fill(0, L.dattn, L.dattn + N * d.qDim);
    this.acc(L.dx, H, 1, s.wo, d.qDim, L.dattn, d.qDim, N, d.qDim, H);
    if (has(projName(l, 'o_proj'))) this.acc(L.dx, 1, H, s.attn, d.qDim, s.go, d.qDim, H, d.qDim, N);
    heap.fill(0, L.dqkv, L.dqkv + N * QKV);
    for (let q = 0; q < S; q++) {
      const r0 = this.seqStart[q];
      const T = this.seqRows[q];
      const dBase = L.dqkv + r0 * QKV;
      packedAttentionBackward(heap, s.qkv + r0 * QKV, s.probs + this.seqProbs[q], L.dattn + r0 * d.qDim, dBase, T, this.att, this.simd);
      this.steps.rope(dBase, QKV, 0, T, d.heads, true);
      this.steps.rope(dBase, QKV, d.qDim, T, d.kvHeads, true);
    }
    heap.fill(0, L.dn, L.dn + N * H);
    this.acc(L.dqkv, QKV, 1, s.wqkv, H, L.dn, H, N, H, QKV);
    if (has(projName(l, 'q_proj'))) this.acc(L.dqkv, 1, QKV, s.n1, H, s.gq, H, d.qDim, H, N);
    if (has(projName(l, 'k_proj'))) this.acc(L.dqkv + d.qDim, 1, QKV, s.n1, H, s.gk, H, d.kvDim, H, N);
    if (has(projName(l, 'v_proj'))) this.acc(L.dqkv + d.qDim + d.kvDim, 1, QKV, s.n1, H, s.gv, H, d.kvDim, H, N);
    this.steps.normBackward(s.xin, s.wnorm1, s.inv1, L.dn, L.dx, N, has(normName(l, 'input_layernorm')) ? s.gnorm1 : undefined);
  }
}

function weight(params: ParamMap, name: string): Float32Array {
  const t = params.get(name);
  if (!t) throw new Error(`missing weight ${name}`);
  return t.data;
}
