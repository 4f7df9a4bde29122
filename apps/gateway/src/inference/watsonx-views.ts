import { inferenceV1 } from '@platform/contracts';
import { moderationsView, systemView } from './moderations-mapping';

/** The inference contract's messages as the watsonx JSON the SDKs read (snake_case, optional parts left out). */

const S = inferenceV1.StopReason;

/** watsonx text generation's `stop_reason` words; empty when nothing was generated (unsuitable input). */
export const WATSONX_STOP_REASON: Readonly<Record<inferenceV1.StopReason, string>> = {
  [S.STOP_REASON_UNSPECIFIED]: '',
  [S.STOP_REASON_NOT_FINISHED]: 'not_finished',
  [S.STOP_REASON_MAX_TOKENS]: 'max_tokens',
  [S.STOP_REASON_EOS_TOKEN]: 'eos_token',
  // Generation has no tools; a model that ends its turn with a call has ended its sequence.
  [S.STOP_REASON_TOOL_CALLS]: 'eos_token',
  [S.STOP_REASON_STOP_SEQUENCE]: 'stop_sequence',
  [S.STOP_REASON_TIME_LIMIT]: 'time_limit',
  [S.STOP_REASON_CANCELLED]: 'cancelled',
  [S.STOP_REASON_TOKEN_LIMIT]: 'token_limit',
  [S.STOP_REASON_ERROR]: 'error',
  [S.UNRECOGNIZED]: '',
};

/** A chat surface's `finish_reason` words; null while the choice still streams. */
export type FinishReasonWords = Readonly<Record<inferenceV1.StopReason, string | null>>;

/** watsonx chat's `finish_reason` words (OpenAI's, plus time_limit, cancelled and error). */
export const WATSONX_FINISH_REASON: FinishReasonWords = {
  [S.STOP_REASON_UNSPECIFIED]: 'stop',
  [S.STOP_REASON_NOT_FINISHED]: null,
  [S.STOP_REASON_MAX_TOKENS]: 'length',
  [S.STOP_REASON_TOKEN_LIMIT]: 'length',
  [S.STOP_REASON_EOS_TOKEN]: 'stop',
  [S.STOP_REASON_STOP_SEQUENCE]: 'stop',
  [S.STOP_REASON_TOOL_CALLS]: 'tool_calls',
  [S.STOP_REASON_TIME_LIMIT]: 'time_limit',
  [S.STOP_REASON_CANCELLED]: 'cancelled',
  [S.STOP_REASON_ERROR]: 'error',
  [S.UNRECOGNIZED]: 'stop',
};

/** A watsonx TextGenTokenInfo: the text, then what return_options asked for. */
function tokenView(t: inferenceV1.GeneratedToken) {
  return {
    text: t.text,
    ...(t.logprob !== undefined ? { logprob: t.logprob } : {}),
    ...(t.rank !== undefined ? { rank: t.rank } : {}),
    ...(t.topTokens.length
      ? { top_tokens: t.topTokens.map((c) => ({ text: c.text, ...(c.logprob !== undefined ? { logprob: c.logprob } : {}) })) }
      : {}),
  };
}

export function generationResult(r: inferenceV1.GenerationResult | undefined, ro: inferenceV1.ReturnOptions | undefined) {
  const result: inferenceV1.GenerationResult = r ?? {
    inputTokens: [],
    generatedText: '',
    generatedTokenCount: 0,
    inputTokenCount: 0,
    stopReason: '',
    stop: S.STOP_REASON_ERROR,
    generatedTokens: [],
    inputText: '',
    moderations: undefined,
    warnings: [],
  };
  return {
    generated_text: result.generatedText,
    generated_token_count: result.generatedTokenCount,
    input_token_count: result.inputTokenCount,
    stop_reason: WATSONX_STOP_REASON[result.stop],
    ...(result.seed !== undefined ? { seed: result.seed } : {}),
    ...(ro?.inputText && result.inputText ? { input_text: result.inputText } : {}),
    ...(result.generatedTokens.length ? { generated_tokens: result.generatedTokens.map(tokenView) } : {}),
    ...(result.inputTokens.length ? { input_tokens: result.inputTokens.map(tokenView) } : {}),
    ...moderationsView(result.moderations ?? undefined),
  };
}

/** A generation response; warnings the service attached to the result (UNSUITABLE_INPUT) become `system.warnings`. */
export function generationView(
  res: inferenceV1.GenerateResponse | inferenceV1.GenerateStreamResponse,
  ro: inferenceV1.ReturnOptions | undefined,
) {
  return {
    model_id: res.modelId,
    created_at: res.createdAt,
    results: [generationResult(res.result, ro)],
    ...systemView(res.result?.warnings),
  };
}

function toolCalls(m: inferenceV1.ChatMessage | undefined, stream: boolean) {
  if (!m?.toolCalls.length) return {};
  return {
    tool_calls: m.toolCalls.map((t) => ({
      ...(stream ? { index: t.index } : {}),
      ...(t.id ? { id: t.id } : {}),
      ...(t.type ? { type: t.type } : {}),
      function: { ...(t.function?.name ? { name: t.function.name } : {}), arguments: t.function?.arguments ?? '' },
    })),
  };
}

function logprobs(c: inferenceV1.ChatChoice) {
  return c.logprobs.length
    ? {
        logprobs: {
          content: c.logprobs.map((l) => ({
            token: l.token,
            logprob: l.logprob,
            top_logprobs: l.topLogprobs.map((t) => ({ token: t.token, logprob: t.logprob })),
          })),
        },
      }
    : {};
}

function usage(u: inferenceV1.ChatUsage | undefined) {
  return u ? { usage: { prompt_tokens: u.promptTokens, completion_tokens: u.completionTokens, total_tokens: u.totalTokens } } : {};
}

export function chatView(res: inferenceV1.ChatResponse, finishWords: FinishReasonWords = WATSONX_FINISH_REASON) {
  return {
    id: res.id,
    object: 'chat.completion',
    model_id: res.modelId,
    model: res.modelId,
    created: res.created,
    created_at: res.createdAt,
    choices: res.choices.map((c) => ({
      index: c.index,
      message: { role: c.message?.role || 'assistant', content: c.message?.content ?? '', ...toolCalls(c.message, false) },
      finish_reason: finishWords[c.stop],
      ...logprobs(c),
    })),
    ...usage(res.usage),
  };
}

export function chatChunkView(res: inferenceV1.ChatStreamResponse, finishWords: FinishReasonWords = WATSONX_FINISH_REASON) {
  return {
    id: res.id,
    object: 'chat.completion.chunk',
    model_id: res.modelId,
    model: res.modelId,
    created: res.created,
    created_at: res.createdAt,
    choices: res.choices.map((c) => ({
      index: c.index,
      delta: { ...(c.message?.role ? { role: c.message.role } : {}), content: c.message?.content ?? '', ...toolCalls(c.message, true) },
      finish_reason: finishWords[c.stop],
      ...logprobs(c),
    })),
    ...usage(res.usage),
  };
}

export function embeddingsView(res: inferenceV1.EmbedResponse) {
  return {
    model_id: res.modelId,
    results: res.results.map((r) => ({ embedding: r.embedding, ...(r.input ? { input: r.input } : {}) })),
    created_at: res.createdAt,
    input_token_count: res.inputTokenCount,
  };
}

export function tokenizationView(res: inferenceV1.TokenizeResponse, returnTokens: boolean) {
  return { model_id: res.modelId, result: { token_count: res.tokenCount, ...(returnTokens ? { tokens: res.tokens } : {}) } };
}

export function rerankView(res: inferenceV1.RerankResponse) {
  return {
    model_id: res.modelId,
    results: res.results.map((r) => ({ index: r.index, score: r.score, ...(r.input ? { input: { text: r.input } } : {}) })),
    created_at: res.createdAt,
    input_token_count: res.inputTokenCount,
    ...(res.query ? { query: res.query } : {}),
  };
}
