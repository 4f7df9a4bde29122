import { describe, expect, it } from 'vitest';
import { readModelConfig } from './model-config';

describe('readModelConfig', () => {
  it('reads a Llama config', () => {
    const c = { architectures: ['LlamaForCausalLM'], model_type: 'llama', max_position_embeddings: 4096, n_positions: 1 };
    expect(readModelConfig(JSON.stringify(c))).toEqual({ architecture: 'LlamaForCausalLM', modelType: 'llama', maxSequenceLength: 4096 });
  });

  it.each([
    [{ n_positions: 1024 }, 1024],
    [{ max_seq_len: 2048 }, 2048],
    [{ text_config: { max_position_embeddings: 8192 } }, 8192],
    [{ max_position_embeddings: 'big' }, 0],
    [{ max_position_embeddings: 0, n_positions: 512 }, 512],
    [{}, 0],
    [{ max_position_embeddings: 2 ** 40 }, 2 ** 31 - 1],
  ])('finds the context length of %j', (config, length) => {
    expect(readModelConfig(JSON.stringify(config)).maxSequenceLength).toBe(length);
  });

  it('leaves out what the config does not say', () => {
    expect(readModelConfig('{"architectures":[7],"model_type":null}')).toEqual({ architecture: '', modelType: '', maxSequenceLength: 0 });
  });

  it.each(['{', '[]', 'null', '"text"'])('refuses %s', (text) => {
    expect(() => readModelConfig(text)).toThrow(/config.json is not/);
  });
});
