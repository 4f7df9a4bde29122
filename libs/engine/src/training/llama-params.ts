import type { LlamaConfig } from '../contract';
import { createRng, fillNormal, type ParamMap, type Tensor } from './tensor';

/** Derived sizes, computed once so the forward and backward passes agree on them. */
export interface LlamaDims {
  hidden: number;
  inter: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  qDim: number;
  kvDim: number;
  vocab: number;
  eps: number;
  ropeTheta: number;
  tied: boolean;
}

export function llamaDims(c: LlamaConfig): LlamaDims {
  const headDim = c.head_dim ?? c.hidden_size / c.num_attention_heads;
  if (!Number.isInteger(headDim) || headDim % 2 !== 0) throw new Error(`head_dim must be an even integer, got ${headDim}`);
  if (c.num_attention_heads % c.num_key_value_heads !== 0) {
    throw new Error('num_attention_heads must be a multiple of num_key_value_heads');
  }
  return {
    hidden: c.hidden_size,
    inter: c.intermediate_size,
    layers: c.num_hidden_layers,
    heads: c.num_attention_heads,
    kvHeads: c.num_key_value_heads,
    headDim,
    qDim: c.num_attention_heads * headDim,
    kvDim: c.num_key_value_heads * headDim,
    vocab: c.vocab_size,
    eps: c.rms_norm_eps,
    ropeTheta: c.rope_theta,
    tied: c.tie_word_embeddings,
  };
}

export const EMBED = 'model.embed_tokens.weight';
export const FINAL_NORM = 'model.norm.weight';
export const LM_HEAD = 'lm_head.weight';

export type ProjName = 'q_proj' | 'k_proj' | 'v_proj' | 'o_proj' | 'gate_proj' | 'up_proj' | 'down_proj';
export const ATTN_PROJS: readonly ProjName[] = ['q_proj', 'k_proj', 'v_proj', 'o_proj'];
export const MLP_PROJS: readonly ProjName[] = ['gate_proj', 'up_proj', 'down_proj'];

export function projName(layer: number, proj: ProjName): string {
  const block = ATTN_PROJS.includes(proj) ? 'self_attn' : 'mlp';
  return `model.layers.${layer}.${block}.${proj}.weight`;
}

export function normName(layer: number, which: 'input_layernorm' | 'post_attention_layernorm'): string {
  return `model.layers.${layer}.${which}.weight`;
}

/** [out, in] of each projection in the HF layout. */
export function projShape(d: LlamaDims, proj: ProjName): [number, number] {
  switch (proj) {
    case 'q_proj':
      return [d.qDim, d.hidden];
    case 'k_proj':
    case 'v_proj':
      return [d.kvDim, d.hidden];
    case 'o_proj':
      return [d.hidden, d.qDim];
    case 'gate_proj':
    case 'up_proj':
      return [d.inter, d.hidden];
    case 'down_proj':
      return [d.hidden, d.inter];
  }
}

/** Every parameter the model needs, with its shape; the lm_head is absent when embeddings are tied. */
export function paramShapes(c: LlamaConfig): Map<string, number[]> {
  const d = llamaDims(c);
  const out = new Map<string, number[]>();
  out.set(EMBED, [d.vocab, d.hidden]);
  for (let l = 0; l < d.layers; l++) {
    out.set(normName(l, 'input_layernorm'), [d.hidden]);
    for (const p of ATTN_PROJS) out.set(projName(l, p), projShape(d, p));
    out.set(normName(l, 'post_attention_layernorm'), [d.hidden]);
    for (const p of MLP_PROJS) out.set(projName(l, p), projShape(d, p));
  }
  out.set(FINAL_NORM, [d.hidden]);
  if (!d.tied) out.set(LM_HEAD, [d.vocab, d.hidden]);
  return out;
}

/**
 * Fresh weights for training from scratch: norms at one, matrices N(0, 0.02) as HF's Llama init does, with the
 * residual-writing projections scaled down by depth (GPT-2 style) so a deep stack starts near the identity.
 */
export function initLlamaParams(c: LlamaConfig, seed: number): ParamMap {
  const rng = createRng(seed);
  const params: ParamMap = new Map();
  const residualStd = 0.02 / Math.sqrt(2 * c.num_hidden_layers);
  for (const [name, shape] of paramShapes(c)) {
    const t: Tensor = { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) };
    if (shape.length === 1) t.data.fill(1);
    else fillNormal(t.data, /o_proj|down_proj/.test(name) ? residualStd : 0.02, rng);
    params.set(name, t);
  }
  return params;
}

/** Fails early with a clear message instead of an out-of-bounds read deep in a kernel. */
export function checkParams(c: LlamaConfig, params: ParamMap): void {
  for (const [name, shape] of paramShapes(c)) {
    const t = params.get(name);
    if (!t) throw new Error(`missing weight ${name}`);
    const n = shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== n) throw new Error(`weight ${name} has ${t.data.length} values, expected ${n} (${shape.join('x')})`);
  }
}
