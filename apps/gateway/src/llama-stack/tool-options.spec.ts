import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { PlatformError } from '@platform/common';
import { describe, expect, it } from 'vitest';
import { ChatCompletionRequestDto, type ToolDefinitionDto } from './llama-stack.dto';
import { toolSchema } from '@platform/common';
import { toolParameters } from './tool-options';

const weather: ToolDefinitionDto = {
  tool_name: 'get_weather',
  description: 'Current weather in a city',
  parameters: {
    city: { param_type: 'str', description: 'The city' },
    unit: { param_type: 'string', required: false, default: 'celsius' },
    days: { param_type: 'int', required: true },
  },
  input_shields: [],
  output_shields: [],
};
const clock: ToolDefinitionDto = { tool_name: 'get_time', input_shields: [], output_shields: [] };

function refusal(fn: () => unknown): { message: string; target?: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PlatformError);
    return { message: (err as PlatformError).message, target: (err as PlatformError).target?.name };
  }
  throw new Error('expected a refusal');
}

describe('Llama Stack tool definitions', () => {
  it('become OpenAI function tools with a JSON schema: Llama types mapped, required unless said otherwise, defaults kept', () => {
    const p = toolParameters({ available_tools: [weather, clock] });
    expect(JSON.parse(p.toolsJson)).toEqual([
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Current weather in a city',
          parameters: {
            type: 'object',
            properties: {
              city: { type: 'string', description: 'The city' },
              unit: { type: 'string', default: 'celsius' },
              days: { type: 'integer' },
            },
            required: ['city', 'days'],
          },
        },
      },
      { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
    ]);
    expect(p).toMatchObject({ toolChoiceOption: '', toolChoiceJson: '', guidedJson: undefined });
    expect(toolParameters({ available_tools: [] }).toolsJson).toBe('');
  });

  it('refuses parameter definitions it cannot turn into a schema, naming the parameter', () => {
    expect(refusal(() => toolSchema({ when: { param_type: 'datetime' } }, 'available_tools[0].parameters'))).toEqual({
      message: expect.stringContaining('param_type must be one of'),
      target: 'available_tools[0].parameters.when.param_type',
    });
    expect(refusal(() => toolSchema({ when: 'a date' })).target).toBe('parameters.when');
  });
});

describe('Llama Stack tool_choice, tool_prompt_format and response_format', () => {
  const tools = [weather, clock];

  it('tool_choice: auto, required and none as options, a tool name as a forced call', () => {
    for (const word of ['auto', 'required', 'none'])
      expect(toolParameters({ available_tools: tools, tool_choice: word })).toMatchObject({ toolChoiceOption: word, toolChoiceJson: '' });
    expect(JSON.parse(toolParameters({ available_tools: tools, tool_choice: 'get_time' }).toolChoiceJson)).toEqual({
      type: 'function',
      function: { name: 'get_time' },
    });
    expect(refusal(() => toolParameters({ available_tools: tools, tool_choice: 'get_stock' })).target).toBe('tool_choice');
    // Without tools auto and none change nothing; anything that asks for a call cannot be met.
    expect(toolParameters({ tool_choice: 'auto' })).toMatchObject({ toolChoiceOption: '', toolsJson: '' });
    expect(refusal(() => toolParameters({ available_tools: [], tool_choice: 'required' })).target).toBe('tool_choice');
  });

  it('tool_prompt_format: json is what the model servers write; the other formats are refused', () => {
    expect(toolParameters({ available_tools: tools, tool_prompt_format: 'json' }).toolsJson).not.toBe('');
    for (const format of ['function_tag', 'python_list'])
      expect(refusal(() => toolParameters({ available_tools: tools, tool_prompt_format: format }))).toEqual({
        message: expect.stringContaining(format),
        target: 'tool_prompt_format',
      });
  });

  it('response_format: a JSON schema becomes guided_json; a bnf grammar is refused', () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
    expect(JSON.parse(toolParameters({ response_format: { type: 'json_schema', json_schema: schema } }).guidedJson ?? '')).toEqual(schema);
    expect(refusal(() => toolParameters({ response_format: { type: 'grammar', bnf: { root: 'x' } } })).target).toBe('response_format.type');
  });

  it('are validated as later Llama Stack versions define them', async () => {
    const pipe = new ValidationPipe({ whitelist: true, transform: true });
    const body = (extra: object) => ({ model: 'm', dialog: { message: { role: 'user', content: 'hi' } }, ...extra });
    const refused = (extra: object) =>
      pipe.transform(body(extra), { type: 'body', metatype: ChatCompletionRequestDto }).then(
        () => 'accepted',
        (err: { getResponse(): unknown }) => JSON.stringify(err.getResponse()),
      );
    expect(await refused({ tool_choice: 'auto', tool_prompt_format: 'json' })).toBe('accepted');
    expect(await refused({ response_format: { type: 'json_schema', json_schema: { type: 'object' } } })).toBe('accepted');
    expect(await refused({ tool_prompt_format: 'xml' })).toContain('tool_prompt_format');
    expect(await refused({ response_format: { type: 'json_schema' } })).toContain('json_schema');
    expect(await refused({ response_format: { type: 'regex', json_schema: {} } })).toContain('type');
    expect(await refused({ tool_choice: 'x'.repeat(65) })).toContain('tool_choice');
  });
});
