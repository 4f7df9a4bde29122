import { describe, expect, it } from 'vitest';
import { PlatformError } from '@platform/common';
import { chatCompletionToGrpc, completionToGrpc, embeddingsToGrpc } from './openai-mapping';
import type { ChatCompletionRequest, CompletionRequest } from './openai.dto';

const scope = { projectId: 'p' };
const completion = (over: Partial<CompletionRequest>): CompletionRequest => ({ model: 'm', prompt: 'Hi', ...over }) as CompletionRequest;

describe('OpenAI completions onto watsonx generation', () => {
  it('gives choice i the seed plus i, and asks for tokens when logprobs or echo+logprobs are asked', () => {
    const body = completion({ seed: 7, logprobs: 2, echo: true, logit_bias: { '120': 100 } });
    const [first, second] = [completionToGrpc(body, scope, 0), completionToGrpc(body, scope, 1)];
    expect([first.parameters?.randomSeed, second.parameters?.randomSeed]).toEqual([7, 8]);
    expect(first.parameters).toMatchObject({
      logitBiasJson: '{"120":100}',
      returnOptions: { generatedTokens: true, inputTokens: true, tokenLogprobs: true, topNTokens: 2, inputText: false, tokenRanks: false },
    });
    const plain = completionToGrpc(completion({}), scope, 3);
    expect(plain.parameters).toMatchObject({ randomSeed: undefined, returnOptions: undefined, logitBiasJson: undefined });
    expect(completionToGrpc(completion({ logprobs: 0 }), scope).parameters?.returnOptions).toMatchObject({
      inputTokens: false,
      topNTokens: 0,
    });
  });

  it.each([
    [{ suffix: 'x' }, 'suffix'],
    [{ best_of: 2 }, 'best_of'],
    [{ logit_bias: { x: 1 } }, 'logit_bias'],
  ] as [Partial<CompletionRequest>, string][])('refuses what it cannot honour: %j', (over, field) => {
    expect(() => completionToGrpc(completion(over), scope)).toThrow(PlatformError);
    try {
      completionToGrpc(completion(over), scope);
    } catch (err) {
      expect((err as PlatformError).target?.name).toBe(field);
    }
  });

  it('takes best_of equal to n, and passes the penalties on', () => {
    expect(() => completionToGrpc(completion({ n: 3, best_of: 3 }), scope)).not.toThrow();
    expect(completionToGrpc(completion({ frequency_penalty: 0.5, presence_penalty: -1 }), scope).parameters).toMatchObject({
      frequencyPenalty: 0.5,
      presencePenalty: -1,
    });
  });
});

describe('OpenAI chat onto the inference contract', () => {
  const chat = (over: Partial<ChatCompletionRequest>): ChatCompletionRequest =>
    ({ model: 'm', messages: [{ role: 'user', content: 'hi' }], ...over }) as ChatCompletionRequest;
  const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];

  it('passes n, tools, a named or optional tool_choice, response_format and logit_bias', () => {
    const named = chatCompletionToGrpc(
      chat({
        n: 3,
        tools,
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
        response_format: { type: 'json_object' },
        logit_bias: { '123': 100 },
      }),
      scope,
    );
    expect(named.parameters).toMatchObject({
      n: 3,
      toolsJson: JSON.stringify(tools),
      toolChoiceJson: '{"type":"function","function":{"name":"get_weather"}}',
      toolChoiceOption: '',
      responseFormatJson: '{"type":"json_object"}',
      logitBiasJson: '{"123":100}',
    });
    expect(chatCompletionToGrpc(chat({ tools, tool_choice: 'required', parallel_tool_calls: false }), scope).parameters).toMatchObject({
      toolChoiceOption: 'required',
      toolChoiceJson: '',
      parallelToolCalls: false,
    });
    expect(chatCompletionToGrpc(chat({ tools }), scope).parameters?.parallelToolCalls).toBeUndefined();
  });

  it("maps vLLM's structured_outputs and guided_* extras onto the guided options", () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    expect(chatCompletionToGrpc(chat({ structured_outputs: { json: schema } }), scope).parameters).toMatchObject({
      guidedJson: JSON.stringify(schema),
      guidedChoice: [],
    });
    expect(chatCompletionToGrpc(chat({ structured_outputs: { choice: ['yes', 'no'] } }), scope).parameters?.guidedChoice).toEqual([
      'yes',
      'no',
    ]);
    expect(chatCompletionToGrpc(chat({ guided_regex: '[0-9]+' }), scope).parameters?.guidedRegex).toBe('[0-9]+');
    expect(chatCompletionToGrpc(chat({ structured_outputs: { grammar: 'root ::= "a"' } }), scope).parameters?.guidedGrammar).toBe(
      'root ::= "a"',
    );
    expect(chatCompletionToGrpc(chat({ structured_outputs: { json_object: true } }), scope).parameters?.responseFormatJson).toBe(
      '{"type":"json_object"}',
    );
    const refused = (over: Partial<ChatCompletionRequest>) => {
      try {
        chatCompletionToGrpc(chat(over), scope);
      } catch (err) {
        return (err as PlatformError).target?.name;
      }
      return undefined;
    };
    expect(refused({ structured_outputs: { whitespace_pattern: ' ' } })).toBe('structured_outputs.whitespace_pattern');
    expect(refused({ structured_outputs: { regex: 1 } })).toBe('structured_outputs.regex');
    expect(refused({ structured_outputs: { choice: [] } })).toBe('structured_outputs.choice');
    expect(refused({ structured_outputs: { json: [1] } })).toBe('structured_outputs.json');
    expect(refused({ structured_outputs: { regex: 'a' }, guided_regex: 'b' })).toBe('guided_regex');
    expect(refused({ structured_outputs: { json_object: true }, response_format: { type: 'text' } })).toBe(
      'structured_outputs.json_object',
    );
  });

  it('refuses a tool_choice naming a function tools lack', () => {
    expect(() => chatCompletionToGrpc(chat({ tools, tool_choice: { type: 'function', function: { name: 'nope' } } }), scope)).toThrow(
      /not in tools/,
    );
  });
});

describe('OpenAI embeddings', () => {
  it('passes dimensions', () => {
    expect(embeddingsToGrpc({ model: 'm', input: 'a', dimensions: 8 }, scope)).toMatchObject({ dimensions: 8, inputs: ['a'] });
    expect(embeddingsToGrpc({ model: 'm', input: 'a' }, scope).dimensions).toBeUndefined();
  });
});
