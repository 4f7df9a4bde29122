import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError } from '@platform/common';
import { inferenceV1 } from '@platform/contracts';
import { randomUUID } from 'node:crypto';
import { BackendError } from '../backends/backend-error';
import type { ChatDelta } from '../backends/types';
import { streamPool } from '../pools/dispatch';
import type { PoolRegistry } from '../pools/pool-registry';
import type { Replica } from '../pools/replica';
import { openAiChatBody } from './chat-body';
import { withPlainRefusals } from './chat-refusals';
import { withTimeLimit } from './time-limit';

type Chunk = inferenceV1.ChatStreamResponse;
const S = inferenceV1.StopReason;

function choiceOf(d: ChatDelta, finish?: inferenceV1.StopReason): inferenceV1.ChatChoice {
  return {
    index: d.index ?? 0,
    message: {
      role: d.role ?? '',
      content: d.content ?? '',
      contentParts: [],
      name: '',
      toolCallId: '',
      toolCalls: (d.toolCalls ?? []).map((t) => ({
        id: t.id ?? '',
        type: t.type ?? '',
        index: t.index,
        function: { name: t.function?.name ?? '', arguments: t.function?.arguments ?? '' },
      })),
    },
    finishReason: '',
    stop: finish ?? d.finish ?? S.STOP_REASON_NOT_FINISHED,
    logprobs: (d.logprobs ?? []).map((l) => ({ token: l.token, logprob: l.logprob, topLogprobs: l.top })),
  };
}

/**
 * Chat as it streams, in the platform's chunk shape. A time limit ends every open choice with STOP_REASON_TIME_LIMIT;
 * a failure after the first chunk ends them with STOP_REASON_ERROR.
 */
export async function* chatStream(pools: PoolRegistry, req: inferenceV1.ChatRequest, signal: AbortSignal): AsyncGenerator<Chunk> {
  const pool = pools.get(req.modelId);
  const body = openAiChatBody(req);
  const limited = withTimeLimit(signal, req.parameters?.timeLimit ?? 0);
  const created = Math.floor(Date.now() / 1000);
  const base = {
    id: `chatcmpl-${randomUUID().replace(/-/g, '')}`,
    modelId: req.modelId,
    created,
    createdAt: new Date(created * 1000).toISOString(),
  };
  const open = new Set<number>();
  let first = true;
  let sawFinish = false;
  const ending = (reason: inferenceV1.StopReason): Chunk => ({
    ...base,
    usage: undefined,
    choices: [...(open.size ? open : [0])].map((index) => choiceOf({ index }, reason)),
  });
  try {
    const connect = (r: Replica) => withPlainRefusals(r.adapter.chatStream(r.backendModel, body, limited.signal), body, req.modelId);
    for await (const d of streamPool(pool, limited.signal, connect)) {
      first = false;
      if (d.index === undefined) {
        yield {
          ...base,
          choices: [],
          usage: d.usage && {
            promptTokens: d.usage.prompt,
            completionTokens: d.usage.completion,
            totalTokens: d.usage.prompt + d.usage.completion,
          },
        };
        continue;
      }
      if (d.finish !== undefined) {
        open.delete(d.index);
        sawFinish = true;
      } else open.add(d.index);
      yield { ...base, usage: undefined, choices: [choiceOf(d)] };
    }
    if (!sawFinish || open.size) throw new BackendError('the model server ended the stream early', true);
  } catch (err) {
    if (limited.timedOut()) {
      yield ending(S.STOP_REASON_TIME_LIMIT);
      return;
    }
    if (signal.aborted) throw new PlatformError(GrpcStatus.CANCELLED, 'cancelled', 'The request was cancelled.');
    if (first || !(err instanceof BackendError)) throw err;
    yield ending(S.STOP_REASON_ERROR);
  } finally {
    limited.dispose();
  }
}

/**
 * One streamed tool-call fragment into the calls gathered so far: the first fragment of an index opens the call
 * (id, type, name), later ones add to its arguments and fill what the first left out.
 */
export function foldToolCall(calls: inferenceV1.ToolCall[], t: inferenceV1.ToolCall): void {
  const same = calls.find((x) => x.index === t.index);
  if (!same) {
    calls.push({ ...t, type: t.type || 'function', function: { name: t.function?.name ?? '', arguments: t.function?.arguments ?? '' } });
    return;
  }
  same.id ||= t.id;
  const fn = (same.function ??= { name: '', arguments: '' });
  fn.name ||= t.function?.name ?? '';
  fn.arguments += t.function?.arguments ?? '';
}

/** The unary call folds the stream: contents and tool-call arguments concatenate per choice. */
export async function chat(pools: PoolRegistry, req: inferenceV1.ChatRequest, signal: AbortSignal): Promise<inferenceV1.ChatResponse> {
  const choices = new Map<number, inferenceV1.ChatChoice>();
  let head: Omit<Chunk, 'choices' | 'usage'> | undefined;
  let usage: inferenceV1.ChatUsage | undefined;
  for await (const chunk of chatStream(pools, req, signal)) {
    head ??= { id: chunk.id, modelId: chunk.modelId, created: chunk.created, createdAt: chunk.createdAt };
    usage = chunk.usage ?? usage;
    for (const c of chunk.choices) {
      const acc = choices.get(c.index);
      if (!acc) {
        const toolCalls: inferenceV1.ToolCall[] = [];
        for (const t of c.message?.toolCalls ?? []) foldToolCall(toolCalls, t);
        choices.set(c.index, { ...c, message: c.message && { ...c.message, role: c.message.role || 'assistant', toolCalls } });
        continue;
      }
      if (c.message) {
        const m = acc.message as inferenceV1.ChatMessage;
        m.content += c.message.content;
        for (const t of c.message.toolCalls) foldToolCall(m.toolCalls, t);
      }
      acc.logprobs.push(...c.logprobs);
      if (c.stop !== S.STOP_REASON_NOT_FINISHED) acc.stop = c.stop;
    }
  }
  const sorted = [...choices.values()].sort((a, b) => a.index - b.index);
  if (sorted.some((c) => c.stop === S.STOP_REASON_ERROR))
    throw new PlatformError(GrpcStatus.UNAVAILABLE, 'service_unavailable', 'The model server failed while generating; try again.');
  return { ...(head ?? { id: '', modelId: req.modelId, created: 0, createdAt: '' }), choices: sorted, usage };
}
