import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { inferenceV1 } from '@platform/contracts';
import { describe, expect, it } from 'vitest';
import { TextGenerationRequest } from './inference.dto';
import { moderationsToGrpc } from './moderations-mapping';
import { generationView } from './watsonx-views';

const body = (moderations: unknown) => plainToInstance(TextGenerationRequest, { model_id: 'm', input: 'x', project_id: 'p', moderations });

describe('moderations mapping', () => {
  it("maps the seed's request onto the contract", () => {
    const req = body({
      hap: { output: { enabled: true, threshold: 0.5 } },
      pii: { output: { enabled: true }, mask: { remove_entity_value: true } },
      input_ranges: [{ start: 0, end: 4 }],
    });
    expect(validateSync(req)).toEqual([]);
    expect(moderationsToGrpc(req.moderations)).toEqual({
      hap: { input: undefined, output: { enabled: true, threshold: 0.5 }, mask: undefined },
      pii: { input: undefined, output: { enabled: true, threshold: undefined }, mask: { removeEntityValue: true } },
      inputRanges: [{ start: 0, end: 4 }],
    });
    expect(moderationsToGrpc(undefined)).toBeUndefined();
  });

  it('rejects thresholds outside [0, 1] and malformed ranges', () => {
    expect(validateSync(body({ hap: { input: { threshold: 1.5 } } }), { forbidUnknownValues: false })).not.toEqual([]);
    expect(validateSync(body({ input_ranges: [{ start: -1, end: 2 }] }))).not.toEqual([]);
  });

  it("shows findings in the seed's response shape and lifts warnings to system.warnings", () => {
    const view = generationView(
      {
        modelId: 'm',
        createdAt: 't',
        result: {
          inputTokens: [],
          generatedText: '',
          generatedTokenCount: 0,
          inputTokenCount: 5,
          stopReason: '',
          stop: inferenceV1.StopReason.STOP_REASON_UNSPECIFIED,
          generatedTokens: [],
          inputText: '',
          moderations: {
            hap: [{ score: 0.6, input: true, position: { start: 0, end: 16 }, entity: 'has_HAP', word: 'You are a moron!' }],
            pii: [{ score: 1, input: true, position: { start: 20, end: 31 }, entity: 'EmailAddress', word: '' }],
          },
          warnings: [{ id: 'UNSUITABLE_INPUT', message: 'Unsuitable input detected.' }],
        },
      },
      undefined,
    );
    expect(view).toEqual({
      model_id: 'm',
      created_at: 't',
      results: [
        {
          generated_text: '',
          generated_token_count: 0,
          input_token_count: 5,
          stop_reason: '',
          moderations: {
            hap: [{ score: 0.6, input: true, position: { start: 0, end: 16 }, entity: 'has_HAP', word: 'You are a moron!' }],
            pii: [{ score: 1, input: true, position: { start: 20, end: 31 }, entity: 'EmailAddress' }],
          },
        },
      ],
      system: { warnings: [{ id: 'UNSUITABLE_INPUT', message: 'Unsuitable input detected.' }] },
    });
  });

  it('leaves moderations and system out when nothing was found', () => {
    const view = generationView(
      {
        modelId: 'm',
        createdAt: 't',
        result: {
          inputTokens: [],
          generatedText: 'hi',
          generatedTokenCount: 1,
          inputTokenCount: 1,
          stopReason: '',
          stop: inferenceV1.StopReason.STOP_REASON_EOS_TOKEN,
          generatedTokens: [],
          inputText: '',
          moderations: { hap: [], pii: [] },
          warnings: [],
        },
      },
      undefined,
    );
    expect(view).toEqual({
      model_id: 'm',
      created_at: 't',
      results: [{ generated_text: 'hi', generated_token_count: 1, input_token_count: 1, stop_reason: 'eos_token' }],
    });
  });
});
