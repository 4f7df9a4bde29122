import { describe, expect, it } from 'vitest';
import { PlatformError } from '@platform/common';
import { LOGIT_BIAS_MAX_ENTRIES, logitBias, responseFormat, toolChoice, toolNames } from './openai-controls';

/** The 400 a check throws: its message and the field it names. */
function refusal(check: () => unknown): { message: string; field?: string } {
  try {
    check();
  } catch (err) {
    expect(err).toBeInstanceOf(PlatformError);
    const e = err as PlatformError;
    return { message: e.message, field: e.target?.name };
  }
  throw new Error('expected a refusal');
}

const weather = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } };

describe('OpenAI generation controls', () => {
  it('reads the function names of tools, naming the first bad field by its OpenAI path', () => {
    expect(toolNames([weather, { type: 'function', function: { name: 'x-1_y', description: 'd', strict: true } }])).toEqual([
      'get_weather',
      'x-1_y',
    ]);
    expect(toolNames(undefined)).toEqual([]);
    expect(refusal(() => toolNames([weather, { type: 'retrieval' }]))).toEqual({
      message: 'tools[1].type must be "function".',
      field: 'tools[1].type',
    });
    expect(refusal(() => toolNames([{ type: 'function', function: { name: 'has space' } }])).field).toBe('tools[0].function.name');
    expect(refusal(() => toolNames([{ type: 'function' }])).field).toBe('tools[0].function');
    expect(refusal(() => toolNames([{ type: 'function', function: { name: 'f', parameters: [] } }])).field).toBe(
      'tools[0].function.parameters',
    );
    expect(refusal(() => toolNames(Array.from({ length: 129 }, () => weather))).field).toBe('tools');
  });

  it('takes tool_choice as an option or a function that tools define', () => {
    expect(toolChoice('auto', ['f'])).toEqual({ option: 'auto' });
    expect(toolChoice('none', [])).toEqual({ option: 'none' });
    expect(toolChoice({ type: 'function', function: { name: 'f', extra: 1 } }, ['f'])).toEqual({
      named: { type: 'function', function: { name: 'f' } },
    });
    expect(toolChoice(undefined, [])).toBeUndefined();
    expect(refusal(() => toolChoice('required', []))).toEqual({ message: 'tool_choice "required" needs tools.', field: 'tool_choice' });
    expect(refusal(() => toolChoice('any', ['f'])).field).toBe('tool_choice');
    expect(refusal(() => toolChoice({ type: 'function', function: { name: 'g' } }, ['f']))).toEqual({
      message: 'tool_choice names function "g", which is not in tools.',
      field: 'tool_choice.function.name',
    });
    expect(refusal(() => toolChoice({ function: { name: 'f' } }, ['f'])).field).toBe('tool_choice');
  });

  it('takes response_format text, json_object and json_schema, keeping only their fields', () => {
    expect(responseFormat({ type: 'json_object', extra: 1 })).toEqual({ type: 'json_object' });
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    expect(responseFormat({ type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } })).toEqual({
      type: 'json_schema',
      json_schema: { name: 'answer', schema, strict: true },
    });
    expect(refusal(() => responseFormat({ type: 'yaml' })).field).toBe('response_format.type');
    expect(refusal(() => responseFormat({ type: 'json_schema' })).field).toBe('response_format.json_schema');
    expect(refusal(() => responseFormat({ type: 'json_schema', json_schema: { schema } })).field).toBe('response_format.json_schema.name');
    expect(refusal(() => responseFormat({ type: 'json_schema', json_schema: { name: 'a', schema: 'x' } })).field).toBe(
      'response_format.json_schema.schema',
    );
  });

  it('takes logit_bias as token ids to biases in [-100, 100]', () => {
    expect(logitBias({ '123': 100, '0': -100, '7': 0.5 })).toEqual({ '123': 100, '0': -100, '7': 0.5 });
    expect(logitBias({})).toBeUndefined();
    for (const bad of [{ a: 1 }, { '-1': 1 }, { '1.5': 1 }, { '1': 101 }, { '1': '5' }, { '99999999999': 1 }])
      expect(refusal(() => logitBias(bad)).field).toBe('logit_bias');
    const many = Object.fromEntries(Array.from({ length: LOGIT_BIAS_MAX_ENTRIES + 1 }, (_, i) => [String(i), 1]));
    expect(refusal(() => logitBias(many)).message).toMatch(/at most 1024 entries/);
  });
});
