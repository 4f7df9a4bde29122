import type { LlamaConfig } from '../contract';
import {
  applyRope,
  attentionBackward,
  attentionForward,
  rmsNormBackward,
  rmsNormForward,
  ropeTable,
  silu,
  type AttentionDims,
} from './layers';
import { linearBackwardInput, linearBackwardWeight, linearForward } from './linear';
import { EMBED, FINAL_NORM, LM_HEAD, llamaDims, normName, projName, type LlamaDims } from './llama-params';
import type { ParamMap } from './tensor';
import { ropeInvFreq } from '../rope';

/** One training example: token ids and, per token, whether predicting that token counts towards the loss. */
export interface TrainSequence {
  ids: number[];
  /** lossMask[j] = 1 when token j is a target (predicted from the position before it). */
  lossMask: Uint8Array;
}

export interface ForwardBackwardOptions {
  /** Trainable prefix vectors [P × hidden] put before the token embeddings (prompt tuning). */
  softPrompt?: Float32Array;
  /** Gradients are accumulated into the tensors present here; parameters absent from it are treated as frozen. */
  grads?: ParamMap;
  /** Receives d(loss)/d(softPrompt) when prompt tuning. */
  softPromptGrad?: Float32Array;
  /** Multiplies the gradient of the summed loss, e.g. 1/(masked tokens in the optimizer step) for a mean. */
  gradScale?: number;
  /** Return the raw logits of the scored rows (for sampling and tests). */
  keepLogits?: boolean;
}

export interface LossResult {
  /** Sum of per-token cross-entropy over the target tokens. */
  lossSum: number;
  /** Number of target tokens. */
  count: number;
  /** Raw logits [scored rows × vocab], only with `keepLogits`. */
  logits?: Float32Array;
}

interface LayerCache {
  xin: Float32Array;
  n1: Float32Array;
  inv1: Float32Array;
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  probs: Float32Array;
  attn: Float32Array;
  xmid: Float32Array;
  n2: Float32Array;
  inv2: Float32Array;
  gate: Float32Array;
  up: Float32Array;
  act: Float32Array;
}

function weight(params: ParamMap, name: string): Float32Array {
  const t = params.get(name);
  if (!t) throw new Error(`missing weight ${name}`);
  return t.data;
}

/**
 * Rows whose next-token prediction is scored, paired with their target id. With a soft prompt of P vectors the
 * token j sits at row P+j, so it is predicted from row P+j-1 (the first token from the last virtual token).
 */
function lossRows(seq: TrainSequence, prefix: number): { rows: number[]; targets: number[] } {
  const rows: number[] = [];
  const targets: number[] = [];
  for (let j = 0; j < seq.ids.length; j++) {
    if (!seq.lossMask[j] || prefix + j - 1 < 0) continue;
    rows.push(prefix + j - 1);
    targets.push(seq.ids[j]);
  }
  return { rows, targets };
}

/** A forward pass whose backward can run later, once the caller knows how much this sequence's loss weighs. */
export interface ForwardPass extends LossResult {
  /**
   * Accumulates gradScale · d(lossSum)/d(weights) into the sinks given to the forward (`grads`, `softPromptGrad`).
   * A negative scale is allowed (DPO pushes a rejected answer's log-probability down). Call at most once.
   */
  backward(gradScale: number): void;
}

/**
 * Full forward of one sequence that keeps every activation, then, when any gradient is requested, the
 * hand-written backward. Sequences are processed one at a time (no padding), and callers sum gradients over a
 * batch, which is exactly what a padded batch with a mask would compute.
 */
export function forwardBackward(config: LlamaConfig, params: ParamMap, seq: TrainSequence, opts: ForwardBackwardOptions = {}): LossResult {
  const f = forwardPass(config, params, seq, opts);
  if (opts.grads || opts.softPromptGrad) f.backward(opts.gradScale ?? 1);
  return { lossSum: f.lossSum, count: f.count, logits: f.logits };
}

/**
 * The forward half of forwardBackward, keeping the activations for a deferred backward: DPO needs the
 * log-probabilities of both answers of a pair before it knows the weight of either answer's gradient.
 */
export function forwardPass(config: LlamaConfig, params: ParamMap, seq: TrainSequence, opts: ForwardBackwardOptions = {}): ForwardPass {
  const d = llamaDims(config);
  const H = d.hidden;
  const prefix = opts.softPrompt ? opts.softPrompt.length / H : 0;
  const T = prefix + seq.ids.length;
  const emb = weight(params, EMBED);

  let x: Float32Array = new Float32Array(T * H);
  if (opts.softPrompt) x.set(opts.softPrompt, 0);
  for (let j = 0; j < seq.ids.length; j++) {
    const id = seq.ids[j];
    if (id < 0 || id >= d.vocab) throw new Error(`token id ${id} out of range`);
    x.set(emb.subarray(id * H, (id + 1) * H), (prefix + j) * H);
  }

  const rope = ropeTable(T, ropeInvFreq(config, d.headDim));
  const ad: AttentionDims = { rows: T, heads: d.heads, kvHeads: d.kvHeads, headDim: d.headDim };
  const caches: LayerCache[] = [];
  for (let l = 0; l < d.layers; l++) {
    const c = layerForward(d, params, l, x, T, rope, ad);
    caches.push(c);
    x = residualAdd(c.xmid, linearForward(c.act, weight(params, projName(l, 'down_proj')), T, d.inter, H));
  }
  const finalNorm = rmsNormForward(x, weight(params, FINAL_NORM), T, H, d.eps);

  // Logits only for scored rows: the vocabulary projection dominates small models, and unscored rows cost nothing.
  const { rows, targets } = lossRows(seq, prefix);
  const R = rows.length;
  const head = d.tied ? emb : weight(params, LM_HEAD);
  const hRows = new Float32Array(R * H);
  rows.forEach((r, i) => hRows.set(finalNorm.y.subarray(r * H, (r + 1) * H), i * H));
  const logits = linearForward(hRows, head, R, H, d.vocab);
  const rawLogits = opts.keepLogits ? Float32Array.from(logits) : undefined;
  const lse = new Float64Array(R);
  let lossSum = 0;
  for (let i = 0; i < R; i++) {
    const o = i * d.vocab;
    let max = -Infinity;
    for (let v = 0; v < d.vocab; v++) if (logits[o + v] > max) max = logits[o + v];
    let sum = 0;
    for (let v = 0; v < d.vocab; v++) sum += Math.exp(logits[o + v] - max);
    lse[i] = max + Math.log(sum);
    lossSum += lse[i] - logits[o + targets[i]];
  }

  let spent = false;
  const backward = (scale: number): void => {
    if (spent) throw new Error('forwardPass: backward already ran');
    spent = true;
    const grads = opts.grads;
    if (!grads && !opts.softPromptGrad) return;
    const g = (name: string): Float32Array | undefined => grads?.get(name)?.data;

    // Softmax minus one-hot, computed in place: logits become dlogits.
    for (let i = 0; i < R; i++) {
      const o = i * d.vocab;
      for (let v = 0; v < d.vocab; v++) logits[o + v] = Math.exp(logits[o + v] - lse[i]) * scale;
      logits[o + targets[i]] -= scale;
    }

    // Vocabulary projection backward.
    const dhRows = new Float32Array(R * H);
    linearBackwardInput(logits, head, R, H, d.vocab, dhRows);
    const headGrad = g(d.tied ? EMBED : LM_HEAD);
    if (headGrad) linearBackwardWeight(logits, hRows, R, H, d.vocab, headGrad);
    const dFinal = new Float32Array(T * H);
    rows.forEach((r, i) => dFinal.set(dhRows.subarray(i * H, (i + 1) * H), r * H));

    let dx: Float32Array = new Float32Array(T * H);
    rmsNormBackward(x, weight(params, FINAL_NORM), finalNorm.inv, dFinal, T, H, dx, g(FINAL_NORM));
    for (let l = d.layers - 1; l >= 0; l--) dx = layerBackward(d, params, l, caches[l], dx, T, rope, ad, g);

    if (opts.softPromptGrad) {
      const sp = opts.softPromptGrad;
      for (let i = 0; i < prefix * H; i++) sp[i] += dx[i];
    }
    const embGrad = g(EMBED);
    if (embGrad) {
      for (let j = 0; j < seq.ids.length; j++) {
        const eo = seq.ids[j] * H;
        const xo = (prefix + j) * H;
        for (let i = 0; i < H; i++) embGrad[eo + i] += dx[xo + i];
      }
    }
  };
  return { lossSum, count: R, logits: rawLogits, backward };
}

function residualAdd(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] + b[i];
  return out;
}

function layerForward(
  d: LlamaDims,
  params: ParamMap,
  l: number,
  xin: Float32Array,
  T: number,
  rope: ReturnType<typeof ropeTable>,
  ad: AttentionDims,
): LayerCache {
  const H = d.hidden;
  const { y: n1, inv: inv1 } = rmsNormForward(xin, weight(params, normName(l, 'input_layernorm')), T, H, d.eps);
  const q = linearForward(n1, weight(params, projName(l, 'q_proj')), T, H, d.qDim);
  const k = linearForward(n1, weight(params, projName(l, 'k_proj')), T, H, d.kvDim);
  const v = linearForward(n1, weight(params, projName(l, 'v_proj')), T, H, d.kvDim);
  applyRope(q, T, d.heads, d.headDim, rope, false);
  applyRope(k, T, d.kvHeads, d.headDim, rope, false);
  const { out: attn, probs } = attentionForward(q, k, v, ad);
  const xmid = residualAdd(xin, linearForward(attn, weight(params, projName(l, 'o_proj')), T, d.qDim, H));
  const { y: n2, inv: inv2 } = rmsNormForward(xmid, weight(params, normName(l, 'post_attention_layernorm')), T, H, d.eps);
  const gate = linearForward(n2, weight(params, projName(l, 'gate_proj')), T, H, d.inter);
  const up = linearForward(n2, weight(params, projName(l, 'up_proj')), T, H, d.inter);
  const act = new Float32Array(T * d.inter);
  for (let i = 0; i < act.length; i++) act[i] = silu(gate[i]) * up[i];
  return { xin, n1, inv1, q, k, v, probs, attn, xmid, n2, inv2, gate, up, act };
}

/** Takes d(loss)/d(layer output) and returns d(loss)/d(layer input), accumulating weight gradients on the way. */
function layerBackward(
  d: LlamaDims,
  params: ParamMap,
  l: number,
  c: LayerCache,
  dOut: Float32Array,
  T: number,
  rope: ReturnType<typeof ropeTable>,
  ad: AttentionDims,
  g: (name: string) => Float32Array | undefined,
): Float32Array {
  const H = d.hidden;
  const I = d.inter;
  // MLP: out = xmid + down(silu(gate) * up)
  const downName = projName(l, 'down_proj');
  const dAct = new Float32Array(T * I);
  linearBackwardInput(dOut, weight(params, downName), T, I, H, dAct);
  const gDown = g(downName);
  if (gDown) linearBackwardWeight(dOut, c.act, T, I, H, gDown);
  const dGate = new Float32Array(T * I);
  const dUp = new Float32Array(T * I);
  for (let i = 0; i < dAct.length; i++) {
    const z = c.gate[i];
    const s = 1 / (1 + Math.exp(-z));
    dUp[i] = dAct[i] * z * s;
    dGate[i] = dAct[i] * c.up[i] * (s + z * s * (1 - s));
  }
  const dN2 = new Float32Array(T * H);
  for (const [name, dy] of [
    [projName(l, 'gate_proj'), dGate],
    [projName(l, 'up_proj'), dUp],
  ] as const) {
    linearBackwardInput(dy, weight(params, name), T, H, I, dN2);
    const gw = g(name);
    if (gw) linearBackwardWeight(dy, c.n2, T, H, I, gw);
  }
  const dXmid = Float32Array.from(dOut);
  const post = normName(l, 'post_attention_layernorm');
  rmsNormBackward(c.xmid, weight(params, post), c.inv2, dN2, T, H, dXmid, g(post));

  // Attention: xmid = xin + o_proj(attn(rope(q), rope(k), v))
  const oName = projName(l, 'o_proj');
  const dAttn = new Float32Array(T * d.qDim);
  linearBackwardInput(dXmid, weight(params, oName), T, d.qDim, H, dAttn);
  const gO = g(oName);
  if (gO) linearBackwardWeight(dXmid, c.attn, T, d.qDim, H, gO);
  const dq = new Float32Array(T * d.qDim);
  const dk = new Float32Array(T * d.kvDim);
  const dv = new Float32Array(T * d.kvDim);
  attentionBackward(c.q, c.k, c.v, c.probs, dAttn, ad, dq, dk, dv);
  applyRope(dq, T, d.heads, d.headDim, rope, true);
  applyRope(dk, T, d.kvHeads, d.headDim, rope, true);
  const dN1 = new Float32Array(T * H);
  for (const [name, dy, outDim] of [
    [projName(l, 'q_proj'), dq, d.qDim],
    [projName(l, 'k_proj'), dk, d.kvDim],
    [projName(l, 'v_proj'), dv, d.kvDim],
  ] as const) {
    linearBackwardInput(dy, weight(params, name), T, H, outDim, dN1);
    const gw = g(name);
    if (gw) linearBackwardWeight(dy, c.n1, T, H, outDim, gw);
  }
  const dXin = dXmid; // residual path; reuse the buffer, dXmid is no longer needed
  const inName = normName(l, 'input_layernorm');
  rmsNormBackward(c.xin, weight(params, inName), c.inv1, dN1, T, H, dXin, g(inName));
  return dXin;
}

/**
 * Logits of the last position only, for greedy sampling in tests and the starter build when no inference engine
 * is at hand. Reuses the training forward (O(T²) per call), which is fine for short checks.
 */
export function lastLogits(config: LlamaConfig, params: ParamMap, ids: number[], softPrompt?: Float32Array): Float32Array {
  // Score a dummy target after the last token so the forward computes exactly that row's logits.
  const lossMask = new Uint8Array(ids.length + 1);
  lossMask[ids.length] = 1;
  const r = forwardBackward(config, params, { ids: [...ids, 0], lossMask }, { softPrompt, keepLogits: true });
  if (!r.logits) throw new Error('no logits');
  return r.logits;
}
