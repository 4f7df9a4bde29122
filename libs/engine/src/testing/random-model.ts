import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LlamaConfig } from '../contract';
import { llamaTensorShapes } from '../model-dir';
import { Rng } from '../rng';
import { type StoredDtype, type TensorToWrite, writeSafetensors } from '../safetensors';
import type { AddedTokenJson, TokenizerConfigJson, TokenizerJson } from '../tokenizer';

/**
 * Builds small random Llama checkpoints in Hugging Face layout for tests and benchmarks, with a hand-made
 * SentencePiece-style BPE tokenizer (byte fallback, ▁ word marker, ChatML special tokens).
 */

export interface RandomModelSpec {
  vocab?: number;
  hidden?: number;
  intermediate?: number;
  layers?: number;
  heads?: number;
  kvHeads?: number;
  headDim?: number;
  tie?: boolean;
  seed?: number;
  dtype?: StoredDtype;
  maxPositions?: number;
  ropeTheta?: number;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const MERGES: [string, string][] = [
  ['▁', 't'],
  ['h', 'e'],
  ['▁t', 'he'],
  ['▁', 'a'],
  ['i', 'n'],
  ['e', 'r'],
  ['a', 'n'],
  ['o', 'n'],
  ['▁', 's'],
  ['i', 's'],
  ['▁', 'i'],
  ['a', 't'],
];

/** Ids: 0 <unk>, 1 <s>, 2 </s>, 3..258 byte tokens, then ▁, a-z, merges, filler, and two ChatML tokens last. */
export function spTokenizerJson(vocabSize = 300): TokenizerJson {
  const vocab: Record<string, number> = { '<unk>': 0, '<s>': 1, '</s>': 2 };
  for (let b = 0; b < 256; b++) vocab[`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`] = 3 + b;
  let next = 259;
  vocab['▁'] = next++;
  for (const c of LETTERS) vocab[c] = next++;
  for (const [a, b] of MERGES) vocab[a + b] = next++;
  const imStart = vocabSize - 2;
  const imEnd = vocabSize - 1;
  for (let i = 0; next < imStart; i++) vocab[`▁w${i}`] = next++;
  vocab['<|im_start|>'] = imStart;
  vocab['<|im_end|>'] = imEnd;
  const special = (id: number, content: string): AddedTokenJson => ({
    id,
    content,
    special: true,
    lstrip: false,
    rstrip: false,
    normalized: false,
    single_word: false,
  });
  return {
    added_tokens: [
      special(0, '<unk>'),
      special(1, '<s>'),
      special(2, '</s>'),
      special(imStart, '<|im_start|>'),
      special(imEnd, '<|im_end|>'),
    ],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Prepend', prepend: '▁' },
        { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
      ],
    },
    pre_tokenizer: null,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>' } }, { Sequence: { id: 'A' } }],
      special_tokens: { '<s>': { id: '<s>', ids: [1] } },
    },
    decoder: {
      type: 'Sequence',
      decoders: [
        { type: 'Replace', pattern: { String: '▁' }, content: ' ' },
        { type: 'ByteFallback' },
        { type: 'Fuse' },
        { type: 'Strip', content: ' ', start: 1, stop: 0 },
      ],
    },
    model: { type: 'BPE', vocab, merges: MERGES.map(([a, b]) => `${a} ${b}`), unk_token: '<unk>', byte_fallback: true, fuse_unk: true },
  };
}

export const CHATML_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

export function spTokenizerConfig(): TokenizerConfigJson {
  return { bos_token: '<s>', eos_token: '</s>', unk_token: '<unk>', chat_template: CHATML_TEMPLATE };
}

/** Approximately standard normal values from a seeded generator (Box–Muller). */
export function randn(rng: Rng, n: number, scale: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = Math.max(rng.next(), 1e-12);
    const v = rng.next();
    const r = Math.sqrt(-2 * Math.log(u)) * scale;
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

export function randomConfig(spec: RandomModelSpec = {}): LlamaConfig {
  const hidden = spec.hidden ?? 64;
  const config: LlamaConfig = {
    vocab_size: spec.vocab ?? 300,
    hidden_size: hidden,
    intermediate_size: spec.intermediate ?? hidden * 2,
    num_hidden_layers: spec.layers ?? 2,
    num_attention_heads: spec.heads ?? 4,
    num_key_value_heads: spec.kvHeads ?? 2,
    max_position_embeddings: spec.maxPositions ?? 512,
    rms_norm_eps: 1e-5,
    rope_theta: spec.ropeTheta ?? 10000,
    tie_word_embeddings: spec.tie ?? false,
    bos_token_id: 1,
    eos_token_id: 2,
  };
  if (spec.headDim !== undefined) config.head_dim = spec.headDim;
  return config;
}

export function randomTensors(config: LlamaConfig, seed = 1): Map<string, TensorToWrite> {
  const rng = new Rng(seed);
  const tensors = new Map<string, TensorToWrite>();
  for (const [name, shape] of llamaTensorShapes(config)) {
    const n = shape.reduce((a, b) => a * b, 1);
    let data: Float32Array;
    if (shape.length === 1) {
      data = randn(rng, n, 0.1).map((v) => 1 + v); // norm gains near 1
    } else if (name === 'model.embed_tokens.weight') {
      data = randn(rng, n, 1);
    } else {
      // 1/sqrt(fan_in) keeps activations O(1); lm_head a bit hotter so sampling has clear winners.
      const gain = name === 'lm_head.weight' ? 3 : 1;
      data = randn(rng, n, gain / Math.sqrt(shape[1]));
    }
    tensors.set(name, { shape, data });
  }
  return tensors;
}

/** Writes config.json, tokenizer files and model.safetensors into `dir`; returns what was written. */
export function writeRandomModel(dir: string, spec: RandomModelSpec = {}): { config: LlamaConfig; tensors: Map<string, TensorToWrite> } {
  mkdirSync(dir, { recursive: true });
  const config = randomConfig(spec);
  const tensors = randomTensors(config, spec.seed ?? 1);
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ architectures: ['LlamaForCausalLM'], model_type: 'llama', ...config }, null, 2));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(spTokenizerJson(config.vocab_size)));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(spTokenizerConfig()));
  writeSafetensors(join(dir, 'model.safetensors'), tensors, { format: 'pt' }, spec.dtype ?? 'F32');
  return { config, tensors };
}
