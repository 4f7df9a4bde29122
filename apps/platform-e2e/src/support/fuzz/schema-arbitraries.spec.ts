import Ajv from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OpenApiDocument } from '../openapi/json-schema';
import { SchemaArbitraries } from './schema-arbitraries';

/** The shapes @nestjs/swagger emits for the gateway's DTOs, in miniature. */
const DOC: OpenApiDocument = {
  paths: {},
  components: {
    schemas: {
      Message: {
        type: 'object',
        properties: {
          role: { type: 'string', enum: ['user', 'assistant'] },
          content: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'object' } }] },
        },
        required: ['role'],
      },
      Params: {
        type: 'object',
        properties: { max_new_tokens: { type: 'number', minimum: 0 }, top_k: { type: 'number', minimum: 1, maximum: 100 } },
      },
      Request: {
        type: 'object',
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 32, pattern: '^[a-zA-Z0-9]([_-]?[a-zA-Z0-9]+)*$' },
          project_id: { type: 'string', format: 'uuid' },
          note: { type: 'string', maxLength: 200 },
          messages: { type: 'array', minItems: 1, maxItems: 64, items: { $ref: '#/components/schemas/Message' } },
          parameters: { allOf: [{ $ref: '#/components/schemas/Params' }] },
          tags: { type: 'array', items: { type: 'string' } },
          stream: { type: 'boolean' },
        },
        required: ['name', 'messages'],
      },
    },
  },
};
const REQUEST = { $ref: '#/components/schemas/Request' };
const ajv = new Ajv({
  strict: false,
  allErrors: true,
  formats: { uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i },
});
ajv.addSchema({ $id: 'doc', components: DOC.components });
const validate = ajv.getSchema('doc#/components/schemas/Request');

describe('SchemaArbitraries', () => {
  const arbitraries = new SchemaArbitraries(DOC, {
    hints: { project_id: fc.constant('0b7c3f5e-2d4a-4e8b-9c1d-6f0a2b3c4d5e') },
    costCaps: { max_new_tokens: 16, messages: 2 },
  });

  it('draws valid values the schema accepts, with the cost caps always set and honoured', () => {
    const values = fc.sample(arbitraries.valid(REQUEST), { seed: 1, numRuns: 300 }) as Record<string, unknown>[];
    for (const v of values) {
      expect(validate?.(v), `${JSON.stringify(v).slice(0, 200)}: ${ajv.errorsText(validate?.errors)}`).toBe(true);
      expect((v.messages as unknown[]).length).toBeLessThanOrEqual(2);
      const params = v.parameters as { max_new_tokens?: number } | undefined;
      if (params) expect(params.max_new_tokens).toBeGreaterThanOrEqual(1);
      if (params) expect(params.max_new_tokens).toBeLessThanOrEqual(16);
    }
    expect(values.some((v) => v.project_id === '0b7c3f5e-2d4a-4e8b-9c1d-6f0a2b3c4d5e')).toBe(true);
    // Hostile content in shape-valid strings now and then (a NUL fits the note's 200 characters).
    expect(values.some((v) => typeof v.note === 'string' && v.note.includes('\u0000'))).toBe(true);
  });

  it('draws invalid values the schema refuses, apart from hostile strings no shape forbids', () => {
    const values = fc.sample(arbitraries.invalid(REQUEST), { seed: 2, numRuns: 300 });
    const refused = values.filter((v) => !validate?.(v)).length;
    expect(refused).toBeGreaterThan(values.length * 0.8);
  });
});
