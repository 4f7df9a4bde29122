import type { inferenceV1 } from '@platform/contracts';
import { moderationsView, systemView } from './moderations-mapping';

/** The inference contract's messages as the watsonx JSON the SDKs read (snake_case, optional parts left out). */

export function generationResult(r: inferenceV1.GenerationResult | undefined, ro: inferenceV1.ReturnOptions | undefined) {
  const result: inferenceV1.GenerationResult = r ?? {
    generatedText: '',
    generatedTokenCount: 0,
    inputTokenCount: 0,
    stopReason: 'error',
    generatedTokens: [],
    inputText: '',
    moderations: undefined,
    warnings: [],
  };
  return {
    generated_text: result.generatedText,
    generated_token_count: result.generatedTokenCount,
    input_token_count: result.inputTokenCount,
    stop_reason: result.stopReason,
    ...(result.seed !== undefined ? { seed: result.seed } : {}),
    ...(ro?.inputText && result.inputText ? { input_text: result.inputText } : {}),
    ...(result.generatedTokens.length
      ? {
          generated_tokens: result.generatedTokens.map((t) => ({
            text: t.text,
            ...(t.logprob !== undefined ? { logprob: t.logprob } : {}),
            ...(t.rank !== undefined ? { rank: t.rank } : {}),
            ...(t.topTokens.length
              ? { top_tokens: t.topTokens.map((c) => ({ text: c.text, ...(c.logprob !== undefined ? { logprob: c.logprob } : {}) })) }
              : {}),
          })),
        }
      : {}),
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

export function chatView(res: inferenceV1.ChatResponse) {
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
      finish_reason: c.finishReason || null,
      ...logprobs(c),
    })),
    ...usage(res.usage),
  };
}

export function chatChunkView(res: inferenceV1.ChatStreamResponse) {
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
      finish_reason: c.finishReason || null,
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
