import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { RewardScoringRequestDto, rewardScoringRequest, rewardScoringView } from './reward-scoring.controller';

// The repository's copy of the Llama Stack draft (the e2e suite validates against the same file).
const DRAFT = resolve(__dirname, '../../../platform-e2e/src/support/llama-stack-draft-openapi.json');
const spec = JSON.parse(readFileSync(DRAFT, 'utf8')) as { components: { schemas: Record<string, unknown> } };
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema({ $id: 'draft', components: spec.components });
const errors = (schema: string, value: unknown) => {
  const validate = ajv.getSchema(`draft#/components/schemas/${schema}`);
  if (!validate) throw new Error(`no schema ${schema}`);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
};

const msg = (role: string, content: unknown) => ({ role, content, tool_calls: [], tool_responses: [] });
const draftRequest = {
  model: 'llama3_405b_reward',
  prompt_generations: [
    {
      dialog: {
        message: msg('user', 'And of Italy?'),
        message_history: [msg('user', 'What is the capital of France?'), msg('assistant', 'Paris.')],
      },
      k_generations: [msg('assistant', 'Rome.'), msg('assistant', ['Milan', 'perhaps.'])],
    },
  ],
};

describe('Llama Stack reward scoring mapping', () => {
  it('accepts a draft-valid request and maps the dialog (history, then message) and generations to text', () => {
    expect(errors('RewardScoringRequest', draftRequest)).toEqual([]);
    const dto = plainToInstance(RewardScoringRequestDto, draftRequest);
    expect(validateSync(dto)).toEqual([]);
    const req = rewardScoringRequest(dto, 'p1', 'platform/judge');
    expect(req).toEqual({
      projectId: 'p1',
      model: 'platform/judge',
      promptGenerations: [
        {
          dialog: [
            { role: 'user', content: 'What is the capital of France?' },
            { role: 'assistant', content: 'Paris.' },
            { role: 'user', content: 'And of Italy?' },
          ],
          generations: [
            { role: 'assistant', content: 'Rome.' },
            { role: 'assistant', content: 'Milan perhaps.' },
          ],
        },
      ],
    });
  });

  it('answers with a draft-valid RewardScoringResponse, one score per generation in order', () => {
    const req = rewardScoringRequest(plainToInstance(RewardScoringRequestDto, draftRequest), 'p1', 'j');
    const body = rewardScoringView(req, { scored: [{ scores: [8, 0] }] });
    expect(errors('RewardScoringResponse', body)).toEqual([]);
    expect(body.scored_generations[0].prompt).toEqual(msg('user', 'And of Italy?'));
    expect(body.scored_generations[0].k_scored_generations.map((g) => [g.message.content, g.score])).toEqual([
      ['Rome.', 8],
      ['Milan perhaps.', 0],
    ]);
  });

  it('refuses requests without generations or model', () => {
    const bad = plainToInstance(RewardScoringRequestDto, {
      prompt_generations: [{ dialog: { message: msg('user', 'q') }, k_generations: [] }],
    });
    expect(
      validateSync(bad)
        .map((e) => e.property)
        .sort(),
    ).toEqual(['model', 'prompt_generations']);
  });
});
