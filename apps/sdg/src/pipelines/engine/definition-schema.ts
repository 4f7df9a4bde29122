/** JSON Schema (2020-12) of a pipeline file; load-definition.ts adds the checks a schema cannot express. */

const strings = { type: 'array', items: { type: 'string', minLength: 1 } };
const scalar = { type: ['string', 'number', 'boolean'] };
const common = { name: { type: 'string', pattern: '^[a-z][a-z0-9_]*$' }, drop_duplicates: strings, drop_columns: strings };

function block(type: string, config: object, extra: object = {}) {
  return {
    type: 'object',
    required: ['name', 'type', 'config'],
    additionalProperties: false,
    properties: { ...common, ...extra, type: { const: type }, config: { ...config, additionalProperties: false } },
  };
}

const columnsMap = {
  type: 'object',
  required: ['columns_map'],
  properties: { columns_map: { type: 'object', minProperties: 1, additionalProperties: { type: 'string', minLength: 1 } } },
};

export const PIPELINE_SCHEMA = {
  type: 'object',
  required: ['version', 'name', 'blocks'],
  additionalProperties: false,
  properties: {
    version: { type: 'string', pattern: '^\\d+\\.\\d+$' },
    name: { type: 'string', pattern: '^[a-z][a-z0-9_]*$' },
    description: { type: 'string' },
    blocks: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['type'],
        properties: {
          type: {
            enum: [
              'LLMBlock',
              'FilterByValue',
              'Dedupe',
              'DuplicateColumns',
              'RenameColumns',
              'FlattenColumns',
              'CombineColumns',
              'Sample',
            ],
          },
        },
        // Picks the branch by `type`, so errors name the block's own fields instead of every alternative's.
        allOf: [
          {
            if: { properties: { type: { const: 'LLMBlock' } } },
            then: block(
              'LLMBlock',
              {
                type: 'object',
                required: ['model', 'prompt', 'output_cols', 'parser'],
                properties: {
                  model: { enum: ['teacher', 'judge'] },
                  prompt: {
                    type: 'object',
                    required: ['generation'],
                    additionalProperties: false,
                    properties: Object.fromEntries(
                      ['system', 'introduction', 'principles', 'examples', 'generation'].map((k) => [k, { type: 'string' }]),
                    ),
                  },
                  prefill: { type: 'string' },
                  output_cols: { ...strings, minItems: 1 },
                  parser: {
                    type: 'object',
                    additionalProperties: false,
                    properties: {
                      tags: {
                        type: 'array',
                        minItems: 1,
                        items: {
                          type: 'object',
                          required: ['start', 'end'],
                          additionalProperties: false,
                          properties: { start: { type: 'string' }, end: { type: 'string' } },
                        },
                      },
                      regex: { type: 'string', minLength: 1 },
                      flags: { type: 'string', pattern: '^[imsu]*$' },
                      clean: { type: 'array', items: { type: 'string' } },
                    },
                  },
                  gen: {
                    type: 'object',
                    additionalProperties: false,
                    properties: {
                      max_tokens: { type: 'integer', minimum: 1 },
                      temperature: { type: 'number', minimum: 0, maximum: 2 },
                      n: { oneOf: [{ type: 'integer', minimum: 1 }, { const: 'scaled' }] },
                      stop: strings,
                    },
                  },
                  num_samples: { type: 'integer', minimum: 1 },
                  on_no_match: { enum: ['drop', 'keep'] },
                },
              },
              { stage: { type: 'string', pattern: '^[a-z]+$' } },
            ),
          },
          {
            if: { properties: { type: { const: 'FilterByValue' } } },
            then: block('FilterByValue', {
              type: 'object',
              required: ['column', 'value', 'operation'],
              properties: {
                column: { type: 'string', minLength: 1 },
                value: { oneOf: [scalar, { type: 'array', minItems: 1, items: scalar }] },
                operation: { enum: ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'contains'] },
                convert_dtype: { enum: ['int', 'float', 'bool', 'upper'] },
                default_value: scalar,
              },
            }),
          },
          {
            if: { properties: { type: { const: 'Dedupe' } } },
            then: block('Dedupe', { type: 'object', required: ['columns'], properties: { columns: { ...strings, minItems: 1 } } }),
          },
          { if: { properties: { type: { const: 'DuplicateColumns' } } }, then: block('DuplicateColumns', columnsMap) },
          { if: { properties: { type: { const: 'RenameColumns' } } }, then: block('RenameColumns', columnsMap) },
          {
            if: { properties: { type: { const: 'FlattenColumns' } } },
            then: block('FlattenColumns', {
              type: 'object',
              required: ['var_cols', 'value_name', 'var_name'],
              properties: {
                var_cols: { ...strings, minItems: 1 },
                value_name: { type: 'string', minLength: 1 },
                var_name: { type: 'string', minLength: 1 },
              },
            }),
          },
          {
            if: { properties: { type: { const: 'CombineColumns' } } },
            then: block('CombineColumns', {
              type: 'object',
              required: ['columns', 'output_col'],
              properties: {
                columns: { ...strings, minItems: 2 },
                output_col: { type: 'string', minLength: 1 },
                separator: { type: 'string' },
              },
            }),
          },
          {
            if: { properties: { type: { const: 'Sample' } } },
            then: block('Sample', { type: 'object', required: ['max_rows'], properties: { max_rows: { type: 'integer', minimum: 1 } } }),
          },
        ],
      },
    },
  },
} as const;
