import { PlatformError } from '@platform/common';
import { inferenceV1 } from '@platform/contracts';
import { describe, expect, it } from 'vitest';
import { tgiChatBody, toolCallFinishes } from './tgi-chat';
import type { ChatDelta } from './types';

const S = inferenceV1.StopReason;
const base = { messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 };
const TOOLS = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];

function refusedField(body: Record<string, unknown>): string | undefined {
  try {
    tgiChatBody({ ...base, ...body });
  } catch (err) {
    expect(err).toBeInstanceOf(PlatformError);
    expect((err as Error).message).not.toMatch(/--/);
    return (err as PlatformError).target?.name;
  }
  throw new Error('expected a refusal');
}

describe("TGI's Messages API body", () => {
  it('turns guided json, regex and choice into its response_format grammar', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    expect(tgiChatBody({ ...base, structured_outputs: { json: schema } })).toEqual({
      ...base,
      response_format: { type: 'json', value: schema },
    });
    expect(tgiChatBody({ ...base, structured_outputs: { regex: '\\d+' } }).response_format).toEqual({ type: 'regex', value: '\\d+' });
    const choice = tgiChatBody({ ...base, structured_outputs: { choice: ['a.b', 'yes|no', '(x)'] } }).response_format as { value: string };
    expect(choice.value).toBe('a\\.b|yes\\|no|\\(x\\)');
    const re = new RegExp(`^(?:${choice.value})$`);
    expect(['a.b', 'yes|no', '(x)'].every((c) => re.test(c))).toBe(true);
    expect(re.test('axb')).toBe(false);
  });

  it("turns OpenAI's response_format into its grammar and drops plain text", () => {
    expect(tgiChatBody({ ...base, response_format: { type: 'json_object' } }).response_format).toEqual({
      type: 'json',
      value: { type: 'object' },
    });
    const schema = { type: 'object', required: ['a'] };
    expect(tgiChatBody({ ...base, response_format: { type: 'json_schema', json_schema: { name: 'x', schema } } }).response_format).toEqual({
      type: 'json',
      value: schema,
    });
    expect(tgiChatBody({ ...base, response_format: { type: 'text' } })).toEqual(base);
    expect(refusedField({ response_format: { type: 'json_schema', json_schema: {} } })).toBe('response_format');
    expect(refusedField({ response_format: { type: 'structural_tag' } })).toBe('response_format');
  });

  it('refuses what TGI would drop or reject, naming the option', () => {
    expect(refusedField({ structured_outputs: { grammar: 'root ::= "a"' } })).toBe('guided_grammar');
    expect(refusedField({ logit_bias: { '123': 100 } })).toBe('logit_bias');
    expect(refusedField({ n: 2 })).toBe('n');
    expect(refusedField({ repetition_penalty: 1.2 })).toBe('repetition_penalty');
    // Values that ask for nothing pass.
    expect(tgiChatBody({ ...base, n: 1, repetition_penalty: 1 })).toEqual(base);
  });

  it('passes tools and tool_choice, but refuses a grammar next to tools unless tool_choice is none', () => {
    const tool_choice = { type: 'function', function: { name: 'get_weather' } };
    expect(tgiChatBody({ ...base, tools: TOOLS, tool_choice })).toEqual({ ...base, tools: TOOLS, tool_choice });
    expect(refusedField({ tools: TOOLS, tool_choice: 'auto', structured_outputs: { regex: 'a' } })).toBe('guided_regex');
    expect(refusedField({ tools: TOOLS, response_format: { type: 'json_object' } })).toBe('response_format');
    expect(tgiChatBody({ ...base, tools: TOOLS, tool_choice: 'none', structured_outputs: { regex: 'a' } })).toEqual({
      ...base,
      response_format: { type: 'regex', value: 'a' },
    });
  });
});

async function collect(deltas: ChatDelta[]): Promise<ChatDelta[]> {
  async function* from(): AsyncGenerator<ChatDelta> {
    yield* deltas;
  }
  const out: ChatDelta[] = [];
  for await (const d of toolCallFinishes(from())) out.push(d);
  return out;
}

describe("TGI's tool-call finishes", () => {
  const call = (args: string, finish?: inferenceV1.StopReason): ChatDelta => ({
    index: 0,
    toolCalls: [{ index: 0, id: '0', type: 'function', function: { arguments: args } }],
    finish,
  });

  it('ends a choice that streamed a call with TOOL_CALLS', async () => {
    const out = await collect([call('{"a"'), call(': 1}', S.STOP_REASON_EOS_TOKEN), { usage: { prompt: 3, completion: 2 } }]);
    expect(out.map((d) => d.finish)).toEqual([undefined, S.STOP_REASON_TOOL_CALLS, undefined]);
    expect(out.at(-1)?.usage).toEqual({ prompt: 3, completion: 2 });
  });

  it('adds the finish TGI leaves out after a complete call, before the usage', async () => {
    const out = await collect([call('{"a": 1}'), { usage: { prompt: 3, completion: 2 } }]);
    expect(out).toEqual([call('{"a": 1}'), { index: 0, finish: S.STOP_REASON_TOOL_CALLS }, { usage: { prompt: 3, completion: 2 } }]);
  });

  it('leaves text answers and their finishes alone', async () => {
    const text: ChatDelta[] = [
      { index: 0, content: 'hi' },
      { index: 0, content: '', finish: S.STOP_REASON_MAX_TOKENS },
    ];
    expect(await collect(text)).toEqual(text);
    expect(await collect([{ index: 0, content: 'cut' }])).toEqual([{ index: 0, content: 'cut' }]);
  });
});
