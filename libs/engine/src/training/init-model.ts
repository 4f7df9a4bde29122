import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LlamaConfig } from '../contract';
import type { TokenizerJson } from '../tokenizer/json';
import { writeSafetensors } from '../safetensors';
import { trainByteLevelBpe } from './bpe-trainer';
import { initLlamaParams, paramShapes } from './llama-params';

export const EOS_TOKEN = '<|endoftext|>';
export const ROLE_TOKENS = ['<|system|>', '<|user|>', '<|assistant|>'] as const;

/** Jinja twin of data.ts's renderFallback, so templated and fallback rendering produce the same text. */
export const SIMPLE_CHAT_TEMPLATE =
  "{% for message in messages %}{% if message['role'] == 'assistant' %}{{ '<|assistant|>\\n' + message['content'] + eos_token + '\\n' }}" +
  "{% else %}{{ '<|' + message['role'] + '|>\\n' + message['content'] + '\\n' }}{% endif %}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}";

export interface NewModelOptions {
  /** Architecture; vocab_size and the special token ids are filled in from the tokenizer. */
  config: Omit<LlamaConfig, 'vocab_size' | 'bos_token_id' | 'eos_token_id'>;
  /** Texts the byte-level BPE is learned from. */
  tokenizerCorpus: readonly string[];
  vocabSize: number;
  seed: number;
}

/**
 * Writes a randomly initialised Llama directory with its own freshly trained tokenizer: the starting point for
 * training a model from scratch, and the fixture the trainer tests use.
 */
export function createModelDir(dir: string, o: NewModelOptions): LlamaConfig {
  const specials = [EOS_TOKEN, ...ROLE_TOKENS];
  const tok: TokenizerJson = trainByteLevelBpe(o.tokenizerCorpus, { vocabSize: o.vocabSize, specialTokens: specials });
  const eosId = tok.added_tokens?.find((t) => t.content === EOS_TOKEN)?.id;
  if (eosId === undefined) throw new Error('tokenizer lost its EOS token');
  const vocab = Math.max(...Object.values(tok.model.vocab), ...(tok.added_tokens ?? []).map((t) => t.id)) + 1;
  const config: LlamaConfig = { ...o.config, vocab_size: vocab, bos_token_id: eosId, eos_token_id: eosId };
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ architectures: ['LlamaForCausalLM'], model_type: 'llama', torch_dtype: 'float32', ...config }, null, 2) + '\n',
  );
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tok) + '\n');
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify(
      {
        tokenizer_class: 'PreTrainedTokenizerFast',
        bos_token: EOS_TOKEN,
        eos_token: EOS_TOKEN,
        pad_token: EOS_TOKEN,
        add_bos_token: false,
        add_eos_token: false,
        model_max_length: config.max_position_embeddings,
        chat_template: SIMPLE_CHAT_TEMPLATE,
      },
      null,
      2,
    ) + '\n',
  );
  const params = initLlamaParams(config, o.seed);
  const ordered = new Map([...paramShapes(config).keys()].map((n) => [n, params.get(n)!]));
  writeSafetensors(join(dir, 'model.safetensors'), ordered, { format: 'pt' });
  return config;
}
