import Ajv from 'ajv';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, postJson, sseData, startTestServer } from './testing/harness';

/**
 * Structured output, logit_bias and tool calling against the real engine (tiny random models), through the official
 * `openai` client where it can say it. The random model writes noise, so every assertion is about what the
 * constraint guarantees (validity), not about what a trained model would choose.
 */

const ajv = new Ajv();

/**
 * JSON allows any whitespace between tokens (vLLM's xgrammar default), and the random model's favourite token at such
 * a point is often a space: without this ban on tab, newline, carriage return and space it pads until max_tokens.
 */
const NO_WHITESPACE = { '9': -100, '10': -100, '13': -100, '32': -100 };

/** Bounded values only: the random model would fill an unbounded string until max_tokens. */
const WEATHER_PARAMS = {
  type: 'object',
  properties: { city: { type: 'string', enum: ['Paris', 'London', 'Tokyo'] }, unit: { type: 'string', enum: ['c', 'f'] } },
  required: ['city', 'unit'],
  additionalProperties: false,
};
const TOOLS: ChatCompletionTool[] = [
  { type: 'function', function: { name: 'get_weather', description: 'Current weather in a city', parameters: WEATHER_PARAMS } },
  { type: 'function', function: { name: 'get_time', description: 'Current time', parameters: { type: 'object', properties: {} } } },
];
const QUESTION: ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is the weather in Paris?' }];

const validWeather = ajv.compile(WEATHER_PARAMS);

function expectValidCall(call: { type: string; id: string; function: { name: string; arguments: string } }): void {
  expect(call.id).toMatch(/^chatcmpl-tool-[0-9a-f]{32}$/);
  expect(call.type).toBe('function');
  const args: unknown = JSON.parse(call.function.arguments);
  if (call.function.name === 'get_weather') expect(validWeather(args)).toBe(true);
  else expect(call.function.name === 'get_time' && typeof args === 'object').toBe(true);
}

/** A streamed chat reassembled as the openai client's accumulator does: text, and calls by index. */
async function streamed(client: OpenAI, body: OpenAI.ChatCompletionCreateParamsStreaming) {
  const stream = await client.chat.completions.create(body);
  let content = '';
  const calls: { id: string; type: string; function: { name: string; arguments: string } }[] = [];
  let finish: string | null = null;
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    if (!choice) continue;
    content += choice.delta.content ?? '';
    for (const d of choice.delta.tool_calls ?? []) {
      if (d.id) {
        expect(d.type).toBe('function');
        expect(d.function?.name).toBeTruthy();
        calls[d.index] = { id: d.id, type: d.type!, function: { name: d.function!.name!, arguments: '' } };
      }
      calls[d.index].function.arguments += d.function?.arguments ?? '';
    }
    if (choice.finish_reason) finish = choice.finish_reason;
  }
  return { content, calls, finish };
}

describe('generation controls, on a template without a tool syntax (JSON call format)', () => {
  let t: TestServer;
  let client: OpenAI;

  beforeAll(async () => {
    t = await startTestServer();
    client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(() => t.stop());

  it('logit_bias forces a token and bans one, on completions and chat', async () => {
    const forced = await client.completions.create({
      model: 'tiny-llama',
      prompt: 'Hi',
      max_tokens: 5,
      temperature: 0,
      logit_bias: { '65': 100 },
    });
    expect(forced.choices[0].text).toBe('AAAAA');
    const free = await client.chat.completions.create({ model: 'tiny-llama', messages: QUESTION, max_tokens: 3, temperature: 0 });
    const first = free.choices[0].message.content!.charCodeAt(0);
    const banned = await client.chat.completions.create({
      model: 'tiny-llama',
      messages: QUESTION,
      max_tokens: 3,
      temperature: 0,
      logit_bias: { [String(first)]: -100 },
    });
    expect(banned.choices[0].message.content!.charCodeAt(0)).not.toBe(first);
  });

  it('answers json_object and json_schema with JSON that parses and validates', async () => {
    const schema = {
      type: 'object',
      properties: { answer: { type: 'string', enum: ['yes', 'no'] }, confidence: { type: 'integer', minimum: 0, maximum: 9 } },
      required: ['answer', 'confidence'],
      additionalProperties: false,
    };
    const res = await client.chat.completions.create({
      model: 'tiny-llama',
      messages: QUESTION,
      max_tokens: 60,
      temperature: 0,
      n: 2,
      seed: 3,
      response_format: { type: 'json_schema', json_schema: { name: 'verdict', schema, strict: true } },
      logit_bias: NO_WHITESPACE,
    });
    expect(res.choices).toHaveLength(2);
    for (const c of res.choices) {
      expect(c.finish_reason).toBe('stop');
      expect(ajv.validate(schema, JSON.parse(c.message.content!))).toBe(true);
    }
    // json_object: any object; `}` (125) is pushed so the random model closes it.
    const obj = await client.chat.completions.create({
      model: 'tiny-llama',
      messages: QUESTION,
      max_tokens: 40,
      temperature: 0,
      response_format: { type: 'json_object' },
      logit_bias: { ...NO_WHITESPACE, '125': 100 },
    });
    const parsed: unknown = JSON.parse(obj.choices[0].message.content!);
    expect(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)).toBe(true);
  });

  it('matches a regex, picks one of the choices, follows a grammar, in every form vLLM has accepted', async () => {
    const chat = (extra: object) =>
      postJson(`${t.url}/v1/chat/completions`, { messages: QUESTION, max_tokens: 30, temperature: 0, ...extra });
    for (const body of [{ structured_outputs: { regex: '[a-z]{3}-[0-9]{2}' } }, { guided_regex: '[a-z]{3}-[0-9]{2}' }]) {
      const res = await chat(body);
      expect(res.status).toBe(200);
      expect((res.body as { choices: { message: { content: string } }[] }).choices[0].message.content).toMatch(/^[a-z]{3}-[0-9]{2}$/);
    }
    for (const body of [{ structured_outputs: { choice: ['yes', 'no', 'maybe'] } }, { guided_choice: ['yes', 'no', 'maybe'] }]) {
      const res = await chat(body);
      expect(['yes', 'no', 'maybe']).toContain((res.body as { choices: { message: { content: string } }[] }).choices[0].message.content);
    }
    const grammar = 'root ::= "(" item ("," item)? ")"\nitem ::= "a" | "bb" | "ccc"';
    for (const body of [{ structured_outputs: { grammar } }, { guided_grammar: grammar }]) {
      const res = await chat(body);
      expect((res.body as { choices: { message: { content: string } }[] }).choices[0].message.content).toMatch(
        /^\((a|bb|ccc)(,(a|bb|ccc))?\)$/,
      );
    }
    const tag = {
      type: 'sequence',
      elements: [
        { type: 'const_string', value: 'A:' },
        { type: 'regex', pattern: '[0-9]{2}' },
      ],
    };
    for (const body of [
      { structured_outputs: { structural_tag: JSON.stringify({ type: 'structural_tag', format: tag }) } },
      { response_format: { type: 'structural_tag', format: tag } },
    ]) {
      const res = await chat(body);
      expect((res.body as { choices: { message: { content: string } }[] }).choices[0].message.content).toMatch(/^A:[0-9]{2}$/);
    }
    // Completions too, streamed: the chunks join into a match.
    const stream = await client.completions.create({
      model: 'tiny-llama',
      prompt: 'Code:',
      max_tokens: 30,
      temperature: 0,
      stream: true,
      ...({ structured_outputs: { regex: '[A-Z]{2}[0-9]{3}' } } as object),
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toMatch(/^[A-Z]{2}[0-9]{3}$/);
  });

  it('calls a named function, from the first token, with arguments valid against its schema', async () => {
    const res = await client.chat.completions.create({
      model: 'tiny-llama',
      messages: QUESTION,
      max_tokens: 80,
      temperature: 0,
      tools: TOOLS,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      logit_bias: NO_WHITESPACE,
    });
    const choice = res.choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toHaveLength(1);
    expect(choice.message.tool_calls![0].function.name).toBe('get_weather');
    expectValidCall(choice.message.tool_calls![0] as never);
  });

  it('calls at least one function with required, each choice on its own', async () => {
    const res = await client.chat.completions.create({
      model: 'tiny-llama',
      messages: QUESTION,
      max_tokens: 80,
      temperature: 1,
      seed: 11,
      n: 2,
      tools: TOOLS,
      tool_choice: 'required',
      parallel_tool_calls: false,
      logit_bias: NO_WHITESPACE,
    });
    expect(res.choices).toHaveLength(2);
    for (const c of res.choices) {
      expect(c.finish_reason).toBe('tool_calls');
      expect(c.message.tool_calls).toHaveLength(1);
      expectValidCall(c.message.tool_calls![0] as never);
    }
  });

  it('with auto, answers text unless the reply starts a call; a call is constrained and parsed', async () => {
    const text = await client.chat.completions.create({
      model: 'tiny-llama',
      messages: QUESTION,
      max_tokens: 8,
      temperature: 0,
      tools: TOOLS,
    });
    expect(text.choices[0].message.tool_calls ?? []).toEqual([]);
    expect(text.choices[0].message.content!.length).toBeGreaterThan(0);
    // `{` (token 123) pushed: the reply starts a call, which the constraint then completes.
    const call = await client.chat.completions.create({
      model: 'tiny-llama',
      messages: QUESTION,
      max_tokens: 80,
      temperature: 0,
      tools: TOOLS,
      tool_choice: 'auto',
      parallel_tool_calls: false,
      logit_bias: { ...NO_WHITESPACE, '123': 100 },
    });
    expect(call.choices[0].finish_reason).toBe('tool_calls');
    expect(call.choices[0].message.tool_calls).toHaveLength(1);
    expectValidCall(call.choices[0].message.tool_calls![0] as never);
    // none: the same push gives text, not calls.
    const none = await client.chat.completions.create({
      model: 'tiny-llama',
      messages: QUESTION,
      max_tokens: 5,
      temperature: 0,
      tools: TOOLS,
      tool_choice: 'none',
      logit_bias: { '123': 100 },
    });
    expect(none.choices[0].message.content).toBe('{{{{{');
    expect(none.choices[0].finish_reason).toBe('length');
  });

  it('streams calls in vLLM delta shape that reassemble to the non-streamed ones, with no call syntax in the text', async () => {
    const body = {
      model: 'tiny-llama',
      messages: QUESTION,
      max_tokens: 80,
      temperature: 0,
      tools: TOOLS,
      tool_choice: { type: 'function' as const, function: { name: 'get_weather' } },
      logit_bias: NO_WHITESPACE,
    };
    const whole = await client.chat.completions.create(body);
    const s = await streamed(client, { ...body, stream: true });
    expect(s.finish).toBe('tool_calls');
    expect(s.content).toBe('');
    expect(s.calls.map((c) => c.function)).toEqual(whole.choices[0].message.tool_calls!.map((c) => c.function));
    // Raw frames: the first call delta carries index, id, type and name.
    const res = await fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, stream: true }),
    });
    const frames = sseData(await res.text())
      .filter((d) => d !== '[DONE]')
      .map((d) => JSON.parse(d) as { choices: { delta: { tool_calls?: object[]; content?: string } }[] });
    const callDeltas = frames.flatMap((f) => f.choices[0]?.delta.tool_calls ?? []);
    expect(callDeltas[0]).toMatchObject({
      index: 0,
      id: expect.stringMatching(/^chatcmpl-tool-/),
      type: 'function',
      function: { name: 'get_weather' },
    });
    for (const f of frames) expect(f.choices[0]?.delta.content ?? '').not.toContain('{');
  });

  it('completes the follow-up turn that carries the call and the tool result', async () => {
    const first = await client.chat.completions.create({
      model: 'tiny-llama',
      messages: QUESTION,
      max_tokens: 80,
      temperature: 0,
      tools: TOOLS,
      tool_choice: 'required',
      logit_bias: NO_WHITESPACE,
    });
    const call = first.choices[0].message.tool_calls![0];
    const messages: ChatCompletionMessageParam[] = [
      ...QUESTION,
      { role: 'assistant', content: null, tool_calls: [call] },
      { role: 'tool', tool_call_id: call.id, content: '{"temperature": 21}' },
    ];
    const next = await client.chat.completions.create({ model: 'tiny-llama', messages, max_tokens: 6, temperature: 0, tools: TOOLS });
    expect(next.choices[0].message.content!.length).toBeGreaterThan(0);
    // The template has no tool syntax: the prompt carries the tools' description and the earlier call in JSON form.
    const tokenized = await postJson(`${t.url}/tokenize`, { messages, tools: TOOLS, return_token_strs: true });
    const prompt = (tokenized.body as { token_strs: string[] }).token_strs.join('');
    expect(prompt).toContain('"name": "get_weather"');
    expect(prompt).toContain('{"name": <function-name>, "parameters": <args-json-object>}');
    expect(prompt).toContain('{"temperature": 21}');
  });

  it('refuses bad input with 400 in the OpenAI error shape, naming the field', async () => {
    const bad = async (extra: object, param: string, message?: RegExp) => {
      const res = await postJson(`${t.url}/v1/chat/completions`, { messages: QUESTION, max_tokens: 3, ...extra });
      expect(res.status).toBe(400);
      const err = (res.body as { error: { type: string; param: string; code: number; message: string } }).error;
      expect(err).toMatchObject({ type: 'BadRequestError', param, code: 400 });
      if (message) expect(err.message).toMatch(message);
    };
    await bad({ logit_bias: { '999999': 5 } }, 'logit_bias', /out-of-vocab token ids\. Vocabulary size: 261$/);
    await bad({ structured_outputs: { regex: '([a-z' } }, 'structured_outputs');
    await bad({ guided_grammar: 'root ::= ' }, 'guided_grammar');
    await bad({ guided_json: { type: 'object', properties: { a: { type: 'nonsense' } } } }, 'guided_json');
    await bad({ guided_regex: 'a', guided_choice: ['a'] }, 'guided_choice', /one kind of guided decoding/);
    await bad({ tools: TOOLS, tool_choice: { type: 'function', function: { name: 'nope' } } }, 'tool_choice', /does not match any/);
    await bad({ tools: TOOLS, tool_choice: 'required', guided_regex: 'a' }, 'guided_regex', /not both/);
    await bad({ tools: [{ type: 'function', function: { name: 'bad name' } }] }, 'tools');
    await bad(
      { messages: [{ role: 'assistant', tool_calls: [{ id: 'x', type: 'function', function: { name: 'f', arguments: '{oops' } }] }] },
      'messages',
    );
    const completions = await postJson(`${t.url}/v1/completions`, { prompt: 'x', response_format: { type: 'json_schema' } });
    expect((completions.body as { error: { param: string } }).error.param).toBe('response_format');
  });
});

describe('tool calling on a template with its own tool syntax (hermes)', () => {
  let t: TestServer;
  let client: OpenAI;
  const TOOL_CALL_TOKEN = '261'; // `<tool_call>` in the tiny hermes model

  beforeAll(async () => {
    t = await startTestServer({ id: 'tiny-hermes', tiny: { chatTemplate: 'hermes-tools' } });
    client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(() => t.stop());

  it('renders the tools with the template, not a description of its own', async () => {
    const tokenized = await postJson(`${t.url}/tokenize`, { messages: QUESTION, tools: TOOLS, return_token_strs: true });
    const prompt = (tokenized.body as { token_strs: string[] }).token_strs.join('');
    expect(prompt).toContain('<tools>');
    expect(prompt).not.toContain('<function-name>, "parameters"');
  });

  for (const tool_choice of [{ type: 'function' as const, function: { name: 'get_weather' } }, 'required' as const]) {
    it(`calls with tool_choice ${JSON.stringify(tool_choice)} in <tool_call> blocks, streamed and not`, async () => {
      const body = {
        model: 'tiny-hermes',
        messages: QUESTION,
        max_tokens: 80,
        temperature: 0,
        tools: TOOLS,
        tool_choice,
        parallel_tool_calls: false,
        logit_bias: NO_WHITESPACE,
      };
      const res = await client.chat.completions.create(body);
      expect(res.choices[0].finish_reason).toBe('tool_calls');
      expect(res.choices[0].message.tool_calls).toHaveLength(1);
      expectValidCall(res.choices[0].message.tool_calls![0] as never);
      const s = await streamed(client, { ...body, stream: true });
      expect(s.finish).toBe('tool_calls');
      expect(s.content).not.toContain('<tool_call>');
      expect(s.calls.map((c) => c.function)).toEqual(res.choices[0].message.tool_calls!.map((c) => c.function));
    });
  }

  it('with auto, a reply that opens <tool_call> is a constrained call; the follow-up turn completes', async () => {
    const res = await client.chat.completions.create({
      model: 'tiny-hermes',
      messages: QUESTION,
      max_tokens: 80,
      temperature: 0,
      tools: TOOLS,
      parallel_tool_calls: false,
      logit_bias: { ...NO_WHITESPACE, [TOOL_CALL_TOKEN]: 100 },
    });
    expect(res.choices[0].finish_reason).toBe('tool_calls');
    const call = res.choices[0].message.tool_calls![0];
    expectValidCall(call as never);
    const messages: ChatCompletionMessageParam[] = [
      ...QUESTION,
      { role: 'assistant', content: null, tool_calls: [call] },
      { role: 'tool', tool_call_id: call.id, content: 'sunny' },
    ];
    const next = await client.chat.completions.create({ model: 'tiny-hermes', messages, max_tokens: 5, temperature: 0, tools: TOOLS });
    expect(next.choices[0].message.content!.length).toBeGreaterThan(0);
    const tokenized = await postJson(`${t.url}/tokenize`, { messages, tools: TOOLS, return_token_strs: true });
    const prompt = (tokenized.body as { token_strs: string[] }).token_strs.join('');
    expect(prompt).toContain(`<tool_call>\n{"name": "${call.function.name}", "arguments": `);
    expect(prompt).toContain('<tool_response>\nsunny\n</tool_response>');
  });
});

describe('TGI grammar', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  it('constrains /generate and /generate_stream to a regex or a JSON Schema', async () => {
    const regex = await postJson(`${t.url}/generate`, {
      inputs: 'Code:',
      parameters: { max_new_tokens: 20, grammar: { type: 'regex', value: '[A-Z]{2}-[0-9]{2}' } },
    });
    expect((regex.body as { generated_text: string }).generated_text).toMatch(/^[A-Z]{2}-[0-9]{2}$/);
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false };
    const res = await fetch(`${t.url}/generate_stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // TGI has no logit_bias: a frequency penalty wears the random model's run of spaces down instead.
      body: JSON.stringify({
        inputs: 'x',
        parameters: { max_new_tokens: 100, frequency_penalty: 2, grammar: { type: 'json', value: schema } },
      }),
    });
    const events = sseData(await res.text()).map((d) => JSON.parse(d) as { generated_text: string | null });
    expect(ajv.validate(schema, JSON.parse(events[events.length - 1].generated_text!))).toBe(true);
  });

  it('answers 422 for a grammar it cannot use, with TGI error shape', async () => {
    for (const grammar of [
      { type: 'regex', value: '([a' },
      { type: 'json', value: '{nope' },
      { type: 'xml', value: 'x' },
      { type: 'json', value: 3 },
    ]) {
      const res = await postJson(`${t.url}/generate`, { inputs: 'x', parameters: { grammar } });
      expect(res.status).toBe(422);
      expect(res.body).toEqual({
        error: expect.stringMatching(/^Input validation error: grammar is not (valid|supported)/),
        error_type: 'validation',
      });
    }
  });
});
