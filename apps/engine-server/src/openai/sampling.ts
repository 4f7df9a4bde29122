import type { SamplingParams, ServedModel } from '@platform/engine';
import { tokensBeyond } from '../context-bound';
import { InvalidRequest } from '../errors';
import { readLogitBias } from './logit-bias';
import { type Json, optBool, optInt, optIntList, optNumber, optObject, optStringList } from '../http/body';

/** vLLM's default `--max-logprobs`. */
export const MAX_LOGPROBS = 20;

/** The request fields shared by /v1/completions and /v1/chat/completions, validated as vLLM's SamplingParams does. */
export interface OpenAISampling {
  n: number;
  stream: boolean;
  includeUsage: boolean;
  continuousUsage: boolean;
  /** max_tokens / max_completion_tokens as asked; resolved against the prompt length later. */
  maxTokens?: number;
  params: Omit<SamplingParams, 'maxTokens'>;
}

export function readSampling(body: Json, vocabSize: number): OpenAISampling {
  const n = optInt(body, 'n') ?? 1;
  if (n < 1) throw new InvalidRequest(`n must be at least 1, got ${n}.`, 'n');
  const bestOf = optInt(body, 'best_of');
  if (bestOf !== undefined && bestOf !== n)
    throw new InvalidRequest('best_of must be equal to n; beam search is not supported.', 'best_of');
  if (optBool(body, 'use_beam_search')) throw new InvalidRequest('beam search is not supported.', 'use_beam_search');

  const stream = optBool(body, 'stream') ?? false;
  const streamOptions = optObject(body, 'stream_options');
  if (streamOptions && !stream) throw new InvalidRequest('Stream options can only be defined when `stream=True`.', 'stream_options');

  const maxCompletion = optInt(body, 'max_completion_tokens');
  const maxTokens = maxCompletion ?? optInt(body, 'max_tokens');
  const maxKey = maxCompletion !== undefined ? 'max_completion_tokens' : 'max_tokens';
  if (maxTokens !== undefined && maxTokens < 1) throw new InvalidRequest(`max_tokens must be at least 1, got ${maxTokens}.`, maxKey);
  const minTokens = optInt(body, 'min_tokens');
  if (minTokens !== undefined && minTokens < 0)
    throw new InvalidRequest(`min_tokens must be greater than or equal to 0, got ${minTokens}.`, 'min_tokens');
  if (minTokens !== undefined && maxTokens !== undefined && minTokens > maxTokens)
    throw new InvalidRequest(`min_tokens must be less than or equal to max_tokens=${maxTokens}, got ${minTokens}.`, 'min_tokens');

  const temperature = optNumber(body, 'temperature');
  if (temperature !== undefined && temperature < 0)
    throw new InvalidRequest(`temperature must be non-negative, got ${temperature}.`, 'temperature');
  const topP = optNumber(body, 'top_p');
  if (topP !== undefined && (topP <= 0 || topP > 1)) throw new InvalidRequest(`top_p must be in (0, 1], got ${topP}.`, 'top_p');
  const topK = optInt(body, 'top_k');
  if (topK !== undefined && topK < -1) throw new InvalidRequest(`top_k must be 0 (disable), or at least 1, got ${topK}.`, 'top_k');
  const minP = optNumber(body, 'min_p');
  if (minP !== undefined && minP !== 0) throw new InvalidRequest('min_p sampling is not supported by this engine.', 'min_p');
  const repetitionPenalty = optNumber(body, 'repetition_penalty');
  if (repetitionPenalty !== undefined && repetitionPenalty <= 0)
    throw new InvalidRequest(`repetition_penalty must be greater than zero, got ${repetitionPenalty}.`, 'repetition_penalty');
  const penalty = (key: string): number | undefined => {
    const v = optNumber(body, key);
    if (v !== undefined && (v < -2 || v > 2)) throw new InvalidRequest(`${key} must be in [-2, 2], got ${v}.`, key);
    return v;
  };
  const frequencyPenalty = penalty('frequency_penalty');
  const presencePenalty = penalty('presence_penalty');
  const seed = optInt(body, 'seed', { min: -(2 ** 63), max: 2 ** 63 - 1 });

  const promptLogprobs = optInt(body, 'prompt_logprobs');
  if (promptLogprobs !== undefined) {
    if (promptLogprobs < 0 && promptLogprobs !== -1)
      throw new InvalidRequest(`prompt_logprobs must be non-negative, got ${promptLogprobs}.`, 'prompt_logprobs');
    if (promptLogprobs > MAX_LOGPROBS)
      throw new InvalidRequest(
        `Requested prompt logprobs of ${promptLogprobs}, which is greater than max allowed: ${MAX_LOGPROBS}`,
        'prompt_logprobs',
      );
    if (stream && promptLogprobs > 0)
      throw new InvalidRequest('`prompt_logprobs` are not available when `stream=True`.', 'prompt_logprobs');
  }

  return {
    n,
    stream,
    includeUsage: streamOptions ? (optBool(streamOptions, 'include_usage') ?? false) : false,
    continuousUsage: streamOptions ? (optBool(streamOptions, 'continuous_usage_stats') ?? false) : false,
    maxTokens,
    params: {
      skipSpecialTokens: optBool(body, 'skip_special_tokens'),
      minTokens,
      temperature,
      topK: topK === undefined || topK <= 0 ? undefined : topK,
      topP,
      repetitionPenalty,
      frequencyPenalty,
      presencePenalty,
      seed,
      stop: optStringList(body, 'stop'),
      stopTokenIds: optIntList(body, 'stop_token_ids'),
      ignoreEos: optBool(body, 'ignore_eos'),
      includeStopStrInOutput: optBool(body, 'include_stop_str_in_output'),
      promptLogprobs: promptLogprobs === -1 ? MAX_LOGPROBS : promptLogprobs,
      logitBias: readLogitBias(body, vocabSize),
    },
  };
}

/** Validates the requested logprob count against vLLM's limit. */
export function checkLogprobs(count: number, param: string): number {
  if (count < 0) throw new InvalidRequest(`${param} must be non-negative, got ${count}.`, param);
  if (count > MAX_LOGPROBS)
    throw new InvalidRequest(`Requested sample logprobs of ${count}, which is greater than max allowed: ${MAX_LOGPROBS}`, param);
  return count;
}

/**
 * vLLM's context check: the prompt must leave room for at least one token, and an explicit max_tokens must fit.
 * Without one, the rest of the context is the budget (capped by `defaultCap`, e.g. 16 for completions).
 */
export function resolveMaxTokens(
  requested: number | undefined,
  promptLen: number,
  maxModelLen: number,
  defaultCap?: number,
  what = 'messages',
): number {
  if (requested === undefined) {
    if (promptLen >= maxModelLen)
      throw new InvalidRequest(
        `This model's maximum context length is ${maxModelLen} tokens. However, you requested ${promptLen} tokens in the ${what}, Please reduce the length of the ${what}.`,
      );
    const room = maxModelLen - promptLen;
    return defaultCap === undefined ? room : Math.min(defaultCap, room);
  }
  if (promptLen + requested > maxModelLen)
    throw new InvalidRequest(
      `This model's maximum context length is ${maxModelLen} tokens. However, you requested ${promptLen + requested} tokens (${promptLen} in the ${what}, ${requested} in the completion). Please reduce the length of the ${what} or completion.`,
    );
  return requested;
}

/**
 * The context check before tokenizing: `text` alone, whatever it tokenizes to, leaves no room in the context. The
 * message is the one resolveMaxTokens gives once the tokens are counted, with the lower bound as the count.
 */
export function refuseTextBeyondContext(model: ServedModel, text: string, what: string): void {
  const atLeast = tokensBeyond(model, text, model.maxModelLen - 1);
  if (atLeast === undefined) return;
  throw new InvalidRequest(
    `This model's maximum context length is ${model.maxModelLen} tokens. However, you requested at least ${atLeast} tokens in the ${what}, Please reduce the length of the ${what}.`,
  );
}

/** Sampling seeds per choice: a fixed seed gives n distinct but reproducible choices. */
export function choiceSeed(seed: number | undefined, index: number): number | undefined {
  return seed === undefined ? undefined : seed + index;
}
