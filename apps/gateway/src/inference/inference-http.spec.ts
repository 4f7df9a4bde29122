import { describe, expect, it } from 'vitest';
import { inferenceV1 } from '@platform/contracts';
import { requireVersion } from './api-version';
import { sseFrame } from './event-stream';
import { applyFilters, formatParameterCount, modelSpec } from './model-catalog';
import { generationResult } from './watsonx-views';

const info = (modelId: string, functions: string[], provider = 'platform', parameterCount?: number): inferenceV1.ModelInfo => ({
  modelId,
  functions,
  maxSequenceLength: 2048,
  replicas: 1,
  healthyReplicas: 1,
  provider,
  parameterCount,
});

describe('version', () => {
  it('accepts real dates only', () => {
    expect(requireVersion('2024-05-31')).toBe('2024-05-31');
    for (const bad of [undefined, '', '2024-5-31', '2024-02-30', 'yesterday']) expect(() => requireVersion(bad)).toThrow(/version/);
  });
});

describe('sseFrame', () => {
  it('writes id, event and one line of JSON with LF endings', () => {
    expect(sseFrame(3, { a: 'x\ny' })).toBe('id: 3\nevent: message\ndata: {"a":"x\\ny"}\n\n');
  });
});

describe('model catalog', () => {
  const specs = [
    modelSpec(info('ibm/granite', ['text_generation', 'text_chat'])),
    modelSpec(info('ibm/slate', ['embedding'])),
    modelSpec(info('meta/llama', ['text_generation'], 'tgi')),
  ];

  it('builds the seed shape', () => {
    expect(specs[0]).toMatchObject({
      model_id: 'ibm/granite',
      label: 'granite',
      provider: 'ibm',
      functions: [{ id: 'text_generation' }, { id: 'text_chat' }],
      model_limits: { max_sequence_length: 2048 },
    });
  });

  it('filters with and/or and negation', () => {
    const ids = (f: string) => applyFilters(specs, f).map((s) => s.model_id);
    expect(ids('function_text_generation')).toEqual(['ibm/granite', 'meta/llama']);
    expect(ids('provider_ibm,!function_embedding')).toEqual(['ibm/granite']);
    expect(ids('modelid_ibm/slate,modelid_meta/llama:or')).toEqual(['ibm/slate', 'meta/llama']);
    expect(() => applyFilters(specs, 'colour_red')).toThrow(/Unknown filter/);
    expect(() => applyFilters(specs, ',,')).toThrow(/filters must match/);
  });
});

describe('number_params', () => {
  it('writes a parameter count as watsonx does: three significant digits and m, b or t', () => {
    expect([134_515_008, 8_030_261_248, 15_500_000_000, 919_808, 1.2e12].map(formatParameterCount)).toEqual([
      '135m',
      '8.03b',
      '15.5b',
      '0.92m',
      '1.2t',
    ]);
  });

  it('takes the count the server reported, else the size the model id names, else says unknown', () => {
    const params = (id: string, count?: number) => modelSpec(info(id, ['text_generation'], 'platform', count)).number_params;
    expect(params('platform/tiny', 919_808)).toBe('0.92m');
    expect(params('ibm-granite/granite-3.1-8b-instruct')).toBe('8b');
    expect(params('HuggingFaceTB/SmolLM2-135M-Instruct')).toBe('135m');
    expect(params('mistralai/mixtral-8x7b-instruct-v01')).toBe('unknown');
  });
});

describe('generation result view', () => {
  it('renders return_options.input_tokens like generated_tokens (the first prompt token has no logprob)', () => {
    const view = generationResult(
      {
        generatedText: 'x',
        generatedTokenCount: 1,
        inputTokenCount: 2,
        stopReason: '',
        stop: inferenceV1.StopReason.STOP_REASON_MAX_TOKENS,
        generatedTokens: [],
        inputTokens: [
          { text: '<s>', topTokens: [] },
          { text: 'h', logprob: -1.5, rank: 2, topTokens: [{ text: 'a', logprob: -1 }] },
        ],
        inputText: '',
        moderations: undefined,
        warnings: [],
      },
      undefined,
    );
    expect(view.input_tokens).toEqual([{ text: '<s>' }, { text: 'h', logprob: -1.5, rank: 2, top_tokens: [{ text: 'a', logprob: -1 }] }]);
    expect(view).not.toHaveProperty('generated_tokens');
  });
});
