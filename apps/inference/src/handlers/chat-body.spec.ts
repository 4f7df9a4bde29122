import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError } from '@platform/common';
import type { inferenceV1 } from '@platform/contracts';
import { describe, expect, it } from 'vitest';
import { BackendError, backendErrorFor } from '../backends/backend-error';
import { foldToolCall } from './chat';
import { openAiChatBody } from './chat-body';
import { plainRefusal, withPlainRefusals } from './chat-refusals';

const TOOLS = JSON.stringify([{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }]);

function request(p: Partial<inferenceV1.ChatParameters> = {}): inferenceV1.ChatRequest {
  return {
    modelId: 'platform/tiny',
    projectId: 'p',
    spaceId: '',
    messages: [{ role: 'user', content: 'hi', contentParts: [], name: '', toolCallId: '', toolCalls: [] }],
    parameters: {
      toolsJson: '',
      toolChoiceJson: '',
      toolChoiceOption: '',
      responseFormatJson: '',
      logitBiasJson: '',
      stop: [],
      timeLimit: 0,
      guidedChoice: [],
      ...p,
    },
  };
}

function refusal(fn: () => unknown): { message: string; target?: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PlatformError);
    const e = err as PlatformError;
    expect(e.grpcCode).toBe(GrpcStatus.INVALID_ARGUMENT);
    return { message: e.message, target: e.target?.name };
  }
  throw new Error('expected a refusal');
}

describe('guided_* onto structured_outputs', () => {
  it('maps each guided option to its structured_outputs key', () => {
    const schema = { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] };
    expect(openAiChatBody(request({ guidedJson: JSON.stringify(schema) })).structured_outputs).toEqual({ json: schema });
    expect(openAiChatBody(request({ guidedRegex: '[0-9]{3}' })).structured_outputs).toEqual({ regex: '[0-9]{3}' });
    expect(openAiChatBody(request({ guidedChoice: ['yes', 'no'] })).structured_outputs).toEqual({ choice: ['yes', 'no'] });
    expect(openAiChatBody(request({ guidedGrammar: 'root ::= "a"' })).structured_outputs).toEqual({ grammar: 'root ::= "a"' });
    expect(openAiChatBody(request()).structured_outputs).toBeUndefined();
  });

  it('refuses more than one guided option, naming them', () => {
    const r = refusal(() => openAiChatBody(request({ guidedRegex: 'a', guidedChoice: ['a'], guidedGrammar: 'root ::= "a"' })));
    expect(r.message).toContain('guided_regex, guided_choice, guided_grammar');
    expect(r.target).toBe('guided_choice');
  });

  it('refuses a guided option next to a constraining response_format or a forcing tool_choice', () => {
    const withFormat = refusal(() =>
      openAiChatBody(request({ guidedRegex: 'a', responseFormatJson: JSON.stringify({ type: 'json_object' }) })),
    );
    expect(withFormat).toEqual({ message: expect.stringContaining('response_format "json_object"'), target: 'guided_regex' });
    // Plain text is no constraint.
    expect(openAiChatBody(request({ guidedRegex: 'a', responseFormatJson: '{"type":"text"}' })).structured_outputs).toEqual({ regex: 'a' });

    const required = refusal(() => openAiChatBody(request({ guidedChoice: ['a'], toolsJson: TOOLS, toolChoiceOption: 'required' })));
    expect(required).toEqual({ message: expect.stringContaining('tool_choice "required"'), target: 'guided_choice' });
    const named = refusal(() =>
      openAiChatBody(
        request({
          guidedGrammar: 'root ::= "a"',
          toolsJson: TOOLS,
          toolChoiceJson: '{"type":"function","function":{"name":"get_weather"}}',
        }),
      ),
    );
    expect(named).toEqual({ message: expect.stringContaining('named tool_choice'), target: 'guided_grammar' });
    // auto and none leave the model free, so a guided option may apply.
    for (const toolChoiceOption of ['auto', 'none'])
      expect(openAiChatBody(request({ guidedChoice: ['a'], toolsJson: TOOLS, toolChoiceOption })).structured_outputs).toEqual({
        choice: ['a'],
      });
  });

  it('refuses a guided_json that is not a JSON Schema object', () => {
    expect(refusal(() => openAiChatBody(request({ guidedJson: '{nope' })))).toEqual({
      message: 'guided_json is not valid JSON.',
      target: 'guided_json',
    });
    expect(refusal(() => openAiChatBody(request({ guidedJson: '[1]' }))).target).toBe('guided_json');
    expect(refusal(() => openAiChatBody(request({ guidedJson: '' }))).target).toBe('guided_json');
    // Empty patterns and grammars constrain to nothing a server compiles; they are refused here, by their names.
    expect(refusal(() => openAiChatBody(request({ guidedRegex: '' })))).toEqual({
      message: 'guided_regex must not be empty.',
      target: 'guided_regex',
    });
    expect(refusal(() => openAiChatBody(request({ guidedGrammar: '' }))).target).toBe('guided_grammar');
  });

  it('passes tools, tool_choice, response_format and logit_bias through; refuses both kinds of tool_choice at once', () => {
    const body = openAiChatBody(
      request({
        toolsJson: TOOLS,
        toolChoiceOption: 'auto',
        responseFormatJson: '{"type":"json_object"}',
        logitBiasJson: '{"123":100}',
      }),
    );
    expect(body).toMatchObject({
      tools: JSON.parse(TOOLS),
      tool_choice: 'auto',
      response_format: { type: 'json_object' },
      logit_bias: { '123': 100 },
    });
    const both = refusal(() =>
      openAiChatBody(request({ toolsJson: TOOLS, toolChoiceOption: 'auto', toolChoiceJson: '{"type":"function"}' })),
    );
    expect(both.target).toBe('tool_choice');
  });
});

describe('backend refusals that name server flags', () => {
  const vllm = new BackendError('"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set', false, 400);
  const body = (tool_choice?: unknown) => ({ messages: [], tools: JSON.parse(TOOLS), tool_choice });

  it('says which tool_choice is not enabled on which model, never the flags', () => {
    for (const [choice, words] of [
      [undefined, '"auto"'],
      ['auto', '"auto"'],
      ['required', '"required"'],
      [{ type: 'function', function: { name: 'get_weather' } }, 'naming function "get_weather"'],
    ] as const) {
      const err = plainRefusal(vllm, body(choice), 'platform/tiny') as PlatformError;
      expect(err).toBeInstanceOf(PlatformError);
      expect(err.message).toBe(`tool_choice ${words} is not enabled on the server of model platform/tiny.`);
      expect(err.message).not.toContain('--');
      expect(err.target?.name).toBe('tool_choice');
    }
  });

  it('hides other flags too, and leaves every other error alone', () => {
    const other = plainRefusal(
      new BackendError('logits processors need --logits-processor-pattern', false, 400),
      body(),
      'm',
    ) as PlatformError;
    expect(other.message).not.toContain('--');
    const plain = new BackendError('response_format "json_object" is not supported by this engine', false, 400);
    expect(plainRefusal(plain, body(), 'm')).toBe(plain);
    const crash = new BackendError('--enable-auto-tool-choice', true, 500);
    expect(plainRefusal(crash, body(), 'm')).toBe(crash);
  });

  it('names the guided option the caller set when the server refuses the structured_outputs it became', () => {
    const refused = new BackendError('structured_outputs.grammar: expected "::=" at line 1', false, 400);
    const err = plainRefusal(refused, { messages: [], structured_outputs: { grammar: 'root = x' } }, 'm') as PlatformError;
    expect(err).toBeInstanceOf(PlatformError);
    expect(err.message).toBe('guided_grammar: expected "::=" at line 1');
    expect(err.target?.name).toBe('guided_grammar');
    expect(plainRefusal(refused, { messages: [] }, 'm')).toBe(refused);
    // The engine server blames the field in `param` and words the message its own way.
    const blamed = backendErrorFor(
      400,
      JSON.stringify({ error: { message: 'invalid grammar: EBNF parser error', param: 'structured_outputs' } }),
    );
    expect(plainRefusal(blamed, { messages: [], structured_outputs: { grammar: 'root ::= (' } }, 'm')).toMatchObject({
      message: 'invalid grammar: EBNF parser error',
      target: { name: 'guided_grammar' },
    });
  });

  it('restates a refusal the stream throws', async () => {
    async function* refused(): AsyncGenerator<number> {
      yield* [];
      throw vllm;
    }
    await expect(withPlainRefusals(refused(), body('required'), 'm').next()).rejects.toThrow('tool_choice "required" is not enabled');
  });
});

describe('folding streamed tool-call fragments', () => {
  it('opens a call with its first fragment and appends the arguments of the later ones, per index', () => {
    const calls: inferenceV1.ToolCall[] = [];
    const frag = (index: number, id: string, name: string, args: string): inferenceV1.ToolCall => ({
      id,
      type: '',
      index,
      function: { name, arguments: args },
    });
    for (const f of [
      frag(0, 'chatcmpl-tool-a', 'get_weather', ''),
      frag(0, '', '', '{"location": '),
      frag(1, 'chatcmpl-tool-b', 'get_time', '{}'),
      frag(0, '', '', '"Paris"}'),
    ])
      foldToolCall(calls, f);
    expect(calls).toEqual([
      { id: 'chatcmpl-tool-a', type: 'function', index: 0, function: { name: 'get_weather', arguments: '{"location": "Paris"}' } },
      { id: 'chatcmpl-tool-b', type: 'function', index: 1, function: { name: 'get_time', arguments: '{}' } },
    ]);
  });
});

describe('parallel_tool_calls', () => {
  it('reaches the backend body when the request sets it, and stays out otherwise', () => {
    expect(openAiChatBody(request({ toolsJson: TOOLS, parallelToolCalls: false })).parallel_tool_calls).toBe(false);
    expect(openAiChatBody(request({ toolsJson: TOOLS })).parallel_tool_calls).toBeUndefined();
  });
});
