import { PlatformError } from '@platform/common';
import { describe, expect, it } from 'vitest';
import { parseAgentDefinition } from './agent-definition';

const base = {
  uuid: 'a1',
  instructions: 'Be brief.',
  model: 'llama3_8b_chat',
  available_tools: [],
  executable_tools: [],
  memory_bank_uuids: [],
  input_shields: [],
  output_shields: [],
};
const parse = (o: Record<string, unknown> = {}) => parseAgentDefinition(JSON.stringify({ ...base, ...o }), 'catalog/model');
const tool = (tool_name: string, extra: Record<string, unknown> = {}) => ({ tool_name, input_shields: [], output_shields: [], ...extra });

function refusal(f: () => unknown): { field?: string; message: string } {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(PlatformError);
    const e = err as PlatformError;
    return { field: e.target?.name, message: e.message };
  }
  throw new Error('accepted');
}

describe('parseAgentDefinition', () => {
  it('keeps the definition a turn runs, with the resolved catalog model', () => {
    const def = parse({
      available_tools: [
        tool('math', { parameters: { tool_choice: 'required' } }),
        tool('get_weather', {
          parameters: {
            description: 'Weather of a city.',
            city: { param_type: 'str', description: 'City' },
            days: { param_type: 'int', required: false },
          },
        }),
      ],
      executable_tools: ['math'],
      input_shields: [{ shield_type: 'llama_guard', params: { categories: ['pii'], pii_threshold: 0.6 } }],
    });
    expect(def).toMatchObject({ uuid: 'a1', model: 'llama3_8b_chat', modelId: 'catalog/model', instructions: 'Be brief.' });
    expect(def.tools[0]).toEqual({ name: 'math', builtin: true, required: true, inputShields: [], outputShields: [] });
    expect(def.tools[1]).toEqual({
      name: 'get_weather',
      builtin: false,
      description: 'Weather of a city.',
      schema: {
        type: 'object',
        properties: { city: { type: 'string', description: 'City' }, days: { type: 'integer' } },
        required: ['city'],
      },
      required: false,
      inputShields: [],
      outputShields: [],
    });
    expect(def.inputShields).toEqual([{ shieldType: 'llama_guard', pii: { threshold: 0.6 } }]);
  });

  it('lets a built-in narrow its argument with a JSON Schema that still asks for it', () => {
    const schema = { type: 'object', properties: { expression: { type: 'string', enum: ['1 + 1'] } }, required: ['expression'] };
    expect(parse({ available_tools: [tool('math', { parameters: schema })] }).tools[0].schema).toEqual(schema);
    expect(
      refusal(() => parse({ available_tools: [tool('math', { parameters: { type: 'object', properties: { x: {} }, required: ['x'] } })] })),
    ).toMatchObject({
      field: 'available_tools[0].parameters',
    });
  });

  it.each([
    [{ uuid: '' }, 'uuid'],
    [{ available_tools: [tool('get_weather')] }, 'available_tools[0].parameters'],
    [{ available_tools: [tool('bad name!', { parameters: {} })] }, 'available_tools[0].tool_name'],
    [{ available_tools: [tool('math'), tool('math')] }, 'available_tools[1].tool_name'],
    [{ available_tools: [tool('math', { parameters: { tool_choice: 'always' } })] }, 'available_tools[0].parameters.tool_choice'],
    [{ available_tools: [tool('x', { parameters: { a: { param_type: 'complex' } } })] }, 'available_tools[0].parameters.a.param_type'],
    [{ executable_tools: ['math'] }, 'executable_tools[0]'],
    [{ available_tools: [tool('f', { parameters: {} })], executable_tools: ['f'] }, 'executable_tools[0]'],
    [{ available_tools: [tool('memory')] }, 'memory_bank_uuids'],
    [{ memory_bank_uuids: ['b', 'b'] }, 'memory_bank_uuids'],
    [{ input_shields: [{ shield_type: 'prompt_guard', params: {} }] }, 'input_shields[0].shield_type'],
    [{ output_shields: [{ shield_type: 'llama_guard', params: { categories: ['violence'] } }] }, 'output_shields[0].params.categories'],
    [{ output_shields: [{ shield_type: 'llama_guard', params: { hap_threshold: 2 } }] }, 'output_shields[0].params.hap_threshold'],
    [
      { available_tools: [tool('math', { input_shields: [{ shield_type: 'code_guard', params: {} }] })] },
      'available_tools[0].input_shields[0].shield_type',
    ],
  ])('refuses %j naming %s', (o, field) => {
    expect(refusal(() => parse(o)).field).toBe(field);
  });

  it('refuses more than one forced tool and JSON that is not an object', () => {
    const forced = { parameters: { tool_choice: 'required' } };
    expect(refusal(() => parse({ available_tools: [tool('math', forced), tool('code_interpreter', forced)] })).field).toBe(
      'available_tools',
    );
    expect(refusal(() => parseAgentDefinition('[]', 'm')).field).toBe('agent_json');
    expect(refusal(() => parseAgentDefinition('{', 'm')).field).toBe('agent_json');
  });
});
