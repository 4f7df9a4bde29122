import { inferenceV1 } from '@platform/contracts';
import { describe, expect, it } from 'vitest';
import { boundedMap } from './bounded-map';
import { ChatChunker, chatCompletionView, completionChunk, completionView, stopReason, toolArguments } from './from-inference';
import { LLAMA_STACK_STREAM, FailedChunk } from './llama-stack-stream';
import type { DialogDto } from './llama-stack.dto';
import { chatRequest, completionRequest } from './to-inference';
import { toolSchema } from '@platform/common';

const target = { modelId: 'platform/tiny', projectId: 'p1' };
const msg = (role: string, content: unknown, extra: object = {}) => ({ role, content, ...extra });

const result = (r: Partial<inferenceV1.GenerationResult>) =>
  ({
    generatedText: '',
    generatedTokenCount: 0,
    inputTokenCount: 0,
    stopReason: '',
    stop: inferenceV1.StopReason.STOP_REASON_NOT_FINISHED,
    generatedTokens: [],
    inputText: '',
    ...r,
  }) as inferenceV1.GenerationResult;
const choice = (c: Partial<inferenceV1.ChatChoice> & { content?: string; toolCalls?: inferenceV1.ToolCall[] }): inferenceV1.ChatChoice => ({
  index: 0,
  message: { role: '', content: c.content ?? '', contentParts: [], name: '', toolCallId: '', toolCalls: c.toolCalls ?? [] },
  finishReason: '',
  stop: c.stop ?? inferenceV1.StopReason.STOP_REASON_NOT_FINISHED,
  logprobs: c.logprobs ?? [],
});
const chunk = (c: inferenceV1.ChatChoice): inferenceV1.ChatStreamResponse => ({
  id: 'x',
  modelId: 'm',
  created: 0,
  createdAt: '',
  choices: [c],
  usage: undefined,
});

describe('completion requests', () => {
  it('greedy by default, max_tokens 0 leaves the default, logprobs ask for tokens', () => {
    const req = completionRequest('Hello', 'content', { max_tokens: 0, logprobs: true }, target);
    expect(req).toMatchObject({
      modelId: 'platform/tiny',
      input: 'Hello',
      projectId: 'p1',
      parameters: { decodingMethod: 'greedy', maxNewTokens: undefined, returnOptions: { tokenLogprobs: true, generatedTokens: true } },
    });
  });

  it('maps top_p and top_k strategies onto sampling', () => {
    const topP = completionRequest(
      'x',
      'content',
      { sampling_params: { strategy: 'top_p', temperature: 0.7, top_p: 0.9 }, max_tokens: 5 },
      target,
    );
    expect(topP.parameters).toMatchObject({ decodingMethod: 'sample', temperature: 0.7, topP: 0.9, topK: undefined, maxNewTokens: 5 });
    const topK = completionRequest('x', 'content', { sampling_params: { strategy: 'top_k', top_k: 3, temperature: 0 } }, target);
    expect(topK.parameters).toMatchObject({ decodingMethod: 'sample', temperature: undefined, topK: 3 });
    expect(() => completionRequest('x', 'content', { sampling_params: { strategy: 'top_k', top_k: 0 } }, target)).toThrow(/top_k/);
  });

  it('joins text items and refuses attachments, naming the field', () => {
    expect(completionRequest(['a', 'b'], 'content', {}, target).input).toBe('a b');
    expect(() => completionRequest({ url: 'https://x/y.png', mime_type: 'image/png' }, 'content_batch[2]', {}, target)).toThrow(
      /content_batch\[2\]/,
    );
    expect(() => completionRequest(42, 'content', {}, target)).toThrow(/content must be a string or an attachment/);
  });
});

describe('chat requests', () => {
  it('flattens the dialog: history first, tool calls with ids, tool responses tied to them', () => {
    const dialog = {
      message_history: [
        msg('system', 'Be brief.'),
        msg('user', 'Weather?'),
        msg('assistant', '', { tool_calls: [{ tool_name: 'weather', arguments: { city: 'Paris' } }] }),
        msg('tool', '', { tool_responses: [{ tool_name: 'weather', content: 'sunny' }] }),
      ],
      message: msg('user', ['Thanks', { url: 'https://example.com/a.png', mime_type: 'image/png' }]),
    } as DialogDto;
    const req = chatRequest(dialog, 'dialog', { logprobs: true }, target);
    expect(req.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'user']);
    expect(req.messages[2].toolCalls[0]).toEqual({
      id: 'call_2_0',
      type: 'function',
      index: 0,
      function: { name: 'weather', arguments: '{"city":"Paris"}' },
    });
    expect(req.messages[3]).toMatchObject({ content: 'sunny', name: 'weather', toolCallId: 'call_2_0' });
    expect(req.messages[4].contentParts).toEqual([
      { type: 'text', text: 'Thanks', imageUrl: '' },
      { type: 'image_url', text: '', imageUrl: 'https://example.com/a.png' },
    ]);
    expect(req.parameters).toMatchObject({ temperature: 0, logprobs: true, toolsJson: '' });
  });

  it('turns available tools into function tools and refuses what the platform cannot honour', () => {
    const dialog = { message: msg('user', 'hi') } as DialogDto;
    const tools = [
      {
        tool_name: 'get_time',
        parameters: { zone: { param_type: 'string', description: 'IANA zone', required: true } },
        input_shields: [],
        output_shields: [],
      },
    ];
    const req = chatRequest(dialog, 'dialog', { available_tools: tools, sampling_params: { strategy: 'top_p', top_p: 0.5 } }, target);
    expect(JSON.parse(req.parameters?.toolsJson ?? '')).toEqual([
      {
        type: 'function',
        function: {
          name: 'get_time',
          parameters: { type: 'object', properties: { zone: { type: 'string', description: 'IANA zone' } }, required: ['zone'] },
        },
      },
    ]);
    expect(req.parameters).toMatchObject({ topP: 0.5, temperature: undefined });
    expect(() => chatRequest(dialog, 'dialog', { sampling_params: { strategy: 'top_k', top_k: 2 } }, target)).toThrow(
      /sampling_params.strategy/,
    );
    expect(() =>
      chatRequest(dialog, 'dialog', { available_tools: [{ ...tools[0], input_shields: [{ shield_type: 'llama_guard' }] }] }, target),
    ).toThrow(/shields/);
    expect(() =>
      chatRequest({ message: msg('user', { url: 'file:///etc/passwd', mime_type: 'text/plain' }) } as DialogDto, 'dialog', {}, target),
    ).toThrow(/dialog.message.content.url/);
    expect(toolSchema({ type: 'object', properties: {} })).toEqual({ type: 'object', properties: {} });
  });
});

describe('responses', () => {
  it('maps the contract stop reasons onto the draft stop reasons', () => {
    const S = inferenceV1.StopReason;
    expect([S.STOP_REASON_EOS_TOKEN, S.STOP_REASON_STOP_SEQUENCE, S.STOP_REASON_TOOL_CALLS].map(stopReason)).toEqual(
      Array(3).fill('finished_ok'),
    );
    expect([S.STOP_REASON_MAX_TOKENS, S.STOP_REASON_TOKEN_LIMIT].map(stopReason)).toEqual(Array(2).fill('max_tokens'));
    expect([S.STOP_REASON_TIME_LIMIT, S.STOP_REASON_CANCELLED, S.STOP_REASON_UNSPECIFIED].map(stopReason)).toEqual(
      Array(3).fill('not_stopped'),
    );
    expect([undefined, S.STOP_REASON_NOT_FINISHED].map(stopReason)).toEqual([undefined, undefined]);
  });

  it('builds CompletionResponse and its stream chunks with logprobs only when asked', () => {
    const r = result({
      generatedText: 'hi',
      stop: inferenceV1.StopReason.STOP_REASON_MAX_TOKENS,
      generatedTokens: [
        { text: 'h', logprob: -0.5, topTokens: [] },
        { text: 'i', topTokens: [] },
      ],
    });
    expect(completionView({ modelId: 'm', createdAt: '', result: r })).toEqual({
      content: 'hi',
      stop_reason: 'max_tokens',
      logprobs: { tokens: ['h', 'i'], token_logprobs: [-0.5, null] },
    });
    expect(completionChunk({ modelId: 'm', createdAt: '', result: result({ generatedText: 'a' }) })).toEqual({
      text_delta: 'a',
    });
  });

  it('builds ChatCompletionResponse with tool calls as objects', () => {
    const res = {
      id: 'x',
      modelId: 'm',
      created: 0,
      createdAt: '',
      usage: undefined,
      choices: [
        choice({
          content: '',
          stop: inferenceV1.StopReason.STOP_REASON_TOOL_CALLS,
          toolCalls: [{ id: 'c', type: 'function', index: 0, function: { name: 'f', arguments: '{"a":1}' } }],
        }),
      ],
    };
    expect(chatCompletionView(res)).toEqual({
      content: '',
      tool_calls: [{ tool_name: 'f', arguments: { a: 1 } }],
      stop_reason: 'finished_ok',
    });
    expect(toolArguments('not json')).toEqual({ arguments: 'not json' });
    expect(toolArguments('[1]')).toEqual({ arguments: [1] });
  });

  it('gathers streamed tool call fragments into whole calls before the stop chunk', () => {
    const c = new ChatChunker();
    const frag = (index: number, name: string, args: string): inferenceV1.ToolCall => ({
      id: '',
      type: '',
      index,
      function: { name, arguments: args },
    });
    expect(c.chunks(chunk(choice({ content: 'ok' })))).toEqual([{ text_delta: 'ok' }]);
    expect(c.chunks(chunk(choice({ toolCalls: [frag(0, 'f', '{"a":')] })))).toEqual([]);
    expect(c.chunks(chunk(choice({ toolCalls: [frag(0, '', '2}')], stop: inferenceV1.StopReason.STOP_REASON_TOOL_CALLS })))).toEqual([
      { text_delta: '', tool_call: { tool_name: 'f', arguments: { a: 2 } } },
      { text_delta: '', stop_reason: 'finished_ok' },
    ]);
  });

  it('frames chunks as data lines and failures as error events', () => {
    expect(LLAMA_STACK_STREAM.frame(1, { text_delta: 'a' })).toBe('data: {"text_delta":"a"}\n\n');
    expect(LLAMA_STACK_STREAM.frame(2, [{ text_delta: '' }, { text_delta: '', stop_reason: 'max_tokens' }])).toBe(
      'data: {"text_delta":""}\n\ndata: {"text_delta":"","stop_reason":"max_tokens"}\n\n',
    );
    expect(LLAMA_STACK_STREAM.frame(3, new FailedChunk({ text_delta: '' }))).toBe('event: error\ndata: {"text_delta":""}\n\n');
  });
});

describe('boundedMap', () => {
  it('keeps order and never exceeds the limit', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await boundedMap([5, 1, 4, 2, 3, 0, 6, 7, 8, 9], 3, async (n) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0, 60, 70, 80, 90]);
    expect(peak).toBe(3);
  });

  it('stops starting work after a failure and rejects with it', async () => {
    const started: number[] = [];
    await expect(
      boundedMap([0, 1, 2, 3, 4, 5], 2, async (n) => {
        started.push(n);
        if (n === 1) throw new Error('boom');
        return n;
      }),
    ).rejects.toThrow('boom');
    expect(started.length).toBeLessThan(6);
  });
});
