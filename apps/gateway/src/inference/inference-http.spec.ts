import { describe, expect, it } from 'vitest';
import type { inferenceV1 } from '@platform/contracts';
import { requireVersion } from './api-version';
import { sseFrame } from './event-stream';
import { applyFilters, modelSpec } from './model-catalog';

const info = (modelId: string, functions: string[], provider = 'platform'): inferenceV1.ModelInfo => ({
  modelId,
  functions,
  maxSequenceLength: 2048,
  replicas: 1,
  healthyReplicas: 1,
  provider,
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
