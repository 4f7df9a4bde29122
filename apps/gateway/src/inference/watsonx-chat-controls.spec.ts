import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { inferenceV1 } from '@platform/contracts';
import { describe, expect, it } from 'vitest';
import { TextChatRequest } from './inference.dto';
import { chatRequest } from './to-grpc';
import { chatChunkView, chatView } from './watsonx-views';

const pipe = new ValidationPipe({ whitelist: true, transform: true });
const base = { project_id: 'p1', model_id: 'm', messages: [{ role: 'user', content: 'hi' }] };

async function refusedProperties(body: object): Promise<string> {
  try {
    await pipe.transform(body, { type: 'body', metatype: TextChatRequest });
  } catch (err) {
    return JSON.stringify((err as { getResponse(): unknown }).getResponse());
  }
  throw new Error('expected a refusal');
}

describe('watsonx chat guided_* options', () => {
  it('map onto the contract: the schema as JSON text (object or the SDK string alike), the others as they are', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const fromObject = chatRequest({ ...base, guided_json: schema } as TextChatRequest).parameters;
    const fromText = chatRequest({ ...base, guided_json: JSON.stringify(schema) } as TextChatRequest).parameters;
    expect(JSON.parse(fromObject?.guidedJson ?? '')).toEqual(schema);
    expect(fromText?.guidedJson).toBe(JSON.stringify(schema));
    expect(
      chatRequest({ ...base, guided_regex: '\\d+', guided_choice: ['a'], guided_grammar: 'root ::= "a"' } as TextChatRequest).parameters,
    ).toMatchObject({
      guidedRegex: '\\d+',
      guidedChoice: ['a'],
      guidedGrammar: 'root ::= "a"',
    });
    expect(chatRequest(base as TextChatRequest).parameters).toMatchObject({
      guidedJson: undefined,
      guidedRegex: undefined,
      guidedChoice: [],
      guidedGrammar: undefined,
    });
  });

  it('are bounded, each refusal naming its field', async () => {
    expect(await refusedProperties({ ...base, guided_json: [1] })).toContain('guided_json');
    expect(await refusedProperties({ ...base, guided_json: { a: 'x'.repeat(70_000) } })).toContain('guided_json');
    expect(await refusedProperties({ ...base, guided_regex: 'a'.repeat(8193) })).toContain('guided_regex');
    expect(await refusedProperties({ ...base, guided_choice: [] })).toContain('guided_choice');
    expect(await refusedProperties({ ...base, guided_choice: ['x'.repeat(1025)] })).toContain('guided_choice');
    expect(await refusedProperties({ ...base, guided_grammar: 7 })).toContain('guided_grammar');
  });
});

describe('watsonx chat tool calls in responses', () => {
  const S = inferenceV1.StopReason;
  const call = { id: 'chatcmpl-tool-1', type: 'function', index: 0, function: { name: 'get_weather', arguments: '{"location":"Boston"}' } };
  const message = (toolCalls: inferenceV1.ToolCall[]) => ({
    role: 'assistant',
    content: '',
    contentParts: [],
    name: '',
    toolCallId: '',
    toolCalls,
  });
  const head = { id: 'chat-1', modelId: 'm', created: 1, createdAt: 'now' };

  it('carry tool_calls and finish_reason tool_calls, as the API reference shows', () => {
    const view = chatView({
      ...head,
      usage: undefined,
      choices: [{ index: 0, message: message([call]), finishReason: '', logprobs: [], stop: S.STOP_REASON_TOOL_CALLS }],
    });
    expect(view.choices[0]).toEqual({
      index: 0,
      message: { role: 'assistant', content: '', tool_calls: [{ id: call.id, type: 'function', function: call.function }] },
      finish_reason: 'tool_calls',
    });
  });

  it('stream tool-call deltas with their index; later fragments carry only arguments', () => {
    const first = chatChunkView({
      ...head,
      usage: undefined,
      choices: [{ index: 0, message: message([call]), finishReason: '', logprobs: [], stop: S.STOP_REASON_NOT_FINISHED }],
    });
    expect(first.choices[0].delta.tool_calls).toEqual([{ index: 0, id: call.id, type: 'function', function: call.function }]);
    const later = chatChunkView({
      ...head,
      usage: undefined,
      choices: [
        {
          index: 0,
          message: message([{ id: '', type: '', index: 0, function: { name: '', arguments: '}' } }]),
          finishReason: '',
          logprobs: [],
          stop: S.STOP_REASON_TOOL_CALLS,
        },
      ],
    });
    expect(later.choices[0]).toMatchObject({
      delta: { tool_calls: [{ index: 0, function: { arguments: '}' } }] },
      finish_reason: 'tool_calls',
    });
  });
});
