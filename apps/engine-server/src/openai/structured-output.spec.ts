import { describe, expect, it } from 'vitest';
import { InvalidRequest } from '../errors';
import { readLogitBias } from './logit-bias';
import { readStructuredOutput } from './structured-output';

const refusal = (fn: () => unknown): { message: string; param: string | null } => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidRequest);
    return { message: (err as InvalidRequest).message, param: (err as InvalidRequest).param };
  }
  throw new Error('expected a refusal');
};

const schema = { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] };

describe('readStructuredOutput', () => {
  it('reads every kind of structured_outputs (vLLM >= 0.12)', () => {
    expect(readStructuredOutput({ structured_outputs: { json: schema } })).toEqual({
      spec: { kind: 'json_schema', schema: JSON.stringify(schema) },
      param: 'structured_outputs',
    });
    expect(readStructuredOutput({ structured_outputs: { json: '{"type":"string"}' } })?.spec).toEqual({
      kind: 'json_schema',
      schema: '{"type":"string"}',
    });
    expect(readStructuredOutput({ structured_outputs: { regex: '[a-z]+' } })?.spec).toEqual({ kind: 'regex', pattern: '[a-z]+' });
    expect(readStructuredOutput({ structured_outputs: { choice: ['yes', 'no'] } })?.spec).toEqual({
      kind: 'choice',
      choices: ['yes', 'no'],
    });
    expect(readStructuredOutput({ structured_outputs: { grammar: 'root ::= "a"' } })?.spec).toEqual({
      kind: 'grammar',
      grammar: 'root ::= "a"',
    });
    expect(readStructuredOutput({ structured_outputs: { json_object: true } })?.spec).toEqual({ kind: 'json_object' });
    // Options that tune a kind are accepted alongside it.
    expect(readStructuredOutput({ structured_outputs: { regex: 'x', disable_any_whitespace: true } })?.spec.kind).toBe('regex');
    expect(readStructuredOutput({ structured_outputs: {} })).toBeUndefined();
  });

  it('passes disable_any_whitespace to JSON constraints, whichever field asked for them', () => {
    const compact = { disable_any_whitespace: true };
    expect(readStructuredOutput({ structured_outputs: { json: schema, ...compact } })?.spec).toEqual({
      kind: 'json_schema',
      schema: JSON.stringify(schema),
      disableAnyWhitespace: true,
    });
    expect(readStructuredOutput({ structured_outputs: { json_object: true, ...compact } })?.spec).toEqual({
      kind: 'json_object',
      disableAnyWhitespace: true,
    });
    expect(readStructuredOutput({ structured_outputs: compact, response_format: { type: 'json_object' } })?.spec).toEqual({
      kind: 'json_object',
      disableAnyWhitespace: true,
    });
    expect(readStructuredOutput({ structured_outputs: { regex: 'x', ...compact } })?.spec).toEqual({ kind: 'regex', pattern: 'x' });
    expect(readStructuredOutput({ structured_outputs: { json: schema, disable_any_whitespace: false } })?.spec).toEqual({
      kind: 'json_schema',
      schema: JSON.stringify(schema),
    });
    expect(refusal(() => readStructuredOutput({ structured_outputs: { json: schema, disable_any_whitespace: 'yes' } }))).toEqual({
      message: 'structured_outputs.disable_any_whitespace must be a boolean',
      param: 'structured_outputs',
    });
  });

  it('reads the legacy top-level guided_* fields (vLLM <= 0.11, the watsonx SDK)', () => {
    expect(readStructuredOutput({ guided_json: schema })).toEqual({
      spec: { kind: 'json_schema', schema: JSON.stringify(schema) },
      param: 'guided_json',
    });
    expect(readStructuredOutput({ guided_regex: '\\d+' })).toEqual({ spec: { kind: 'regex', pattern: '\\d+' }, param: 'guided_regex' });
    expect(readStructuredOutput({ guided_choice: ['a'] })?.param).toBe('guided_choice');
    expect(readStructuredOutput({ guided_grammar: 'root ::= "a"' })?.param).toBe('guided_grammar');
  });

  it('reads response_format text, json_object, json_schema and structural_tag', () => {
    expect(readStructuredOutput({ response_format: { type: 'text' } })).toBeUndefined();
    expect(readStructuredOutput({ response_format: { type: 'json_object' } })).toEqual({
      spec: { kind: 'json_object' },
      param: 'response_format',
    });
    expect(
      readStructuredOutput({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema, strict: true } } })?.spec,
    ).toEqual({
      kind: 'json_schema',
      schema: JSON.stringify(schema),
    });
    const legacy = readStructuredOutput({
      response_format: { type: 'structural_tag', structures: [{ begin: '<f>', schema, end: '</f>' }], triggers: ['<f>'] },
    });
    expect(JSON.parse((legacy?.spec as { tag: string }).tag)).toEqual({
      type: 'structural_tag',
      format: {
        type: 'triggered_tags',
        triggers: ['<f>'],
        tags: [{ type: 'tag', begin: '<f>', content: { type: 'json_schema', json_schema: schema }, end: '</f>' }],
      },
    });
  });

  it('refuses two kinds at once, in one form or across forms, naming a field', () => {
    expect(refusal(() => readStructuredOutput({ structured_outputs: { regex: 'a', choice: ['a'] } }))).toEqual({
      message: expect.stringMatching(/^You can only use one kind of structured outputs constraint but multiple are specified/),
      param: 'structured_outputs',
    });
    expect(refusal(() => readStructuredOutput({ guided_regex: 'a', guided_choice: ['a'] }))).toEqual({
      message: "You can only use one kind of guided decoding ('guided_json', 'guided_regex', 'guided_choice', 'guided_grammar').",
      param: 'guided_choice',
    });
    expect(refusal(() => readStructuredOutput({ guided_regex: 'a', response_format: { type: 'json_object' } })).param).toBe(
      'response_format',
    );
  });

  it('refuses malformed values with a 400 naming the field', () => {
    expect(refusal(() => readStructuredOutput({ guided_json: '{not json' })).param).toBe('guided_json');
    expect(refusal(() => readStructuredOutput({ guided_choice: [] })).param).toBe('guided_choice');
    expect(refusal(() => readStructuredOutput({ structured_outputs: { regex: 5 } })).param).toBe('structured_outputs.regex');
    expect(refusal(() => readStructuredOutput({ response_format: { type: 'json_schema' } }))).toEqual({
      message: "When response_format type is 'json_schema', the 'json_schema' field must be provided.",
      param: 'response_format',
    });
    expect(refusal(() => readStructuredOutput({ response_format: { type: 'xml' } })).param).toBe('response_format');
    expect(refusal(() => readStructuredOutput({ response_format: { type: 'structural_tag', structures: 'x' } })).param).toBe(
      'response_format',
    );
  });
});

describe('readLogitBias', () => {
  it('maps token ids to biases clamped to [-100, 100]', () => {
    expect(readLogitBias({ logit_bias: { '123': 100, '5': -250, '7': 0.5 } }, 261)).toEqual(
      new Map([
        [123, 100],
        [5, -100],
        [7, 0.5],
      ]),
    );
    expect(readLogitBias({ logit_bias: {} }, 261)).toBeUndefined();
    expect(readLogitBias({}, 261)).toBeUndefined();
  });

  it("refuses ids outside the vocabulary with vLLM's message, and malformed keys or values", () => {
    expect(refusal(() => readLogitBias({ logit_bias: { '261': 1, '99999': 2 } }, 261))).toEqual({
      message: 'token_id(s) [261, 99999] in logit_bias contain out-of-vocab token ids. Vocabulary size: 261',
      param: 'logit_bias',
    });
    expect(refusal(() => readLogitBias({ logit_bias: { '-1': 1 } }, 261)).param).toBe('logit_bias');
    expect(refusal(() => readLogitBias({ logit_bias: { abc: 1 } }, 261)).param).toBe('logit_bias');
    expect(refusal(() => readLogitBias({ logit_bias: { '1': 'high' } }, 261)).param).toBe('logit_bias');
    expect(refusal(() => readLogitBias({ logit_bias: [1] }, 261)).param).toBe('logit_bias');
  });
});
