import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LlamaConfig } from './contract';
import { type LoadedTensor, readSafetensors } from './safetensors';
import { Tokenizer } from './tokenizer';

/** Llama-family RoPE scaling as written in config.json (Llama 3.x uses rope_type "llama3"). */
export interface RopeScaling {
  rope_type?: string;
  type?: string;
  factor?: number;
  low_freq_factor?: number;
  high_freq_factor?: number;
  original_max_position_embeddings?: number;
}

/** LlamaConfig plus optional fields the engine also honours. */
export interface EngineLlamaConfig extends LlamaConfig {
  rope_scaling?: RopeScaling | null;
  model_type?: string;
  /** Matryoshka embeddings (vLLM reads the same two fields): a prefix of the vector is itself a usable embedding. */
  is_matryoshka?: boolean;
  /** The prefix lengths the model was trained for; absent with `is_matryoshka`: any length. */
  matryoshka_dimensions?: number[];
}

export interface ModelDir {
  config: EngineLlamaConfig;
  /** Tensors under their Hugging Face names, widened to f32. */
  weights: Map<string, LoadedTensor>;
  tokenizer: Tokenizer;
}

export interface LoadModelOptions {
  /** Put tensors in SharedArrayBuffers so worker threads can read them without copies. */
  shared?: boolean;
}

/** Fills the defaults transformers' LlamaConfig uses for fields a config.json may leave out. */
export function resolveLlamaConfig(raw: Partial<EngineLlamaConfig>): EngineLlamaConfig {
  const need = (k: keyof LlamaConfig): number => {
    const v = raw[k];
    if (typeof v !== 'number') throw new Error(`config.json: missing ${k}`);
    return v;
  };
  const heads = need('num_attention_heads');
  const config: EngineLlamaConfig = {
    vocab_size: need('vocab_size'),
    hidden_size: need('hidden_size'),
    intermediate_size: need('intermediate_size'),
    num_hidden_layers: need('num_hidden_layers'),
    num_attention_heads: heads,
    num_key_value_heads: raw.num_key_value_heads ?? heads,
    max_position_embeddings: raw.max_position_embeddings ?? 2048,
    rms_norm_eps: raw.rms_norm_eps ?? 1e-6,
    rope_theta: raw.rope_theta ?? 10000,
    tie_word_embeddings: raw.tie_word_embeddings ?? false,
  };
  if (raw.bos_token_id !== undefined && raw.bos_token_id !== null) config.bos_token_id = raw.bos_token_id;
  if (raw.eos_token_id !== undefined && raw.eos_token_id !== null) config.eos_token_id = raw.eos_token_id;
  if (raw.head_dim !== undefined && raw.head_dim !== null) config.head_dim = raw.head_dim;
  if (raw.rope_scaling) config.rope_scaling = raw.rope_scaling;
  if (raw.model_type) config.model_type = raw.model_type;
  if (raw.is_matryoshka === true) config.is_matryoshka = true;
  if (Array.isArray(raw.matryoshka_dimensions)) config.matryoshka_dimensions = raw.matryoshka_dimensions;
  if (config.num_attention_heads % config.num_key_value_heads !== 0) {
    throw new Error('config.json: num_attention_heads must be a multiple of num_key_value_heads');
  }
  return config;
}

export function headDim(config: LlamaConfig): number {
  return config.head_dim ?? config.hidden_size / config.num_attention_heads;
}

/** Reads model.safetensors, or every shard listed in model.safetensors.index.json. */
export function readModelWeights(dir: string, options: LoadModelOptions = {}): Map<string, LoadedTensor> {
  const single = join(dir, 'model.safetensors');
  if (existsSync(single)) return readSafetensors(single, options);
  const indexPath = join(dir, 'model.safetensors.index.json');
  if (!existsSync(indexPath)) throw new Error(`${dir}: no model.safetensors or model.safetensors.index.json`);
  const index = JSON.parse(readFileSync(indexPath, 'utf8')) as { weight_map: Record<string, string> };
  const weights = new Map<string, LoadedTensor>();
  for (const file of new Set(Object.values(index.weight_map))) {
    for (const [name, t] of readSafetensors(join(dir, file), options)) weights.set(name, t);
  }
  return weights;
}

export function loadModelDir(dir: string, options: LoadModelOptions = {}): ModelDir {
  const raw = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Partial<EngineLlamaConfig>;
  const config = resolveLlamaConfig(raw);
  const weights = readModelWeights(dir, options);
  // Some checkpoints drop lm_head.weight without saying they are tied.
  if (!weights.has('lm_head.weight')) config.tie_word_embeddings = true;
  const tokenizer = Tokenizer.fromDir(dir);
  return { config, weights, tokenizer };
}

/** The tensor names and shapes a Llama checkpoint with this config has (handy for writers and checks). */
export function llamaTensorShapes(config: LlamaConfig): Map<string, number[]> {
  const hd = headDim(config);
  const h = config.hidden_size;
  const q = config.num_attention_heads * hd;
  const kv = config.num_key_value_heads * hd;
  const shapes = new Map<string, number[]>();
  shapes.set('model.embed_tokens.weight', [config.vocab_size, h]);
  for (let l = 0; l < config.num_hidden_layers; l++) {
    const p = `model.layers.${l}.`;
    shapes.set(p + 'input_layernorm.weight', [h]);
    shapes.set(p + 'self_attn.q_proj.weight', [q, h]);
    shapes.set(p + 'self_attn.k_proj.weight', [kv, h]);
    shapes.set(p + 'self_attn.v_proj.weight', [kv, h]);
    shapes.set(p + 'self_attn.o_proj.weight', [h, q]);
    shapes.set(p + 'post_attention_layernorm.weight', [h]);
    shapes.set(p + 'mlp.gate_proj.weight', [config.intermediate_size, h]);
    shapes.set(p + 'mlp.up_proj.weight', [config.intermediate_size, h]);
    shapes.set(p + 'mlp.down_proj.weight', [h, config.intermediate_size]);
  }
  shapes.set('model.norm.weight', [h]);
  if (!config.tie_word_embeddings) shapes.set('lm_head.weight', [config.vocab_size, h]);
  return shapes;
}
