import { WatsonXAI } from '@ibm-cloud/watsonx-ai';
import Ajv from 'ajv';
import { BearerTokenAuthenticator } from 'ibm-cloud-sdk-core';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/test-platform';
import { E2E_TINY_MODEL } from './support/tiny-model-size';

/**
 * Issue 12's generation controls on the OpenAI routes, through the official `openai` client: n choices, completions
 * logprobs and echo, logit_bias, tool calling (named, required, auto; streamed and not; the follow-up turn),
 * response_format, embeddings dimensions; and through the watsonx SDK: return_options.input_tokens and the catalog's
 * number_params. The model is random, so every constraint keeps its language finite (enums): a valid answer ends
 * by construction instead of running into max_tokens.
 */
const MODEL = 'platform/tiny-llama';
const VERSION = '2024-05-31';
// The model's vocabulary is bytes (token id = byte value): 120 is `x`; 123 is `{`, which opens a call in the JSON
// tool-call format, so a +100 bias makes `auto` call the tool.
const X = '120';
const OPEN_BRACE = '123';
// JSON admits any whitespace between its tokens (vLLM's default, kept by the engine server) and the random model,
// once it writes a space, repeats it: banning tab, newline, carriage return and space lets its JSON end.
const NO_WHITESPACE = { '9': -100, '10': -100, '13': -100, '32': -100 };

const WEATHER_PARAMETERS = {
  type: 'object',
  properties: {
    location: { type: 'string', enum: ['Boston, MA', 'San Francisco, CA'] },
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
  },
  required: ['location', 'unit'],
  additionalProperties: false,
};
const WEATHER: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_current_weather', description: 'Get the current weather in a given location', parameters: WEATHER_PARAMETERS },
};
const QUESTION: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is the weather like in Boston today?' }];

const ajv = new Ajv({ allErrors: true });
const validWeatherArguments = ajv.compile(WEATHER_PARAMETERS);

let platform: TestPlatform;
let openai: OpenAI;
let wx: WatsonXAI;
let projectId: string;

beforeAll(async () => {
  // A matryoshka model (config.json says so), so embeddings may be shortened.
  platform = await startTestPlatform({ engineModel: MODEL, engineModelConfig: { is_matryoshka: true } });
  const token = await platform.api.newUser('oscar');
  projectId = await platform.api.newProject(token, 'openai-controls');
  openai = new OpenAI({ apiKey: token, baseURL: `${platform.url}/openai/v1`, project: projectId, maxRetries: 0 });
  wx = WatsonXAI.newInstance({
    version: VERSION,
    serviceUrl: platform.url,
    authenticator: new BearerTokenAuthenticator({ bearerToken: token }),
  });
});
afterAll(async () => platform?.stop());

/** The same request straight to the engine server (vLLM's API), to compare values with what the platform passes on. */
async function engineCompletion(body: Record<string, unknown>): Promise<OpenAI.Completion> {
  const res = await fetch(`http://127.0.0.1:${platform.options.engine?.port}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, ...body }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as OpenAI.Completion;
}

async function refusal(call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  return err as InstanceType<typeof OpenAI.APIError>;
}

describe('completions', () => {
  it('n: 2 answers two choices in index order, the prompt counted once; with a seed, choice i samples with seed + i', async () => {
    const res = await openai.completions.create({ model: MODEL, prompt: 'Hello', max_tokens: 5, n: 2, seed: 41, temperature: 1 });
    expect(res.choices.map((c) => c.index)).toEqual([0, 1]);
    // "Hello" is 5 bytes plus BOS.
    expect(res.usage).toEqual({ prompt_tokens: 6, completion_tokens: 10, total_tokens: 16 });
    const alone = await Promise.all(
      [41, 42].map((seed) => openai.completions.create({ model: MODEL, prompt: 'Hello', max_tokens: 5, seed, temperature: 1 })),
    );
    expect(res.choices.map((c) => c.text)).toEqual(alone.map((r) => r.choices[0].text));
    const stream = await openai.completions.create({ model: MODEL, prompt: 'Hello', max_tokens: 5, n: 2, seed: 41, stream: true });
    const texts = ['', ''];
    for await (const chunk of stream) for (const c of chunk.choices) texts[c.index] += c.text;
    expect(texts).toEqual(res.choices.map((c) => c.text));
  });

  it('logprobs with echo: the prompt, then the generated tokens, with the values the model server gives', async () => {
    const body = { prompt: 'Hello', max_tokens: 4, temperature: 0, logprobs: 2, echo: true } as const;
    const res = await openai.completions.create({ model: MODEL, ...body });
    const choice = res.choices[0];
    const lp = choice.logprobs as OpenAI.CompletionChoice.Logprobs;
    expect(choice.text.startsWith('Hello')).toBe(true);
    expect(lp.tokens?.slice(0, 6)).toEqual(['<s>', 'H', 'e', 'l', 'l', 'o']);
    expect(lp.tokens).toHaveLength(10);
    expect(lp.token_logprobs?.[0]).toBeNull();
    expect(lp.top_logprobs?.[0]).toBeNull();
    // BOS is not in the text: it sits at 0 and takes no room; the generated text starts after the prompt.
    expect(lp.text_offset?.slice(0, 7)).toEqual([0, 0, 1, 2, 3, 4, 5]);
    for (let i = 1; i < 10; i++) {
      const top = lp.top_logprobs?.[i] as Record<string, number>;
      // The token itself, then up to two likeliest alternatives.
      expect(Object.keys(top).length).toBeGreaterThanOrEqual(1);
      expect(Object.keys(top).length).toBeLessThanOrEqual(3);
      expect(top[lp.tokens?.[i] as string]).toBeCloseTo(lp.token_logprobs?.[i] as number, 6);
    }
    // Greedy: each generated token is the likeliest of its alternatives.
    for (let i = 6; i < 10; i++) {
      const top = lp.top_logprobs?.[i] as Record<string, number>;
      expect(lp.token_logprobs?.[i]).toBeCloseTo(Math.max(...Object.values(top)), 6);
    }
    // The same numbers as the engine server's own echo.
    const direct = (await engineCompletion(body)).choices[0].logprobs as OpenAI.CompletionChoice.Logprobs;
    expect(lp.tokens).toEqual(direct.tokens);
    expect(lp.text_offset).toEqual(direct.text_offset);
    lp.token_logprobs?.forEach((v, i) =>
      v === null ? expect(direct.token_logprobs?.[i]).toBeNull() : expect(v).toBeCloseTo(direct.token_logprobs?.[i] as number, 5),
    );

    const stream = await openai.completions.create({ model: MODEL, ...body, stream: true });
    const streamed: OpenAI.CompletionChoice.Logprobs = { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] };
    let text = '';
    for await (const chunk of stream) {
      const c = chunk.choices[0];
      if (!c) continue;
      text += c.text;
      const part = c.logprobs as OpenAI.CompletionChoice.Logprobs;
      streamed.tokens?.push(...(part.tokens ?? []));
      streamed.token_logprobs?.push(...(part.token_logprobs ?? []));
      streamed.top_logprobs?.push(...(part.top_logprobs ?? []));
      streamed.text_offset?.push(...(part.text_offset ?? []));
    }
    expect(text).toBe(choice.text);
    expect(streamed).toEqual(lp);
  });

  it('logprobs without echo cover the generated tokens only; echo alone prefixes the prompt', async () => {
    const res = await openai.completions.create({ model: MODEL, prompt: 'Hi', max_tokens: 3, temperature: 0, logprobs: 0 });
    const lp = res.choices[0].logprobs as OpenAI.CompletionChoice.Logprobs;
    expect(lp.tokens).toHaveLength(3);
    expect(lp.text_offset?.[0]).toBe(0);
    expect(lp.top_logprobs?.every((t) => t !== null && Object.keys(t).length === 1)).toBe(true);
    const echoed = await openai.completions.create({ model: MODEL, prompt: 'Hi', max_tokens: 3, temperature: 0, echo: true });
    expect(echoed.choices[0]).toMatchObject({ text: `Hi${res.choices[0].text}`, logprobs: null });
  });

  it('logit_bias: +100 on a token forces it', async () => {
    // After a byte the random model repeats that byte by a logit margin beyond any bias; after a chat marker it does not.
    const prompt = 'Pick a letter.<|assistant|>';
    const plain = await openai.completions.create({ model: MODEL, prompt, max_tokens: 6, temperature: 0 });
    const biased = await openai.completions.create({ model: MODEL, prompt, max_tokens: 6, temperature: 0, logit_bias: { [X]: 100 } });
    expect(plain.choices[0].text).not.toBe('xxxxxx');
    expect(biased.choices[0].text).toBe('xxxxxx');
  });

  it('takes frequency and presence penalties (they reach the model server, which applies them as vLLM does)', async () => {
    const res = await openai.completions.create({
      model: MODEL,
      prompt: 'Once upon a time',
      max_tokens: 4,
      frequency_penalty: 1.5,
      presence_penalty: -0.5,
    });
    expect(res.choices[0].finish_reason).toBe('length');
    expect(res.usage?.completion_tokens).toBe(4);
  });

  it('refuses what it cannot honour with a 400 naming the field', async () => {
    const cases: [Partial<OpenAI.CompletionCreateParamsNonStreaming>, string][] = [
      [{ n: 17 }, 'n'],
      [{ logprobs: 6 }, 'logprobs'],
      [{ suffix: 'end' }, 'suffix'],
      [{ frequency_penalty: 3 }, 'frequency_penalty'],
      [{ logit_bias: { x: 1 } }, 'logit_bias'],
      [{ best_of: 3 }, 'best_of'],
    ];
    for (const [over, param] of cases) {
      const err = await refusal(openai.completions.create({ model: MODEL, prompt: 'Hi', max_tokens: 2, ...over }));
      expect(err.param).toBe(param);
    }
  });
});

interface Call {
  id?: string;
  name: string;
  arguments: string;
}

/** A streamed chat answer put back together: the text, the calls gathered by index, and the last finish_reason. */
async function chatStream(p: Omit<OpenAI.ChatCompletionCreateParamsStreaming, 'model' | 'stream'>) {
  const stream = await openai.chat.completions.create({ model: MODEL, temperature: 0, max_tokens: 200, ...p, stream: true });
  let content = '';
  let finish: string | null = null;
  const calls = new Map<number, Call>();
  for await (const chunk of stream) {
    const c = chunk.choices[0];
    if (!c) continue;
    content += c.delta.content ?? '';
    for (const t of c.delta.tool_calls ?? []) {
      const call = calls.get(t.index) ?? { name: '', arguments: '' };
      call.id ??= t.id;
      call.name += t.function?.name ?? '';
      call.arguments += t.function?.arguments ?? '';
      calls.set(t.index, call);
    }
    finish = c.finish_reason ?? finish;
  }
  return { content, calls: [...calls.values()], finish };
}

function expectWeatherCall(call: { id?: string; name?: string; arguments?: string } | undefined): void {
  expect(call?.id).toMatch(/\S/);
  expect(call?.name).toBe('get_current_weather');
  const args: unknown = JSON.parse(call?.arguments ?? '');
  expect(validWeatherArguments(args), ajv.errorsText(validWeatherArguments.errors)).toBe(true);
}

describe('chat', () => {
  it('n: 2 answers two choices', async () => {
    const res = await openai.chat.completions.create({ model: MODEL, messages: QUESTION, max_tokens: 3, n: 2, seed: 3, temperature: 1 });
    expect(res.choices.map((c) => c.index)).toEqual([0, 1]);
  });

  it('logit_bias: +100 on a token forces it', async () => {
    const res = await openai.chat.completions.create({
      model: MODEL,
      messages: QUESTION,
      max_tokens: 5,
      temperature: 0,
      logit_bias: { [X]: 100 },
    });
    expect(res.choices[0].message.content).toBe('xxxxx');
  });

  const choices: [string, Omit<OpenAI.ChatCompletionCreateParamsNonStreaming, 'model' | 'messages'>][] = [
    ['by name', { tool_choice: { type: 'function', function: { name: 'get_current_weather' } }, logit_bias: NO_WHITESPACE }],
    // parallel_tool_calls: false keeps "required" and "auto" to the one call this test expects.
    ['required', { tool_choice: 'required', parallel_tool_calls: false, logit_bias: NO_WHITESPACE }],
    ['auto', { tool_choice: 'auto', parallel_tool_calls: false, logit_bias: { ...NO_WHITESPACE, [OPEN_BRACE]: 100 } }],
  ];

  it.each(choices)('calls the tool %s, unary and streamed, arguments valid against its schema', async (_how, over) => {
    const res = await openai.chat.completions.create({
      model: MODEL,
      messages: QUESTION,
      tools: [WEATHER],
      temperature: 0,
      max_tokens: 200,
      ...over,
    });
    const choice = res.choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.tool_calls).toHaveLength(1);
    const call = choice.message.tool_calls?.[0] as OpenAI.ChatCompletionMessageToolCall;
    expect(call.type).toBe('function');
    expectWeatherCall({ id: call.id, ...call.function });
    const streamed = await chatStream({ messages: QUESTION, tools: [WEATHER], ...over });
    expect(streamed.finish).toBe('tool_calls');
    expect(streamed.calls).toHaveLength(1);
    expectWeatherCall(streamed.calls[0]);
  });

  it("completes the follow-up turn that carries the tool's answer", async () => {
    const first = await openai.chat.completions.create({
      model: MODEL,
      messages: QUESTION,
      tools: [WEATHER],
      tool_choice: 'required',
      parallel_tool_calls: false,
      logit_bias: NO_WHITESPACE,
      temperature: 0,
      max_tokens: 200,
    });
    const message = first.choices[0].message;
    const call = message.tool_calls?.[0] as OpenAI.ChatCompletionMessageToolCall;
    const res = await openai.chat.completions.create({
      model: MODEL,
      tools: [WEATHER],
      max_tokens: 8,
      temperature: 0,
      messages: [...QUESTION, message, { role: 'tool', tool_call_id: call.id, content: '{"temperature": 21, "unit": "celsius"}' }],
    });
    expect(['stop', 'length']).toContain(res.choices[0].finish_reason);
    expect(res.choices[0].message.role).toBe('assistant');
  });

  it('response_format json_object and json_schema: the output parses, and validates against the schema', async () => {
    // A +100 bias on `}` (125) would write "}}}}" unconstrained; JSON mode lets it close the object only.
    const object = await openai.chat.completions.create({
      model: MODEL,
      messages: QUESTION,
      max_tokens: 50,
      temperature: 0,
      response_format: { type: 'json_object' },
      logit_bias: { ...NO_WHITESPACE, '125': 100 },
    });
    expect(object.choices[0].finish_reason).toBe('stop');
    const value: unknown = JSON.parse(object.choices[0].message.content ?? '');
    expect(value !== null && typeof value === 'object' && !Array.isArray(value)).toBe(true);
    const schema = await openai.chat.completions.create({
      model: MODEL,
      messages: QUESTION,
      max_tokens: 200,
      temperature: 0,
      response_format: { type: 'json_schema', json_schema: { name: 'weather', schema: WEATHER_PARAMETERS } },
      logit_bias: NO_WHITESPACE,
    });
    expect(schema.choices[0].finish_reason).toBe('stop');
    const parsed: unknown = JSON.parse(schema.choices[0].message.content ?? '');
    expect(validWeatherArguments(parsed), ajv.errorsText(validWeatherArguments.errors)).toBe(true);
  });

  it('refuses malformed controls with a 400 naming the OpenAI field path', async () => {
    const cases: [Partial<OpenAI.ChatCompletionCreateParamsNonStreaming>, string][] = [
      [{ n: 17 }, 'n'],
      [{ tools: [WEATHER], tool_choice: { type: 'function', function: { name: 'nope' } } }, 'tool_choice.function.name'],
      [{ tools: [{ type: 'function', function: { name: 'has space' } }] }, 'tools[0].function.name'],
      [{ response_format: { type: 'yaml' } as unknown as OpenAI.ResponseFormatText }, 'response_format.type'],
      [{ logit_bias: { [X]: 101 } }, 'logit_bias'],
    ];
    for (const [over, param] of cases) {
      const err = await refusal(openai.chat.completions.create({ model: MODEL, messages: QUESTION, max_tokens: 2, ...over }));
      expect(err.param).toBe(param);
    }
  });
});

describe('embeddings', () => {
  it('dimensions shortens the vectors of a matryoshka model to unit vectors; past the model width it is a 400', async () => {
    const full = await openai.embeddings.create({ model: MODEL, input: ['a', 'b'], encoding_format: 'float' });
    const short = await openai.embeddings.create({ model: MODEL, input: ['a', 'b'], dimensions: 8 });
    expect(full.data[0].embedding).toHaveLength(E2E_TINY_MODEL.hiddenSize);
    short.data.forEach((d, i) => {
      expect(d.embedding).toHaveLength(8);
      const head = full.data[i].embedding.slice(0, 8);
      const norm = Math.hypot(...head);
      d.embedding.forEach((v, k) => expect(v).toBeCloseTo(head[k] / norm, 5));
    });
    const err = await refusal(openai.embeddings.create({ model: MODEL, input: 'a', dimensions: E2E_TINY_MODEL.hiddenSize + 1 }));
    expect(err.message).toMatch(/dimensions must be at most 128/);
  });
});

describe('through the watsonx SDK', () => {
  it('generateText with return_options.input_tokens answers the prompt tokens with logprobs, ranks and alternatives', async () => {
    const res = await wx.generateText({
      modelId: MODEL,
      projectId,
      input: 'Hello',
      parameters: { max_new_tokens: 2, return_options: { input_tokens: true, token_logprobs: true, token_ranks: true, top_n_tokens: 2 } },
    });
    const tokens = res.result.results[0].input_tokens ?? [];
    expect(tokens.map((t) => t.text)).toEqual(['<s>', 'H', 'e', 'l', 'l', 'o']);
    expect(tokens[0]).toEqual({ text: '<s>' });
    for (const t of tokens.slice(1)) {
      expect(t.logprob).toBeLessThanOrEqual(0);
      expect(t.rank).toBeGreaterThanOrEqual(1);
      expect(t.top_tokens).toHaveLength(2);
    }
    const plain = await wx.generateText({ modelId: MODEL, projectId, input: 'Hello', parameters: { max_new_tokens: 2 } });
    expect(plain.result.results[0]).not.toHaveProperty('input_tokens');
  });

  it('listFoundationModelSpecs gives number_params, the parameter count the engine server computes', async () => {
    const specs = await wx.listFoundationModelSpecs({ filters: `modelid_${MODEL}` });
    // 261 × 128 embeddings (tied) + 6 layers + the final norm: 919,808 weights.
    expect(specs.result.resources?.[0]?.number_params).toBe('0.92m');
  });
});
