import { PlatformError } from '@platform/common';
import { inferenceV1 } from '@platform/contracts';
import { chatRequest } from '../to-grpc';
import type { FinishReasonWords } from '../watsonx-views';
import { logitBias, responseFormat, structuredOutputs, toolChoice, toolNames } from './openai-controls';
import type { ChatCompletionRequest, CompletionRequest, OpenAiEmbeddingsRequest } from './openai.dto';

/** OpenAI request bodies onto the inference contract, and its results back into OpenAI's shapes. */

function strings(value: unknown, field: string, max: number): string[] {
  if (value === undefined || value === null) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((s): s is string => typeof s === 'string') || list.length > max)
    throw PlatformError.invalid(`${field} must be a string or an array of at most ${max} strings.`, field);
  return list;
}

/** Options the inference contract's generation has no field for: a 400 naming them rather than dropping them unseen. */
function refuseUnsupported(body: CompletionRequest): void {
  if (body.suffix !== undefined && body.suffix !== null) throw PlatformError.invalid('suffix is not supported.', 'suffix');
  if (body.best_of !== undefined && body.best_of !== null && body.best_of !== (body.n ?? 1))
    throw PlatformError.invalid('best_of must equal n: each choice is generated once.', 'best_of');
}

/**
 * One choice of a completion request as a watsonx generation (each of `n` choices is its own generation; with a
 * seed, choice `i` samples with seed + i so the choices differ yet repeat). `logprobs` and `echo` ask for the
 * generated and prompt tokens with their log-probabilities and `logprobs` alternatives.
 */
export function completionToGrpc(body: CompletionRequest, scope: { projectId: string }, choice = 0): inferenceV1.GenerateRequest {
  const prompts = strings(body.prompt, 'prompt', 1);
  if (prompts.length !== 1) throw PlatformError.invalid('prompt must be one string.', 'prompt');
  refuseUnsupported(body);
  const bias = logitBias(body.logit_bias);
  const logprobs = body.logprobs ?? undefined;
  // OpenAI samples at temperature 1 unless told otherwise; 0 means greedy.
  const temperature = body.temperature ?? 1;
  return {
    modelId: body.model,
    input: prompts[0],
    projectId: scope.projectId,
    spaceId: '',
    // OpenAI completions have no moderations field.
    moderations: undefined,
    parameters: {
      decodingMethod: temperature === 0 ? 'greedy' : 'sample',
      temperature: temperature === 0 ? undefined : temperature,
      topP: body.top_p,
      randomSeed: body.seed === undefined || body.seed === null ? undefined : body.seed + choice,
      maxNewTokens: body.max_tokens ?? 16,
      stopSequences: strings(body.stop, 'stop', 4),
      includeStopSequence: false,
      timeLimit: 0,
      logitBiasJson: bias && JSON.stringify(bias),
      frequencyPenalty: body.frequency_penalty ?? undefined,
      presencePenalty: body.presence_penalty ?? undefined,
      returnOptions:
        logprobs === undefined
          ? undefined
          : {
              inputText: false,
              generatedTokens: true,
              inputTokens: body.echo ?? false,
              tokenLogprobs: true,
              tokenRanks: false,
              topNTokens: logprobs,
            },
    },
  };
}

/** response_format, or structured_outputs.json_object standing for `{type: "json_object"}`. */
function formatOf(body: ChatCompletionRequest, jsonObject: boolean): Record<string, unknown> | undefined {
  const format = responseFormat(body.response_format);
  if (!jsonObject) return format;
  if (format)
    throw PlatformError.invalid('Use response_format or structured_outputs.json_object, not both.', 'structured_outputs.json_object');
  return { type: 'json_object' };
}

export function chatCompletionToGrpc(body: ChatCompletionRequest, scope: { projectId: string }): inferenceV1.ChatRequest {
  const names = toolNames(body.tools);
  const choice = toolChoice(body.tool_choice, names);
  const { guided, jsonObject } = structuredOutputs(body.structured_outputs, {
    guided_json: body.guided_json,
    guided_regex: body.guided_regex,
    guided_choice: body.guided_choice,
    guided_grammar: body.guided_grammar,
  });
  const req = chatRequest({
    ...guided,
    model_id: body.model,
    project_id: scope.projectId,
    messages: body.messages,
    tools: body.tools,
    tool_choice_option: choice && 'option' in choice ? choice.option : undefined,
    tool_choice: choice && 'named' in choice ? choice.named : undefined,
    response_format: formatOf(body, jsonObject),
    logprobs: body.logprobs,
    top_logprobs: body.top_logprobs,
    logit_bias: logitBias(body.logit_bias),
    frequency_penalty: body.frequency_penalty,
    presence_penalty: body.presence_penalty,
    max_tokens: body.max_completion_tokens ?? body.max_tokens,
    n: body.n,
    seed: body.seed,
    stop: strings(body.stop, 'stop', 4),
    temperature: body.temperature,
    top_p: body.top_p,
  });
  // OpenAI's own field, which watsonx chat does not have.
  return req.parameters ? { ...req, parameters: { ...req.parameters, parallelToolCalls: body.parallel_tool_calls ?? undefined } } : req;
}

export function embeddingsToGrpc(body: OpenAiEmbeddingsRequest, scope: { projectId: string }): inferenceV1.EmbedRequest {
  const inputs = strings(body.input, 'input', 2048);
  if (inputs.length === 0) throw PlatformError.invalid('input must not be empty.', 'input');
  return {
    modelId: body.model,
    inputs,
    projectId: scope.projectId,
    spaceId: '',
    returnInputText: false,
    dimensions: body.dimensions ?? undefined,
  };
}

const S = inferenceV1.StopReason;

/**
 * OpenAI's `finish_reason` words, for completions and chat alike: a time limit reads as `length` (output cut short),
 * and `error` ends a stream that failed after its first chunk.
 */
export const OPENAI_FINISH_REASON: FinishReasonWords = {
  [S.STOP_REASON_UNSPECIFIED]: 'stop',
  [S.STOP_REASON_NOT_FINISHED]: null,
  [S.STOP_REASON_MAX_TOKENS]: 'length',
  [S.STOP_REASON_TOKEN_LIMIT]: 'length',
  [S.STOP_REASON_TIME_LIMIT]: 'length',
  [S.STOP_REASON_EOS_TOKEN]: 'stop',
  [S.STOP_REASON_STOP_SEQUENCE]: 'stop',
  [S.STOP_REASON_CANCELLED]: 'stop',
  [S.STOP_REASON_TOOL_CALLS]: 'tool_calls',
  [S.STOP_REASON_ERROR]: 'error',
  [S.UNRECOGNIZED]: 'stop',
};

export const finishReason = (stop: inferenceV1.StopReason | undefined): string | null =>
  stop === undefined ? null : OPENAI_FINISH_REASON[stop];

/** OpenAI clients ask for base64 by default: little-endian float32 bytes. */
export function encodeEmbedding(values: number[], format: string | undefined): number[] | string {
  if (format !== 'base64') return values;
  return Buffer.from(new Float32Array(values).buffer).toString('base64');
}
