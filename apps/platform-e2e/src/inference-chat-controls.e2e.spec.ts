import { WatsonXAI } from '@ibm-cloud/watsonx-ai';
import Ajv from 'ajv';
import { BearerTokenAuthenticator } from 'ibm-cloud-sdk-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeOf } from './support/api';
import { startTestPlatform, type TestPlatform } from './support/test-platform';

/**
 * watsonx chat's generation controls through the official SDK: tool calling (named, required, auto) and structured
 * output (guided_choice, guided_regex, guided_json, guided_grammar), unary and streamed. The e2e model is random, so
 * every constraint keeps its language finite (enums, fixed-length patterns, a bounded grammar): a valid answer then
 * ends by construction instead of running into max_tokens.
 */
const MODEL = 'platform/tiny-llama';
const VERSION = '2024-05-31';
// The e2e model's vocabulary is bytes: token 123 is `{`, which opens a call in the JSON tool-call format.
const OPEN_BRACE = '123';
/**
 * JSON admits any whitespace between its tokens (vLLM's xgrammar default, kept by the engine server) and the random
 * model's favourite token there is a space: banning tab, newline, carriage return and space lets its JSON end.
 */
const NO_WHITESPACE = { '9': -100, '10': -100, '13': -100, '32': -100 };

const WEATHER_PARAMETERS = {
  type: 'object',
  properties: {
    location: { type: 'string', description: 'The city', enum: ['Boston', 'Denver'] },
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
  },
  required: ['location', 'unit'],
  additionalProperties: false,
};
const WEATHER: WatsonXAI.TextChatParameterTools = {
  type: 'function',
  function: { name: 'get_current_weather', description: 'Get the current weather in a given location', parameters: WEATHER_PARAMETERS },
};
const QUESTION: WatsonXAI.TextChatMessages[] = [{ role: 'user', content: 'What is the weather like in Boston today?' }];

const ajv = new Ajv({ allErrors: true });
const validWeatherArguments = ajv.compile(WEATHER_PARAMETERS);

let platform: TestPlatform;
let wx: WatsonXAI;
let token: string;
let projectId: string;

beforeAll(async () => {
  platform = await startTestPlatform({ engineModel: MODEL });
  token = await platform.api.newUser('tess');
  projectId = await platform.api.newProject(token, 'chat-controls');
  wx = WatsonXAI.newInstance({
    version: VERSION,
    serviceUrl: platform.url,
    authenticator: new BearerTokenAuthenticator({ bearerToken: token }),
  });
});
afterAll(async () => platform?.stop());

type ChatParams = Omit<WatsonXAI.TextChatParams, 'modelId' | 'projectId' | 'crypto'>;
const base = (p: ChatParams): Omit<WatsonXAI.TextChatParams, 'crypto'> => ({
  modelId: MODEL,
  projectId,
  temperature: 0,
  maxTokens: 200,
  ...p,
});

interface Call {
  id?: string;
  name: string;
  arguments: string;
}

/** The unary answer's one choice. */
async function chat(p: ChatParams) {
  const res = await wx.textChat(base(p));
  expect(res.result.choices).toHaveLength(1);
  return res.result.choices[0];
}

/** A streamed answer put back together: the text, the calls gathered by index, and the last finish_reason. */
async function chatStream(p: ChatParams): Promise<{ content: string; calls: Call[]; finish?: string }> {
  const stream = await wx.textChatStream({ ...base(p), returnObject: true });
  let content = '';
  let finish: string | undefined;
  const calls = new Map<number, Call>();
  for await (const item of stream) {
    const choice = item.data.choices[0];
    if (!choice) continue;
    content += choice.delta?.content ?? '';
    for (const t of (choice.delta?.tool_calls ?? []) as (WatsonXAI.TextChatToolCall & { index?: number })[]) {
      const call = calls.get(t.index ?? 0) ?? { id: t.id, name: '', arguments: '' };
      call.name ||= t.function?.name ?? '';
      call.arguments += t.function?.arguments ?? '';
      calls.set(t.index ?? 0, call);
    }
    finish = choice.finish_reason ?? finish;
  }
  return { content, calls: [...calls.values()], finish };
}

function callsOf(choice: WatsonXAI.TextChatResultChoice): Call[] {
  return (choice.message?.tool_calls ?? []).map((t) => ({ id: t.id, name: t.function.name, arguments: t.function.arguments }));
}

/** Every call names the weather function with arguments that follow its JSON Schema. */
function expectWeatherCalls(calls: Call[]): void {
  expect(calls.length).toBeGreaterThan(0);
  for (const c of calls) {
    expect(c.name).toBe('get_current_weather');
    const args = JSON.parse(c.arguments) as unknown;
    expect(validWeatherArguments(args), `${c.arguments}: ${ajv.errorsText(validWeatherArguments.errors)}`).toBe(true);
  }
}

describe('watsonx chat tool calling through the official SDK', () => {
  const named: WatsonXAI.TextChatToolChoiceTool = { type: 'function', function: { name: 'get_current_weather' } };

  const tools = { messages: QUESTION, tools: [WEATHER], logitBias: NO_WHITESPACE };

  it('calls a function named in tool_choice, unary and streamed alike', async () => {
    const choice = await chat({ ...tools, toolChoice: named });
    expect(choice.finish_reason).toBe('tool_calls');
    const calls = callsOf(choice);
    expectWeatherCalls(calls);
    expect(calls[0].id).toMatch(/^chatcmpl-tool-/);
    const streamed = await chatStream({ ...tools, toolChoice: named });
    expect(streamed.finish).toBe('tool_calls');
    expect(streamed.calls.map(({ name, arguments: a }) => ({ name, arguments: a }))).toEqual(
      calls.map(({ name, arguments: a }) => ({ name, arguments: a })),
    );
  });

  it('calls a function when tool_choice_option is required', async () => {
    const choice = await chat({ ...tools, toolChoiceOption: 'required' });
    expect(choice.finish_reason).toBe('tool_calls');
    expectWeatherCalls(callsOf(choice));
    const streamed = await chatStream({ ...tools, toolChoiceOption: 'required' });
    expect(streamed.finish).toBe('tool_calls');
    expectWeatherCalls(streamed.calls);
  });

  it('calls a function under auto when the reply opens with "{", and answers in text under none', async () => {
    // The random model's own first choice here, `x` (120), leads `{` by more than the largest bias (100), so it is
    // banned too; and watsonx chat has no parallel_tool_calls, so banning `;` (59), the separator of further calls,
    // ends the reply after the first one.
    const auto = { ...tools, toolChoiceOption: 'auto', logitBias: { ...NO_WHITESPACE, [OPEN_BRACE]: 100, '120': -100, '59': -100 } };
    const choice = await chat(auto);
    expect(choice.finish_reason).toBe('tool_calls');
    expect(callsOf(choice)).toHaveLength(1);
    expectWeatherCalls(callsOf(choice));
    const streamed = await chatStream(auto);
    expect(streamed.finish).toBe('tool_calls');
    expectWeatherCalls(streamed.calls);
    // The same bias under none: a "{" that is only text, and no call.
    const none = await chat({ ...auto, toolChoiceOption: 'none', maxTokens: 4 });
    expect(none.message?.tool_calls ?? []).toEqual([]);
    expect(none.message?.content?.startsWith('{')).toBe(true);
  });

  it("completes the follow-up turn that carries the tool's answer", async () => {
    const [call] = callsOf(await chat({ ...tools, toolChoice: named }));
    const followUp: WatsonXAI.TextChatMessages[] = [
      ...QUESTION,
      {
        role: 'assistant',
        tool_calls: [{ id: call.id ?? 'call-1', type: 'function', function: { name: call.name, arguments: call.arguments } }],
      } as WatsonXAI.TextChatMessages,
      { role: 'tool', tool_call_id: call.id ?? 'call-1', content: '{"temperature": 21, "sky": "clear"}' } as WatsonXAI.TextChatMessages,
    ];
    const answer = await chat({ messages: followUp, tools: [WEATHER], toolChoiceOption: 'none', maxTokens: 6 });
    expect(answer.finish_reason).toMatch(/^(stop|length)$/);
    expect(answer.message?.role).toBe('assistant');
    expect(answer.message?.tool_calls ?? []).toEqual([]);
    expect(typeof answer.message?.content).toBe('string');
  });
});

describe('watsonx chat structured output through the official SDK', () => {
  it('guided_choice answers exactly one of the choices, unary and streamed', async () => {
    const choices = ['yes', 'no', 'maybe later'];
    const choice = await chat({ messages: QUESTION, guidedChoice: choices });
    expect(choices).toContain(choice.message?.content);
    const streamed = await chatStream({ messages: QUESTION, guidedChoice: choices });
    expect(streamed.content).toBe(choice.message?.content);
  });

  it('guided_regex answers a match of the pattern', async () => {
    const pattern = '[0-9]{3}-[A-Z]{2}-(north|south)';
    const choice = await chat({ messages: QUESTION, guidedRegex: pattern });
    expect(choice.message?.content).toMatch(new RegExp(`^(?:${pattern})$`));
  });

  it('guided_json answers JSON valid against the schema, given as the SDK types it (text) or as an object', async () => {
    const schema = {
      type: 'object',
      properties: {
        city: { enum: ['Boston', 'Paris', 'Oslo'] },
        sunny: { type: 'boolean' },
        rain: { enum: ['none', 'light', 'heavy'] },
      },
      required: ['city', 'sunny', 'rain'],
      additionalProperties: false,
    };
    const valid = ajv.compile(schema);
    const choice = await chat({ messages: QUESTION, guidedJSON: JSON.stringify(schema), logitBias: NO_WHITESPACE });
    const answer = JSON.parse(choice.message?.content ?? '') as unknown;
    expect(valid(answer), ajv.errorsText(valid.errors)).toBe(true);
    const raw = await platform.api.request('POST', `/ml/v1/text/chat?version=${VERSION}`, {
      token,
      body: {
        model_id: MODEL,
        project_id: projectId,
        messages: QUESTION,
        temperature: 0,
        max_tokens: 200,
        guided_json: schema,
        logit_bias: NO_WHITESPACE,
      },
    });
    expect(raw.status).toBe(200);
    const rawChoice = (raw.body as { choices: { message: { content: string } }[] }).choices[0];
    expect(rawChoice.message.content).toBe(choice.message?.content);
  });

  it('guided_grammar answers a sentence of the grammar', async () => {
    // Pairs of letters or of pairs, two levels deep at most: a context-free language that is finite.
    const grammar = ['root ::= "(" item " " item ")"', 'item ::= leaf | "(" leaf " " leaf ")"', 'leaf ::= [a-z]'].join('\n');
    const choice = await chat({ messages: QUESTION, guidedGrammar: grammar });
    expect(parsesAsPair(choice.message?.content ?? ''), choice.message?.content).toBe(true);
    const streamed = await chatStream({ messages: QUESTION, guidedGrammar: grammar });
    expect(streamed.content).toBe(choice.message?.content);
  });

  it('refuses two constraints at once, naming them, and a constraint next to a forced call', async () => {
    const two = await wx.textChat(base({ messages: QUESTION, guidedRegex: 'a', guidedChoice: ['a'] })).catch((e: unknown) => e);
    expect(two).toMatchObject({
      status: 400,
      result: { errors: [{ target: { name: 'guided_choice' }, message: expect.stringContaining('guided_regex, guided_choice') }] },
    });
    const forced = await platform.api.request('POST', `/ml/v1/text/chat?version=${VERSION}`, {
      token,
      body: {
        model_id: MODEL,
        project_id: projectId,
        messages: QUESTION,
        tools: [WEATHER],
        tool_choice_option: 'required',
        guided_choice: ['a'],
      },
    });
    expect(forced.status).toBe(400);
    expect(envelopeOf(forced).target?.name).toBe('guided_choice');
  });
});

/** An independent reader of the test grammar: `(x y)` where x and y are a letter or a pair of letters. */
function parsesAsPair(s: string): boolean {
  let at = 0;
  const letter = () => /[a-z]/.test(s[at] ?? '') && ++at > 0;
  const literal = (c: string) => s[at] === c && ++at > 0;
  const pairOf = (part: () => boolean) => literal('(') && part() && literal(' ') && part() && literal(')');
  const item = () => (s[at] === '(' ? pairOf(letter) : letter());
  return pairOf(item) && at === s.length;
}
