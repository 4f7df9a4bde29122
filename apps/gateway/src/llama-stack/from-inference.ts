import { inferenceV1 } from '@platform/contracts';

/** Inference contract results as the draft's CompletionResponse / ChatCompletionResponse and their stream chunks. */

export type DraftStopReason = 'not_stopped' | 'finished_ok' | 'max_tokens';

export interface ToolCallView {
  tool_name: string;
  arguments: Record<string, unknown>;
}

/** OpenAI's legacy completion logprobs shape, which fits the draft's free-form `logprobs` object. */
export interface LogprobsView {
  tokens: string[];
  token_logprobs: (number | null)[];
}

export interface CompletionView {
  content: string;
  stop_reason?: DraftStopReason;
  logprobs?: LogprobsView;
}

export interface ChatCompletionView extends CompletionView {
  tool_calls: ToolCallView[];
}

export interface StreamChunkView {
  text_delta: string;
  stop_reason?: DraftStopReason;
  logprobs?: LogprobsView;
  tool_call?: ToolCallView;
}

const S = inferenceV1.StopReason;

/** Stream items that end a generation in failure, not a finish reason the draft can name. */
export const FAILED = S.STOP_REASON_ERROR;

/**
 * The draft's `stop_reason` words (it has three), for completions and chat alike; undefined while still generating.
 * What the draft cannot name (a time limit, a cancel, a reason the backend did not give) is not_stopped.
 */
export const LLAMA_STACK_STOP_REASON: Readonly<Record<inferenceV1.StopReason, DraftStopReason | undefined>> = {
  [S.STOP_REASON_NOT_FINISHED]: undefined,
  [S.STOP_REASON_EOS_TOKEN]: 'finished_ok',
  [S.STOP_REASON_STOP_SEQUENCE]: 'finished_ok',
  [S.STOP_REASON_TOOL_CALLS]: 'finished_ok',
  [S.STOP_REASON_MAX_TOKENS]: 'max_tokens',
  [S.STOP_REASON_TOKEN_LIMIT]: 'max_tokens',
  [S.STOP_REASON_TIME_LIMIT]: 'not_stopped',
  [S.STOP_REASON_CANCELLED]: 'not_stopped',
  [S.STOP_REASON_ERROR]: 'not_stopped',
  [S.STOP_REASON_UNSPECIFIED]: 'not_stopped',
  [S.UNRECOGNIZED]: 'not_stopped',
};

/** undefined while still generating (or when there is no result at all). */
export const stopReason = (stop: inferenceV1.StopReason | undefined): DraftStopReason | undefined =>
  stop === undefined ? undefined : LLAMA_STACK_STOP_REASON[stop];

function logprobsOf(tokens: { text: string; logprob?: number }[]): LogprobsView | undefined {
  if (tokens.length === 0) return undefined;
  return { tokens: tokens.map((t) => t.text), token_logprobs: tokens.map((t) => t.logprob ?? null) };
}

export const generationLogprobs = (r: inferenceV1.GenerationResult | undefined) => logprobsOf(r?.generatedTokens ?? []);
export const chatLogprobs = (c: inferenceV1.ChatChoice | undefined) =>
  logprobsOf((c?.logprobs ?? []).map((l) => ({ text: l.token, logprob: l.logprob })));

/** Arguments arrive as JSON text; the draft wants an object, so anything else is kept under `arguments`. */
export function toolArguments(text: string): Record<string, unknown> {
  if (!text.trim()) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : { arguments: parsed };
  } catch {
    return { arguments: text };
  }
}

const withOptional = <T extends object>(base: T, extra: Record<string, unknown>): T => {
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) (base as Record<string, unknown>)[k] = v;
  return base;
};

export function completionView(res: inferenceV1.GenerateResponse): CompletionView {
  const r = res.result;
  return withOptional(
    { content: r?.generatedText ?? '' },
    { stop_reason: stopReason(r?.stop) ?? 'not_stopped', logprobs: generationLogprobs(r) },
  );
}

export function chatCompletionView(res: inferenceV1.ChatResponse): ChatCompletionView {
  const c = res.choices[0];
  const tool_calls = (c?.message?.toolCalls ?? []).map((t) => ({
    tool_name: t.function?.name ?? '',
    arguments: toolArguments(t.function?.arguments ?? ''),
  }));
  return withOptional(
    { content: c?.message?.content ?? '', tool_calls },
    { stop_reason: stopReason(c?.stop) ?? 'not_stopped', logprobs: chatLogprobs(c) },
  );
}

export function completionChunk(item: inferenceV1.GenerateStreamResponse): StreamChunkView {
  return withOptional(
    { text_delta: item.result?.generatedText ?? '' },
    { stop_reason: stopReason(item.result?.stop), logprobs: generationLogprobs(item.result) },
  );
}

/**
 * Chat streams carry tool calls in fragments (name first, arguments piece by piece, keyed by index) while the
 * draft's chunk holds one whole call, so fragments are gathered and each call is sent once the choice finishes.
 */
export class ChatChunker {
  private readonly calls = new Map<number, { name: string; args: string }>();

  chunks(item: inferenceV1.ChatStreamResponse): StreamChunkView[] {
    const c = item.choices[0];
    if (!c) return [];
    for (const t of c.message?.toolCalls ?? []) {
      const call = this.calls.get(t.index) ?? { name: '', args: '' };
      call.name ||= t.function?.name ?? '';
      call.args += t.function?.arguments ?? '';
      this.calls.set(t.index, call);
    }
    const text = c.message?.content ?? '';
    const stop = stopReason(c.stop);
    const out: StreamChunkView[] = [];
    if (text || c.logprobs.length) out.push(withOptional({ text_delta: text }, { logprobs: chatLogprobs(c) }));
    if (!stop) return out;
    for (const [, call] of [...this.calls].sort(([a], [b]) => a - b))
      out.push({ text_delta: '', tool_call: { tool_name: call.name, arguments: toolArguments(call.args) } });
    this.calls.clear();
    out.push({ text_delta: '', stop_reason: stop });
    return out;
  }
}
