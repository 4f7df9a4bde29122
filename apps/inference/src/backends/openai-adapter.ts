import { sumGaugeSamples, VLLM_LOAD_GAUGES } from '@platform/common';
import { BackendError, backendErrorFor } from './backend-error';
import { getText, postJson, readJson, sseData, type BackendResponse } from './http';
import { backendStopReason } from './stop-reason';
import type {
  ChatDelta,
  CompletionDelta,
  CompletionParams,
  DiscoveredModel,
  EmbedResult,
  ModelServerAdapter,
  OpenAiChatBody,
  PromptToken,
  TokenDetail,
  TokenizeResult,
} from './types';

interface CompletionChunk {
  choices: {
    text: string;
    finish_reason: string | null;
    stop_reason: string | number | null;
    logprobs: { tokens: string[]; token_logprobs: (number | null)[]; top_logprobs: (Record<string, number> | null)[] | null } | null;
  }[];
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
}

interface ChatChunk {
  /** A failure the server reports inside the stream (vLLM: `{message, code}`; TGI: `{message, http_status_code}`). */
  error?: { message?: string; code?: number; http_status_code?: number } | string;
  choices: {
    index?: number;
    delta: { role?: string; content?: string | null; tool_calls?: ChatDelta['toolCalls'] };
    finish_reason: string | null;
    stop_reason?: string | number | null;
    logprobs?: { content?: { token: string; logprob: number; top_logprobs?: { token: string; logprob: number }[] }[] | null } | null;
  }[];
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
}

function tokensOf(lp: CompletionChunk['choices'][number]['logprobs'], topN: number): TokenDetail[] {
  if (!lp) return [];
  return lp.tokens.map((text, i) => ({
    text,
    logprob: lp.token_logprobs[i] ?? undefined,
    top: Object.entries(lp.top_logprobs?.[i] ?? {})
      .map(([t, logprob]) => ({ text: t, logprob }))
      .sort((a, b) => b.logprob - a.logprob)
      .slice(0, topN),
  }));
}

/**
 * An error event in a chat stream. Before the first chunk it is the request's refusal (TGI validates inside a 200
 * stream), so a 4xx status keeps it the caller's error; without one it is the server's failure.
 */
function streamedError(error: NonNullable<ChatChunk['error']>): BackendError {
  if (typeof error === 'string') return backendErrorFor(500, error);
  const code = error.http_status_code ?? error.code;
  // A reachable server reported it: never a reason to take the replica out of rotation, so always with a status.
  const status = typeof code === 'number' && code >= 400 && code < 600 ? code : 500;
  return new BackendError(error.message ?? 'the model server reported an error', status >= 500 || status === 429, status);
}

/** vLLM's OpenAI-compatible server (also the built-in engine server): /v1/completions, /v1/chat/completions, … */
export class OpenAiAdapter implements ModelServerAdapter {
  readonly kind = 'openai' as const;
  /** Whether the server takes a list of prompts on /tokenize; unknown until tried. */
  batchTokenize?: boolean;
  constructor(readonly url: string) {}

  async *completionStream(model: string, p: CompletionParams, signal: AbortSignal): AsyncIterable<CompletionDelta> {
    const body = {
      model,
      prompt: p.prompt,
      stream: true,
      stream_options: { include_usage: true, continuous_usage_stats: true },
      max_tokens: p.maxTokens,
      min_tokens: p.minTokens,
      temperature: p.greedy ? 0 : p.temperature,
      top_p: p.greedy ? undefined : p.topP,
      top_k: p.greedy ? undefined : p.topK,
      seed: p.seed,
      repetition_penalty: p.repetitionPenalty,
      frequency_penalty: p.frequencyPenalty,
      presence_penalty: p.presencePenalty,
      stop: p.stop.length ? p.stop : undefined,
      include_stop_str_in_output: p.includeStop,
      logprobs: p.logprobs === undefined ? undefined : Math.max(1, p.logprobs),
      truncate_prompt_tokens: p.truncatePromptTokens,
      logit_bias: p.logitBias,
    };
    const res = await postJson(this.url, '/v1/completions', body, signal, 'text/event-stream');
    // The finishing chunk is held back until the usage-only chunk that follows it, so the last delta carries
    // both the finish reason and the final counts.
    let last: CompletionDelta | undefined;
    for await (const data of sseData(res, signal)) {
      const chunk = JSON.parse(data) as CompletionChunk;
      const choice = chunk.choices[0];
      if (!choice) {
        if (last && chunk.usage)
          Object.assign(last, { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens });
        continue;
      }
      const delta: CompletionDelta = {
        text: choice.text,
        tokens: tokensOf(choice.logprobs, p.logprobs ?? 0),
        finish: backendStopReason(choice.finish_reason, choice.stop_reason),
        promptTokens: chunk.usage?.prompt_tokens,
        completionTokens: chunk.usage?.completion_tokens,
      };
      if (delta.finish) last = delta;
      else yield delta;
    }
    if (last) yield last;
  }

  async *chatStream(model: string, body: OpenAiChatBody, signal: AbortSignal): AsyncIterable<ChatDelta> {
    const res = await postJson(
      this.url,
      '/v1/chat/completions',
      { ...body, model, stream: true, stream_options: { include_usage: true } },
      signal,
      'text/event-stream',
    );
    for await (const data of sseData(res, signal)) {
      const chunk = JSON.parse(data) as ChatChunk;
      if (chunk.error !== undefined) throw streamedError(chunk.error);
      const usage = chunk.usage ? { prompt: chunk.usage.prompt_tokens, completion: chunk.usage.completion_tokens } : undefined;
      if (chunk.choices.length === 0 && usage) yield { usage };
      for (const choice of chunk.choices)
        yield {
          index: choice.index ?? 0,
          role: choice.delta.role,
          content: choice.delta.content ?? undefined,
          toolCalls: choice.delta.tool_calls?.length ? choice.delta.tool_calls : undefined,
          finish: backendStopReason(choice.finish_reason, choice.stop_reason),
          logprobs: choice.logprobs?.content?.map((c) => ({ token: c.token, logprob: c.logprob, top: c.top_logprobs ?? [] })),
          usage,
        };
    }
  }

  async embed(
    model: string,
    inputs: string[],
    truncate: number | undefined,
    signal: AbortSignal,
    dimensions?: number,
  ): Promise<EmbedResult> {
    const res = await postJson(this.url, '/v1/embeddings', { model, input: inputs, truncate_prompt_tokens: truncate, dimensions }, signal);
    const body = await readJson<{ data: { index: number; embedding: number[] }[]; usage?: { prompt_tokens: number } }>(res, signal);
    const vectors: number[][] = [];
    for (const d of body.data) vectors[d.index] = d.embedding;
    return { vectors, promptTokens: body.usage?.prompt_tokens ?? 0 };
  }

  async tokenize(model: string, text: string, signal: AbortSignal): Promise<TokenizeResult> {
    const res = await postJson(this.url, '/tokenize', { model, prompt: text, return_token_strs: true }, signal);
    const body = await readJson<{ count: number; tokens: number[]; token_strs?: string[] | null }>(res, signal);
    return { count: body.count, tokens: body.token_strs ?? body.tokens.map(String) };
  }

  /**
   * The engine server's batch form of /tokenize (`prompt` as a list). vLLM refuses a list with 400/422; the first
   * such refusal turns batching off for this server and the texts go one by one instead.
   */
  async tokenizeBatch(model: string, texts: string[], signal: AbortSignal): Promise<TokenizeResult[] | undefined> {
    if (this.batchTokenize === false) return undefined;
    let res: BackendResponse;
    try {
      res = await postJson(this.url, '/tokenize', { model, prompt: texts, return_token_strs: true }, signal);
    } catch (err) {
      if (err instanceof BackendError && (err.status === 400 || err.status === 422)) {
        this.batchTokenize = false;
        return undefined;
      }
      throw err;
    }
    const body = await readJson<{ results?: { count: number; tokens: number[]; token_strs?: string[] | null }[] }>(res, signal);
    if (!Array.isArray(body.results) || body.results.length !== texts.length)
      throw new BackendError('the model server answered a batch tokenization without one result per text', false);
    this.batchTokenize = true;
    return body.results.map((r) => ({ count: r.count, tokens: r.token_strs ?? r.tokens.map(String) }));
  }

  async promptLogprobs(model: string, prompt: string, signal: AbortSignal, topN = 0): Promise<PromptToken[]> {
    // One generated token is the least the servers accept; it follows the echoed prompt and is dropped. vLLM's
    // `prompt_logprobs` carry each prompt token's rank, which the echoed logprobs lack.
    const res = await postJson(
      this.url,
      '/v1/completions',
      { model, prompt, echo: true, logprobs: Math.max(1, topN), prompt_logprobs: topN, max_tokens: 1, temperature: 0 },
      signal,
    );
    const body = await readJson<{
      choices: {
        logprobs: {
          tokens: string[];
          token_logprobs: (number | null)[];
          text_offset: number[];
          top_logprobs?: (Record<string, number> | null)[] | null;
        } | null;
        prompt_logprobs?: (Record<string, { rank?: number | null; decoded_token?: string }> | null)[] | null;
      }[];
    }>(res, signal);
    const choice = body.choices[0];
    const lp = choice?.logprobs;
    if (!lp) return [];
    const detail = tokensOf({ ...lp, top_logprobs: lp.top_logprobs ?? null }, topN);
    const tokens = detail.map((t, i): PromptToken => {
      const ranked = Object.values(choice.prompt_logprobs?.[i] ?? {}).find((e) => e.decoded_token === t.text);
      const inTop = t.top.findIndex((c) => c.text === t.text);
      return {
        text: t.text,
        logprob: t.logprob,
        offset: lp.text_offset[i] ?? 0,
        rank: ranked?.rank ?? (inTop >= 0 ? inTop + 1 : undefined),
        top: t.top,
      };
    });
    return tokens.filter((t) => t.offset < prompt.length);
  }

  async discover(signal: AbortSignal): Promise<DiscoveredModel[]> {
    const res = await getText(this.url, '/v1/models', signal);
    if (res.status !== 200) return [];
    const body = JSON.parse(res.text) as { data: { id: string; max_model_len?: number; parameter_count?: unknown }[] };
    return body.data.map((m) => ({
      id: m.id,
      maxModelLen: m.max_model_len,
      // The engine server's extra field; vLLM has none.
      parameterCount: typeof m.parameter_count === 'number' && m.parameter_count > 0 ? m.parameter_count : undefined,
    }));
  }

  async healthy(signal: AbortSignal): Promise<boolean> {
    return (await getText(this.url, '/health', signal)).status === 200;
  }

  async load(model: string, signal: AbortSignal): Promise<number | undefined> {
    const res = await getText(this.url, '/metrics', signal);
    return res.status === 200 ? sumGaugeSamples(res.text, VLLM_LOAD_GAUGES, { label: 'model_name', value: model }) : undefined;
  }
}
