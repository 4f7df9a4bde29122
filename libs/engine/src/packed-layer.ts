import type { LoadedTensor } from './safetensors';

/** f32 weights, or bf16 bit patterns when the checkpoint is BF16 and the wasm kernel runs. */
export type Matrix = Float32Array | Uint16Array;

/** One decoder layer's weights as the forward pass reads them. */
export interface PackedLayer {
  attnNorm: Float32Array;
  /** q, k and v projections stacked as one [(q + 2·kv) × hidden] matrix: one weight pass instead of three. */
  wqkv: Matrix;
  bqkv?: Float32Array;
  wo: Matrix;
  mlpNorm: Float32Array;
  /** gate and up stacked as [2·inter × hidden]. */
  wgu: Matrix;
  wdown: Matrix;
}

/** The checkpoint's tensor `name`, refused unless it has exactly `shape`. */
export function tensorOf(weights: Map<string, LoadedTensor>, name: string, shape: number[]): Float32Array {
  const t = weights.get(name);
  if (!t) throw new Error(`missing tensor ${name}`);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`tensor ${name} has shape ${JSON.stringify(t.shape)}, expected ${JSON.stringify(shape)}`);
  }
  return t.data;
}

/**
 * Layer `l` of a Hugging Face Llama checkpoint, its projections stacked and handed to `pack` (which lays them out in
 * the model's arena); the q, k and v biases are kept when the checkpoint has all three (Qwen2-style models).
 */
export function packLayer(
  weights: Map<string, LoadedTensor>,
  l: number,
  dims: { hidden: number; qDim: number; kvDim: number; inter: number },
  pack: (parts: Float32Array[], inDim: number) => Matrix,
): PackedLayer {
  const { hidden: H, qDim, kvDim, inter } = dims;
  const p = `model.layers.${l}.`;
  const get = (name: string, shape: number[]): Float32Array => tensorOf(weights, p + name, shape);
  const bias = ['q', 'k', 'v'].map((n) => weights.get(`${p}self_attn.${n}_proj.bias`)?.data);
  return {
    attnNorm: get('input_layernorm.weight', [H]),
    wqkv: pack(
      [get('self_attn.q_proj.weight', [qDim, H]), get('self_attn.k_proj.weight', [kvDim, H]), get('self_attn.v_proj.weight', [kvDim, H])],
      H,
    ),
    bqkv: bias.every((b): b is Float32Array => b !== undefined) ? Float32Array.from([...bias[0], ...bias[1], ...bias[2]]) : undefined,
    wo: pack([get('self_attn.o_proj.weight', [H, qDim])], qDim),
    mlpNorm: get('post_attention_layernorm.weight', [H]),
    wgu: pack([get('mlp.gate_proj.weight', [inter, H]), get('mlp.up_proj.weight', [inter, H])], H),
    wdown: pack([get('mlp.down_proj.weight', [H, inter])], inter),
  };
}
