import { describe, expect, it } from 'vitest';
import { InvalidRequest } from '../../errors';
import { readTools } from './definitions';
import { SYNTAX, describeTools, toolConstraint, writeCalls } from './format';

const weather = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

const refusal = (body: Record<string, unknown>): { message: string; param: string | null } => {
  try {
    readTools(body);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidRequest);
    return { message: (err as InvalidRequest).message, param: (err as InvalidRequest).param };
  }
  throw new Error('expected a refusal');
};

describe('readTools', () => {
  it('defaults tool_choice to auto with tools, as vLLM does, and reads none, required and a named function', () => {
    expect(readTools({})).toBeUndefined();
    expect(readTools({ tool_choice: 'none' })).toBeUndefined();
    const auto = readTools({ tools: [weather] })!;
    expect(auto.choice).toEqual({ kind: 'auto' });
    expect(auto.parallel).toBe(true);
    expect(auto.tools[0]).toMatchObject({ name: 'get_weather', description: 'Weather in a city', template: weather });
    expect(readTools({ tools: [weather], tool_choice: 'none' })!.choice).toEqual({ kind: 'none' });
    expect(readTools({ tools: [weather], tool_choice: 'required', parallel_tool_calls: false })).toMatchObject({
      choice: { kind: 'required' },
      parallel: false,
    });
    expect(readTools({ tools: [weather], tool_choice: { type: 'function', function: { name: 'get_weather' } } })!.choice).toEqual({
      kind: 'named',
      name: 'get_weather',
    });
  });

  it('gives a function without parameters an empty object schema', () => {
    const t = readTools({ tools: [{ type: 'function', function: { name: 'now' } }] })!.tools[0];
    expect(t.parameters).toEqual({ type: 'object', properties: {} });
  });

  it('refuses what vLLM refuses, with its messages, naming the field', () => {
    expect(refusal({ tool_choice: 'auto' })).toEqual({ message: 'When using `tool_choice`, `tools` must be set.', param: 'tool_choice' });
    expect(refusal({ tools: [] }).param).toBe('tools');
    expect(refusal({ tools: [weather], tool_choice: { type: 'function', function: { name: 'nope' } } })).toEqual({
      message: 'The tool specified in `tool_choice` does not match any of the specified `tools`',
      param: 'tool_choice',
    });
    expect(refusal({ tools: [weather], tool_choice: 'sometimes' }).message).toBe(
      'Invalid value for `tool_choice`: sometimes! Only named tools, "none", "auto" or "required" are supported.',
    );
    expect(refusal({ tools: [weather], tool_choice: { type: 'function' } }).param).toBe('tool_choice');
    expect(refusal({ tools: [weather], tool_choice: { type: 'function', function: {} } }).message).toMatch(/^Expected field `name`/);
  });

  it('refuses malformed tools: a bad name, a type other than function, parameters that are not an object', () => {
    for (const name of ['has space', '', 'x'.repeat(65), 'dots.not.allowed', 7])
      expect(refusal({ tools: [{ type: 'function', function: { name } }] }).param).toBe('tools');
    expect(refusal({ tools: [{ type: 'retrieval', function: { name: 'f' } }] }).param).toBe('tools');
    expect(refusal({ tools: [{ type: 'function', function: { name: 'f', parameters: [1] } }] }).param).toBe('tools');
    expect(refusal({ tools: [{ type: 'function' }] }).message).toMatch(/tools\[0\]\.function/);
    expect(refusal({ tools: 'all' }).param).toBe('tools');
    expect(refusal({ tools: [weather], parallel_tool_calls: 'yes' }).param).toBe('parallel_tool_calls');
  });
});

describe('tool-call formats', () => {
  it('writes calls as the hermes and json parsers read them', () => {
    const calls = [
      { name: 'a', arguments: { x: 1 } },
      { name: 'b', arguments: {} },
    ];
    expect(writeCalls('hermes', calls)).toBe(
      '<tool_call>\n{"name": "a", "arguments": {"x":1}}\n</tool_call>\n<tool_call>\n{"name": "b", "arguments": {}}\n</tool_call>',
    );
    expect(writeCalls('json', calls)).toBe('{"name": "a", "parameters": {"x":1}}; {"name": "b", "parameters": {}}');
    expect(SYNTAX.json.begin('f') + '{}' + SYNTAX.json.end).toBe('{"name": "f", "parameters": {}}');
  });

  it('describes the tools and the format for templates without a tool syntax', () => {
    const text = describeTools('json', readTools({ tools: [weather] })!.tools);
    expect(text).toContain(JSON.stringify(weather));
    expect(text).toContain('{"name": <function-name>, "parameters": <args-json-object>}');
  });

  it('constrains named and required from the first token, auto only once a call begins, none not at all', () => {
    const spec = (body: Record<string, unknown>, format: 'hermes' | 'json' = 'json') => {
      const s = toolConstraint(format, readTools({ tools: [weather, { type: 'function', function: { name: 'now' } }], ...body })!);
      return s && (JSON.parse((s as { tag: string }).tag) as { format: Record<string, unknown> }).format;
    };
    expect(spec({ tool_choice: 'none' })).toBeUndefined();
    expect(spec({ tool_choice: { type: 'function', function: { name: 'now' } } })).toEqual({
      type: 'tag',
      begin: '{"name": "now", "parameters": ',
      content: { type: 'json_schema', json_schema: { type: 'object', properties: {} } },
      end: '}',
    });
    expect(spec({ tool_choice: 'required', parallel_tool_calls: false })).toMatchObject({
      type: 'tags_with_separator',
      separator: '; ',
      at_least_one: true,
      stop_after_first: true,
    });
    expect(spec({ tool_choice: 'auto' }, 'hermes')).toMatchObject({ type: 'triggered_tags', triggers: ['<tool_call>'] });
    expect(spec({ tool_choice: 'auto' })).toMatchObject({ type: 'or' });
  });
});
