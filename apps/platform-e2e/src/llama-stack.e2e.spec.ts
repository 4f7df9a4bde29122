import Ajv from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeOf } from './support/api';
import { DraftValidator, type DraftSchema } from './support/llama-stack-draft';
import { startTestPlatform, type TestPlatform } from './support/test-platform';

const MODEL = 'platform/tiny-llama';
// The draft's model enums (completions llama3_8b, chats llama3_8b_chat) reach the served model with no mapping configured.
const GREEDY = { temperature: 0, strategy: 'greedy', top_p: 0.95, top_k: 0 };

let platform: TestPlatform;
let token: string;
let projectId: string;
const draft = new DraftValidator();

beforeAll(async () => {
  platform = await startTestPlatform({ engineModel: MODEL });
  token = await platform.api.newUser('lena');
  projectId = await platform.api.newProject(token, 'llama-stack');
});
afterAll(async () => platform?.stop());

function expectValid(schema: DraftSchema, value: unknown): void {
  expect(draft.errors(schema, value), `${schema}: ${JSON.stringify(value)}`).toEqual([]);
}

interface Raw {
  status: number;
  type: string | null;
  text: string;
  headers: Headers;
}

async function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = { 'x-project-id': projectId },
  as = token,
): Promise<Raw> {
  const res = await fetch(`${platform.url}${path}`, {
    method: 'POST',
    headers: { ...(as ? { authorization: `Bearer ${as}` } : {}), 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text(), headers: res.headers };
}

/** Sends a request body only after it validates against the draft, so the suite speaks the draft exactly. */
async function send(path: string, schema: DraftSchema, body: unknown): Promise<Raw> {
  expectValid(schema, body);
  return post(path, body);
}

function json<T>(raw: Raw): T {
  expect(raw.status, raw.text).toBe(200);
  expect(raw.type).toContain('application/json');
  return JSON.parse(raw.text) as T;
}

function jsonLines<T>(raw: Raw): T[] {
  expect(raw.status, raw.text).toBe(200);
  expect(raw.type).toContain('application/jsonl');
  expect(raw.text.endsWith('\n')).toBe(true);
  return raw.text
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as T);
}

/** Every event must be exactly one `data: {json}` line: no ids, no event names, no [DONE] trailer. */
function events<T>(raw: Raw): T[] {
  expect(raw.status, raw.text).toBe(200);
  expect(raw.type).toContain('text/event-stream');
  expect(raw.text.endsWith('\n\n')).toBe(true);
  return raw.text
    .slice(0, -2)
    .split('\n\n')
    .map((frame) => {
      expect(frame).toMatch(/^data: \{.*\}$/);
      return JSON.parse(frame.slice('data: '.length)) as T;
    });
}

function envelope(raw: Raw) {
  // Batches answer JSON lines, but their refusals are the plain JSON envelope like every other route's.
  expect(raw.type).toContain('application/json');
  expect(raw.type).not.toContain('jsonl');
  return envelopeOf({ status: raw.status, body: JSON.parse(raw.text) as unknown, headers: raw.headers });
}

const message = (role: string, content: unknown) => ({ role, content, tool_calls: [], tool_responses: [] });
const completionBody = (content: unknown, extra: object = {}) => ({
  content,
  model: 'llama3_8b',
  sampling_params: GREEDY,
  max_tokens: 4,
  stream: false,
  logprobs: false,
  ...extra,
});
const chatBody = (text: string, extra: object = {}) => ({
  model: 'llama3_8b_chat',
  dialog: { message: message('user', text), message_history: [message('system', 'Answer briefly.')] },
  sampling_params: GREEDY,
  available_tools: [],
  max_tokens: 3,
  stream: false,
  logprobs: false,
  ...extra,
});

interface CompletionResponse {
  content: string;
  stop_reason?: string;
  logprobs?: { tokens: string[]; token_logprobs: number[] };
}
interface Chunk {
  text_delta: string;
  stop_reason?: string;
  logprobs?: { tokens: string[] };
}

describe('Llama Stack draft: /inference/completion', () => {
  it('completes, unary and streamed, with the same greedy text', async () => {
    const res = json<CompletionResponse>(await send('/inference/completion', 'CompletionRequest', completionBody('Hello')));
    expectValid('CompletionResponse', res);
    expect(res).toMatchObject({ stop_reason: expect.stringMatching(/^(max_tokens|finished_ok)$/) });
    expect(res.logprobs).toBeUndefined();

    const chunks = events<Chunk>(await send('/inference/completion', 'CompletionRequest', completionBody('Hello', { stream: true })));
    for (const c of chunks) expectValid('CompletionResponseStreamChunk', c);
    expect(chunks.map((c) => c.text_delta).join('')).toBe(res.content);
    expect(chunks.at(-1)?.stop_reason).toBe(res.stop_reason);
    expect(chunks.slice(0, -1).every((c) => c.stop_reason === undefined)).toBe(true);
  });

  it('returns token logprobs when asked, in the response and in each chunk', async () => {
    const res = json<CompletionResponse>(
      await send('/inference/completion', 'CompletionRequest', completionBody(['Hello', 'there'], { logprobs: true })),
    );
    expectValid('CompletionResponse', res);
    expect(res.logprobs?.tokens.join('')).toBe(res.content);
    expect(res.logprobs?.token_logprobs.every((l) => typeof l === 'number' && l <= 0)).toBe(true);
    const chunks = events<Chunk>(
      await send('/inference/completion', 'CompletionRequest', completionBody(['Hello', 'there'], { logprobs: true, stream: true })),
    );
    for (const c of chunks) expectValid('CompletionResponseStreamChunk', c);
    expect(chunks.flatMap((c) => c.logprobs?.tokens ?? []).join('')).toBe(res.content);
  });

  it('samples with top_p and top_k', async () => {
    for (const sampling_params of [
      { temperature: 0.8, strategy: 'top_p', top_p: 0.9, top_k: 0 },
      { temperature: 0.8, strategy: 'top_k', top_p: 0.95, top_k: 5 },
    ]) {
      const res = json<CompletionResponse>(
        await send('/inference/completion', 'CompletionRequest', completionBody('Hello', { sampling_params })),
      );
      expectValid('CompletionResponse', res);
    }
  });

  it('accepts a catalog model id as the model', async () => {
    // Not a draft model name, so this body is outside the draft's enum on purpose; the answer is still the draft's.
    const res = json<CompletionResponse>(await post('/inference/completion', completionBody('Hello', { model: MODEL })));
    expectValid('CompletionResponse', res);
  });
});

describe('Llama Stack draft: /inference/chat_completion', () => {
  it('answers every draft model name with the served default model when no mapping is configured', async () => {
    for (const model of ['llama3_8b_chat', 'llama3_70b_chat']) {
      const res = json<CompletionResponse>(await send('/inference/chat_completion', 'ChatCompletionRequest', chatBody('hi', { model })));
      expectValid('ChatCompletionResponse', res);
    }
    const res = json<CompletionResponse>(
      await send('/inference/completion', 'CompletionRequest', completionBody('Hello', { model: 'llama3_70b' })),
    );
    expectValid('CompletionResponse', res);
  });

  it('chats, unary and streamed, with the same greedy text', async () => {
    const res = json<CompletionResponse & { tool_calls: unknown[] }>(
      await send('/inference/chat_completion', 'ChatCompletionRequest', chatBody('hi')),
    );
    expectValid('ChatCompletionResponse', res);
    expect(res.tool_calls).toEqual([]);
    const chunks = events<Chunk>(await send('/inference/chat_completion', 'ChatCompletionRequest', chatBody('hi', { stream: true })));
    for (const c of chunks) expectValid('ChatCompletionResponseStreamChunk', c);
    expect(chunks.map((c) => c.text_delta).join('')).toBe(res.content);
    expect(chunks.at(-1)?.stop_reason).toBe(res.stop_reason);
  });

  it('carries a tool call and its response in the history', async () => {
    const body = chatBody('And tomorrow?', {
      dialog: {
        message: message('user', 'And tomorrow?'),
        message_history: [
          message('user', 'Weather in Paris?'),
          { role: 'assistant', content: '', tool_calls: [{ tool_name: 'weather', arguments: { city: 'Paris' } }], tool_responses: [] },
          { role: 'tool', content: '', tool_calls: [], tool_responses: [{ tool_name: 'weather', content: 'sunny, 21 C' }] },
        ],
      },
      logprobs: true,
    });
    const res = json<CompletionResponse>(await send('/inference/chat_completion', 'ChatCompletionRequest', body));
    expectValid('ChatCompletionResponse', res);
    expect(res.logprobs?.tokens.join('')).toBe(res.content);
  });

  it('uses the default project when no X-Project-Id is sent', async () => {
    const res = await post('/inference/chat_completion', chatBody('hi'), {});
    expectValid('ChatCompletionResponse', json(res));
  });
});

describe('Llama Stack draft: tool calls and structured output', () => {
  // Booleans only, so that a call's values end by construction; `tomorrow` shows `required: false` and a default.
  const weatherTool = {
    tool_name: 'get_weather',
    parameters: {
      celsius: { param_type: 'bool', description: 'Answer in degrees Celsius' },
      tomorrow: { param_type: 'bool', description: 'The forecast for tomorrow', required: false, default: false },
    },
    input_shields: [],
    output_shields: [],
  };
  const weatherArguments = new Ajv({ allErrors: true }).compile({
    type: 'object',
    properties: { celsius: { type: 'boolean' }, tomorrow: { type: 'boolean' } },
    required: ['celsius'],
    additionalProperties: false,
  });
  const toolBody = (extra: object) => chatBody('Weather in Boston?', { available_tools: [weatherTool], max_tokens: 100, ...extra });
  interface ToolCall {
    tool_name: string;
    arguments: Record<string, unknown>;
  }
  interface ToolChatResponse extends CompletionResponse {
    tool_calls: ToolCall[];
  }
  interface ToolChunk extends Chunk {
    tool_call?: ToolCall;
  }

  /**
   * The engine server writes a call as `{"name": ..., "parameters": {...}}` and constrains it from the first token.
   * JSON admits any whitespace (vLLM's default) and the random model pads with it, which chat APIs with logit_bias
   * ban (watsonx, OpenAI); the draft has no such knob, so a call may be cut at max_tokens. Either way the answer shows
   * the tool and its choice reached the model: whole calls that validate, or the forced call cut short.
   */
  function expectWeatherCalls(res: { content: string; stop_reason?: string; tool_calls: ToolCall[] }): void {
    if (res.stop_reason === 'max_tokens') {
      // A call cut short still names its tool; its arguments, not JSON yet, are kept as text under `arguments`.
      expect(res.tool_calls.map((c) => c.tool_name)).toEqual(['get_weather']);
      expect(res.tool_calls[0].arguments).toEqual({ arguments: expect.stringMatching(/^\{/) });
      return;
    }
    expect(res.stop_reason).toBe('finished_ok');
    expect(res.tool_calls.length).toBeGreaterThan(0);
    for (const c of res.tool_calls) {
      expect(c.tool_name).toBe('get_weather');
      expect(weatherArguments(c.arguments), JSON.stringify(c.arguments)).toBe(true);
    }
  }

  it('calls a tool when tool_choice requires one or names it, unary and streamed, in the draft shapes', async () => {
    // The body is the draft's but for tool_choice, which later Llama Stack versions added; the answers are the draft's.
    expectValid('ChatCompletionRequest', toolBody({}));
    for (const tool_choice of ['required', 'get_weather']) {
      const res = json<ToolChatResponse>(await post('/inference/chat_completion', toolBody({ tool_choice })));
      expectValid('ChatCompletionResponse', res);
      expectWeatherCalls(res);

      const chunks = events<ToolChunk>(await post('/inference/chat_completion', toolBody({ tool_choice, stream: true })));
      for (const c of chunks) expectValid('ChatCompletionResponseStreamChunk', c);
      const streamed = {
        content: chunks.map((c) => c.text_delta).join(''),
        stop_reason: chunks.at(-1)?.stop_reason,
        tool_calls: chunks.flatMap((c) => (c.tool_call ? [c.tool_call] : [])),
      };
      expect(streamed).toEqual({ content: res.content, stop_reason: res.stop_reason, tool_calls: res.tool_calls });
    }
  });

  it('answers in text when tool_choice is none, though the tools are there', async () => {
    const res = json<ToolChatResponse>(await post('/inference/chat_completion', toolBody({ tool_choice: 'none', max_tokens: 4 })));
    expectValid('ChatCompletionResponse', res);
    expect(res).toMatchObject({ tool_calls: [], stop_reason: 'max_tokens' });
    expect(res.content.startsWith('{"name"')).toBe(false);
  });

  it('answers the turn after the tool ran, with the call and its response in the history', async () => {
    const body = toolBody({
      dialog: {
        message: message('user', 'Thanks. Should I take an umbrella?'),
        message_history: [
          message('user', 'Weather in Boston?'),
          { role: 'assistant', content: '', tool_calls: [{ tool_name: 'get_weather', arguments: { celsius: true } }], tool_responses: [] },
          { role: 'tool', content: '', tool_calls: [], tool_responses: [{ tool_name: 'get_weather', content: 'rain, 12 C' }] },
        ],
      },
      max_tokens: 5,
    });
    const res = json<ToolChatResponse>(await send('/inference/chat_completion', 'ChatCompletionRequest', body));
    expectValid('ChatCompletionResponse', res);
    expect(res.stop_reason).toMatch(/^(finished_ok|max_tokens)$/);
  });

  it('constrains the answer to a response_format JSON schema', async () => {
    const schema = {
      type: 'object',
      properties: { umbrella: { type: 'boolean' }, sky: { enum: ['clear', 'cloudy', 'rain'] } },
      required: ['umbrella', 'sky'],
      additionalProperties: false,
    };
    const res = json<CompletionResponse>(
      await post(
        '/inference/chat_completion',
        chatBody('Umbrella?', { max_tokens: 100, response_format: { type: 'json_schema', json_schema: schema } }),
      ),
    );
    expectValid('ChatCompletionResponse', res);
    // As with calls above: valid JSON, or (padded with whitespace until max_tokens) the beginning of an object.
    if (res.stop_reason === 'max_tokens') expect(res.content).toMatch(/^\{\s*($|")/);
    else expect(new Ajv().compile(schema)(JSON.parse(res.content)), res.content).toBe(true);
  });

  it('refuses the tool-call formats, the grammar and the tool names it cannot honour, naming the field', async () => {
    const format = await post('/inference/chat_completion', toolBody({ tool_prompt_format: 'python_list' }));
    expect(format.status).toBe(400);
    expect(envelope(format).target?.name).toBe('tool_prompt_format');
    const grammar = await post('/inference/chat_completion', chatBody('hi', { response_format: { type: 'grammar', bnf: { root: 'x' } } }));
    expect(grammar.status).toBe(400);
    expect(envelope(grammar).target?.name).toBe('response_format.type');
    const unknownTool = await post('/inference/chat_completion', toolBody({ tool_choice: 'get_stock_price' }));
    expect(unknownTool.status).toBe(400);
    expect(envelope(unknownTool).target?.name).toBe('tool_choice');
    const badType = await post(
      '/inference/chat_completion',
      toolBody({ available_tools: [{ ...weatherTool, parameters: { when: { param_type: 'datetime' } } }] }),
    );
    expect(badType.status).toBe(400);
    expect(envelope(badType).target?.name).toBe('available_tools[0].parameters.when.param_type');
  });
});

describe('Llama Stack draft: batches', () => {
  it('batch_completion answers one CompletionResponse per line, in request order', async () => {
    const prompts = ['Hello', 'The sky', 'Once upon', 'Hello', 'A', 'B', 'C', 'D', 'E', 'The sky'];
    const body = { model: 'llama3_8b', content_batch: prompts, sampling_params: GREEDY, max_tokens: 3, logprobs: false };
    const lines = jsonLines<CompletionResponse>(await send('/inference/batch_completion', 'BatchCompletionRequest', body));
    expect(lines).toHaveLength(prompts.length);
    for (const l of lines) expectValid('CompletionResponse', l);
    for (const i of [0, 1, 2]) {
      const single = json<CompletionResponse>(
        await send('/inference/completion', 'CompletionRequest', completionBody(prompts[i], { max_tokens: 3 })),
      );
      expect(lines[i]).toEqual(single);
    }
    expect(lines[3]).toEqual(lines[0]);
    expect(lines[9]).toEqual(lines[1]);
  });

  it('batch_chat_completion answers one ChatCompletionResponse per line, in request order', async () => {
    const texts = ['hi', 'hello', 'hey', 'hi'];
    const dialogs = texts.map((t) => ({ message: message('user', t), message_history: [] }));
    const body = {
      model: 'llama3_8b_chat',
      batch_dialogs: dialogs,
      sampling_params: GREEDY,
      available_tools: [],
      max_tokens: 3,
      logprobs: false,
    };
    const lines = jsonLines<CompletionResponse>(await send('/inference/batch_chat_completion', 'BatchChatCompletionRequest', body));
    expect(lines).toHaveLength(texts.length);
    for (const l of lines) expectValid('ChatCompletionResponse', l);
    const single = json<CompletionResponse>(
      await send('/inference/chat_completion', 'ChatCompletionRequest', chatBody('hey', { dialog: dialogs[2] })),
    );
    expect(lines[2]).toEqual(single);
    expect(lines[3]).toEqual(lines[0]);
  });
});

describe('Llama Stack draft: refusals carry the IBM envelope', () => {
  it('404 for a model that is neither a draft name nor in the catalog', async () => {
    const res = await post('/inference/chat_completion', chatBody('hi', { model: 'nobody/chat-model' }));
    expect(res.status).toBe(404);
    envelope(res);
    // A stream that fails before its first byte is refused like a unary call, not as an event stream.
    const stream = await post('/inference/completion', completionBody('Hello', { model: 'nobody/model', stream: true }));
    expect(stream.status).toBe(404);
    envelope(stream);
    const batch = await post('/inference/batch_completion', { model: 'nobody/model', content_batch: ['a', 'b'] });
    expect(batch.status).toBe(404);
    envelope(batch);
  });

  it('400 naming the field for a missing message and wrong types', async () => {
    const missing = { ...chatBody('hi'), dialog: { message_history: [] } };
    expect(draft.errors('ChatCompletionRequest', missing)).not.toEqual([]);
    const noMessage = await post('/inference/chat_completion', missing);
    expect(noMessage.status).toBe(400);
    expect(envelope(noMessage).target?.name).toBe('dialog.message');

    const wrongType = await post('/inference/completion', completionBody('Hello', { max_tokens: 'four' }));
    expect(wrongType.status).toBe(400);
    expect(envelope(wrongType).target?.name).toBe('max_tokens');

    const badContent = await post('/inference/completion', completionBody(42));
    expect(badContent.status).toBe(400);
    expect(envelope(badContent).target?.name).toBe('content');

    const badStrategy = await post('/inference/chat_completion', chatBody('hi', { sampling_params: { ...GREEDY, strategy: 'beam' } }));
    expect(badStrategy.status).toBe(400);
    expect(envelope(badStrategy).target?.name).toBe('sampling_params.strategy');

    const badBatchItem = await post('/inference/batch_completion', {
      model: 'llama3_8b',
      content_batch: ['a', { url: 'file:///etc/passwd', mime_type: 'text/plain' }],
    });
    expect(badBatchItem.status).toBe(400);
    expect(envelope(badBatchItem).target?.name).toBe('content_batch[1].url');
  });

  it('400 without a project, 403 on a foreign project, 401 without a token', async () => {
    const loner = await platform.api.newUser('nomad');
    const noProject = await post('/inference/completion', completionBody('Hello'), {}, loner);
    expect(noProject.status).toBe(400);
    expect(envelope(noProject).target?.name).toBe('X-Project-Id');

    const foreign = await post(
      '/inference/batch_chat_completion',
      { model: 'llama3_8b_chat', batch_dialogs: [{ message: message('user', 'hi') }] },
      { 'x-project-id': projectId },
      loner,
    );
    expect(foreign.status).toBe(403);
    envelope(foreign);

    const anonymous = await post('/inference/completion', completionBody('Hello'), {}, '');
    expect(anonymous.status).toBe(401);
    envelope(anonymous);
  });
});
