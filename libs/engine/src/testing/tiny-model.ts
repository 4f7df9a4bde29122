import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LlamaConfig } from '../contract';
import { llamaTensorShapes } from '../model-dir';
import { type TensorToWrite, writeSafetensors } from '../safetensors';

/**
 * Writes a tiny randomly initialised Llama directory for other packages' tests (servers, routers, end-to-end suites): byte-level BPE vocabulary (the 256
 * byte symbols, no merges), special tokens `<|endoftext|>` (EOS), `<s>` (BOS, added by default) and chat-role
 * markers, a simple chat template, and random weights saved with the engine's own safetensors writer.
 */

export const EOS = '<|endoftext|>';
const SPECIALS = [EOS, '<s>', '<|system|>', '<|user|>', '<|assistant|>'];
export const EOS_ID = 256;
export const BOS_ID = 257;

const CHAT_TEMPLATE =
  "{% for message in messages %}{{ '<|' + message['role'] + '|>' + message['content'] }}{% if message['role'] == 'assistant' %}{{ eos_token }}{% endif %}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|assistant|>' }}{% endif %}";

/**
 * A Qwen 2.5-like template with its own tool syntax: `tools` listed in the system turn, calls written as
 * `<tool_call>\n{"name": …, "arguments": …}\n</tool_call>`, tool results as `<tool_response>` (vLLM's `hermes` format).
 */
const HERMES_TOOLS_TEMPLATE =
  "{%- if tools %}{{ '<|system|>' }}{% if messages[0]['role'] == 'system' %}{{ messages[0]['content'] + '\\n\\n' }}{% endif %}" +
  "{{ '# Tools\\n<tools>' }}{% for tool in tools %}{{ '\\n' + (tool | tojson) }}{% endfor %}" +
  '{{ \'\\n</tools>\\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\\n<tool_call>\\n{"name": <function-name>, "arguments": <args-json-object>}\\n</tool_call>\' }}' +
  "{%- elif messages[0]['role'] == 'system' %}{{ '<|system|>' + messages[0]['content'] }}{% endif %}" +
  '{%- for message in messages %}' +
  "{%- if message['role'] == 'system' and loop.first %}" +
  "{%- elif message['role'] == 'assistant' %}{{ '<|assistant|>' + message['content'] }}" +
  '{%- if message.tool_calls %}{% for call in message.tool_calls %}{{ \'<tool_call>\\n{"name": "\' + call.function.name + \'", "arguments": \' + (call.function.arguments | tojson) + \'}\\n</tool_call>\' }}{% endfor %}{% endif %}{{ eos_token }}' +
  "{%- elif message['role'] == 'tool' %}{{ '<|user|><tool_response>\\n' + message['content'] + '\\n</tool_response>' }}" +
  "{%- else %}{{ '<|' + message['role'] + '|>' + message['content'] }}{% endif %}" +
  "{%- endfor %}{% if add_generation_prompt %}{{ '<|assistant|>' }}{% endif %}";

/** Qwen's tool tags are single (non-special) tokens, so one `logit_bias` entry can start a call. */
const HERMES_TOKENS = ['<tool_call>', '</tool_call>'];

/** GPT-2's byte → printable character table, which byte-level vocabularies are written in. */
function byteSymbols(): string[] {
  const keep = (b: number): boolean => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let next = 0;
  return Array.from({ length: 256 }, (_, b) => (keep(b) ? String.fromCodePoint(b) : String.fromCodePoint(256 + next++)));
}

/** Deterministic N(0, 1)-ish numbers (xorshift + Box-Muller). */
function gaussian(seed: number): () => number {
  let s = seed >>> 0 || 1;
  const uniform = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s + 1) / 4294967297;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

export interface TinyModelOptions {
  seed?: number;
  hiddenSize?: number;
  layers?: number;
  maxPositionEmbeddings?: number;
  /** `hermes-tools`: a template with its own tool syntax, and `<tool_call>` / `</tool_call>` as tokens 261 and 262. */
  chatTemplate?: 'plain' | 'hermes-tools';
}

export function writeTinyModel(dir: string, o: TinyModelOptions = {}): LlamaConfig {
  const symbols = byteSymbols();
  const vocab: Record<string, number> = Object.fromEntries(symbols.map((s, i) => [s, i]));
  const hermes = o.chatTemplate === 'hermes-tools';
  const added = [
    ...SPECIALS.map((content) => ({ content, special: true })),
    ...(hermes ? HERMES_TOKENS : []).map((content) => ({ content, special: false })),
  ];
  const config: LlamaConfig = {
    vocab_size: 256 + added.length,
    hidden_size: o.hiddenSize ?? 32,
    intermediate_size: (o.hiddenSize ?? 32) * 2,
    num_hidden_layers: o.layers ?? 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    max_position_embeddings: o.maxPositionEmbeddings ?? 256,
    rms_norm_eps: 1e-5,
    rope_theta: 10000,
    tie_word_embeddings: true,
    bos_token_id: BOS_ID,
    eos_token_id: EOS_ID,
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ architectures: ['LlamaForCausalLM'], model_type: 'llama', ...config }));
  writeFileSync(
    join(dir, 'tokenizer.json'),
    JSON.stringify({
      added_tokens: added.map(({ content, special }, i) => ({
        id: 256 + i,
        content,
        special,
        lstrip: false,
        rstrip: false,
        normalized: false,
        single_word: false,
      })),
      normalizer: null,
      pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
      post_processor: null,
      decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
      model: { type: 'BPE', vocab, merges: [], unk_token: null, byte_fallback: false },
    }),
  );
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({
      bos_token: '<s>',
      eos_token: EOS,
      add_bos_token: true,
      add_eos_token: false,
      chat_template: hermes ? HERMES_TOOLS_TEMPLATE : CHAT_TEMPLATE,
    }),
  );
  const rand = gaussian(o.seed ?? 1234);
  const tensors = new Map<string, TensorToWrite>();
  for (const [name, shape] of llamaTensorShapes(config)) {
    const count = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(count);
    if (name.endsWith('norm.weight')) data.fill(1);
    else {
      const scale = name === 'model.embed_tokens.weight' ? 2 : 1 / Math.sqrt(shape[shape.length - 1]);
      for (let i = 0; i < count; i++) data[i] = rand() * scale;
    }
    // Only printable ASCII keeps an embedding: every other token (control and high bytes, EOS, the role
    // markers) gets a zero logit, so greedy output is readable text that practically never ends early.
    if (name === 'model.embed_tokens.weight')
      for (let id = 0; id < config.vocab_size; id++)
        if (id < 0x20 || id > 0x7e) data.fill(0, id * config.hidden_size, (id + 1) * config.hidden_size);
    tensors.set(name, { shape, data });
  }
  writeSafetensors(join(dir, 'model.safetensors'), tensors);
  return config;
}
