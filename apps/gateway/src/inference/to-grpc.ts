import { PlatformError } from '@platform/common';
import type { inferenceV1 } from '@platform/contracts';
import { moderationsToGrpc } from './moderations-mapping';
import type {
  ChatMessageDto,
  EmbeddingsRequest,
  RerankRequest,
  TextChatRequest,
  TextGenParametersDto,
  TextGenerationRequest,
  TokenizationRequest,
} from './inference.dto';

/** The watsonx JSON bodies onto the inference contract; validation has already run. */

function parameters(p: TextGenParametersDto | undefined): inferenceV1.TextGenParameters {
  const ro = p?.return_options;
  return {
    decodingMethod: p?.decoding_method ?? '',
    temperature: p?.temperature,
    topP: p?.top_p,
    topK: p?.top_k,
    randomSeed: p?.random_seed,
    repetitionPenalty: p?.repetition_penalty,
    minNewTokens: p?.min_new_tokens,
    maxNewTokens: p?.max_new_tokens,
    stopSequences: p?.stop_sequences ?? [],
    includeStopSequence: p?.include_stop_sequence,
    timeLimit: p?.time_limit ?? 0,
    truncateInputTokens: p?.truncate_input_tokens,
    returnOptions: ro && {
      inputText: ro.input_text ?? false,
      generatedTokens: ro.generated_tokens ?? false,
      inputTokens: ro.input_tokens ?? false,
      tokenLogprobs: ro.token_logprobs ?? false,
      tokenRanks: ro.token_ranks ?? false,
      topNTokens: ro.top_n_tokens ?? 0,
    },
  };
}

export function generateRequest(body: TextGenerationRequest): inferenceV1.GenerateRequest {
  return {
    modelId: body.model_id,
    input: body.input,
    projectId: body.project_id ?? '',
    spaceId: body.space_id ?? '',
    parameters: parameters(body.parameters),
    moderations: moderationsToGrpc(body.moderations),
  };
}

interface ContentPart {
  type?: unknown;
  text?: unknown;
  image_url?: { url?: unknown };
}

function message(m: ChatMessageDto, i: number): inferenceV1.ChatMessage {
  const field = `messages[${i}].content`;
  let content = '';
  let contentParts: inferenceV1.ChatContentPart[] = [];
  if (typeof m.content === 'string') content = m.content;
  else if (Array.isArray(m.content)) {
    contentParts = (m.content as ContentPart[]).map((p) => {
      if (p?.type === 'text' && typeof p.text === 'string') return { type: 'text', text: p.text, imageUrl: '' };
      if (p?.type === 'image_url' && typeof p.image_url?.url === 'string')
        return { type: 'image_url', text: '', imageUrl: p.image_url.url };
      throw PlatformError.invalid(`${field} parts must be {type:"text",text} or {type:"image_url",image_url:{url}}.`, field);
    });
  } else if (m.content !== undefined && m.content !== null)
    throw PlatformError.invalid(`${field} must be a string or an array of parts.`, field);
  else if (m.role !== 'assistant') throw PlatformError.invalid(`${field} is required for role ${m.role}.`, field);
  return {
    role: m.role,
    content,
    contentParts,
    name: m.name ?? '',
    toolCallId: m.tool_call_id ?? '',
    toolCalls: (m.tool_calls ?? []).map((t, j) => {
      const fn = (t.function ?? {}) as { name?: unknown; arguments?: unknown };
      return {
        id: String(t.id ?? ''),
        type: String(t.type ?? 'function'),
        index: j,
        function: { name: String(fn.name ?? ''), arguments: String(fn.arguments ?? '') },
      };
    }),
  };
}

const jsonOf = (v: unknown): string => (v === undefined ? '' : JSON.stringify(v));

export function chatRequest(body: TextChatRequest): inferenceV1.ChatRequest {
  return {
    modelId: body.model_id,
    projectId: body.project_id ?? '',
    spaceId: body.space_id ?? '',
    messages: body.messages.map(message),
    parameters: {
      toolsJson: jsonOf(body.tools),
      toolChoiceJson: jsonOf(body.tool_choice),
      toolChoiceOption: body.tool_choice_option ?? '',
      responseFormatJson: jsonOf(body.response_format),
      logitBiasJson: jsonOf(body.logit_bias),
      frequencyPenalty: body.frequency_penalty,
      presencePenalty: body.presence_penalty,
      logprobs: body.logprobs,
      topLogprobs: body.top_logprobs,
      maxTokens: body.max_completion_tokens ?? body.max_tokens,
      n: body.n,
      seed: body.seed,
      stop: body.stop ?? [],
      temperature: body.temperature,
      topP: body.top_p,
      timeLimit: body.time_limit ?? 0,
      repetitionPenalty: body.repetition_penalty,
      ...guidedOptions(body),
    },
  };
}

/** guided_json travels as JSON text, so the Node SDK's string form passes as it is (the service parses both alike). */
function guidedOptions(body: TextChatRequest) {
  const schema = body.guided_json ?? undefined;
  return {
    guidedJson: typeof schema === 'string' ? schema : schema && JSON.stringify(schema),
    guidedRegex: body.guided_regex ?? undefined,
    guidedChoice: body.guided_choice ?? [],
    guidedGrammar: body.guided_grammar ?? undefined,
  };
}

export function embedRequest(body: EmbeddingsRequest): inferenceV1.EmbedRequest {
  return {
    modelId: body.model_id,
    inputs: body.inputs,
    projectId: body.project_id ?? '',
    spaceId: body.space_id ?? '',
    truncateInputTokens: body.parameters?.truncate_input_tokens,
    returnInputText: body.parameters?.return_options?.input_text ?? false,
  };
}

export function tokenizeRequest(body: TokenizationRequest): inferenceV1.TokenizeRequest {
  return {
    modelId: body.model_id,
    input: body.input,
    projectId: body.project_id ?? '',
    spaceId: body.space_id ?? '',
    returnTokens: body.parameters?.return_tokens ?? false,
  };
}

export function rerankRequest(body: RerankRequest): inferenceV1.RerankRequest {
  const ro = body.parameters?.return_options;
  return {
    modelId: body.model_id,
    inputs: body.inputs.map((i) => i.text),
    query: body.query,
    projectId: body.project_id ?? '',
    spaceId: body.space_id ?? '',
    truncateInputTokens: body.parameters?.truncate_input_tokens,
    topN: ro?.top_n ?? 0,
    returnInputs: ro?.inputs ?? false,
    returnQuery: ro?.query ?? false,
  };
}
