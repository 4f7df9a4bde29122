import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SyntheticDataGenerationRequestDto, syntheticDataView } from './synthetic-data-generation.controller';

// The repository's copy of the draft (apps/platform-e2e keeps it); read as data, not imported.
const draft = JSON.parse(readFileSync(resolve(__dirname, '../../../platform-e2e/src/support/llama-stack-draft-openapi.json'), 'utf8')) as {
  components: object;
};
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema({ $id: 'draft', components: draft.components });
const schema = (name: string) => ajv.getSchema(`draft#/components/schemas/${name}`)!;

const dtoErrors = (body: unknown) =>
  validateSync(plainToInstance(SyntheticDataGenerationRequestDto, body), { whitelist: true }).map((e) => e.property);

describe('/synthetic_data_generation/generate against the draft', () => {
  const body = {
    prompts: [{ role: 'user', content: 'Write a haiku about the sea.', tool_calls: [], tool_responses: [] }],
    filtering_function: 'top_k',
    reward_scoring: { model: 'llama3_405b_reward', num_generations: 3, top_k: 1 },
  };

  it('accepts what the draft accepts', () => {
    expect(schema('SyntheticDataGenerationRequest')(body)).toBe(true);
    expect(dtoErrors(body)).toEqual([]);
  });

  it('refuses an unknown filtering function and empty prompts, as the draft does', () => {
    const bad = { ...body, filtering_function: 'best' };
    expect(schema('SyntheticDataGenerationRequest')(bad)).toBe(false);
    expect(dtoErrors(bad)).toEqual(['filtering_function']);
    expect(dtoErrors({ ...body, prompts: [] })).toEqual(['prompts']);
    expect(dtoErrors({ ...body, reward_scoring: { top_p: 3 } })).toEqual(['reward_scoring']);
  });

  it('answers in the draft response shape', () => {
    const view = syntheticDataView({
      syntheticData: [
        {
          prompt: { role: 'user', content: 'Write a haiku about the sea.' },
          kScoredGenerations: [{ message: { role: 'assistant', content: 'Waves fold into foam' }, score: 0.8 }],
        },
      ],
      generated: 3,
      kept: 1,
      teacherModel: 'platform/starter-llama',
      judgeModel: 'platform/starter-llama',
    });
    const validate = schema('SyntheticDataGenerationResponse');
    expect(validate(view), JSON.stringify(validate.errors)).toBe(true);
    expect(view.synthetic_data[0].k_scored_generations[0]).toEqual({
      message: { role: 'assistant', content: 'Waves fold into foam', tool_calls: [], tool_responses: [] },
      score: 0.8,
    });
  });
});
