import { PlatformError } from '@platform/common';
import type { inferenceV1 } from '@platform/contracts';
import { chatContentOf, textOf } from './llama-stack-content';
import type { ChatToolOptionsDto, DialogDto, MessageDto, SamplingParamsDto } from './llama-stack.dto';
import { toolParameters } from './tool-options';

/** Llama Stack draft requests onto the inference contract; class-validator has already checked the shapes. */

export interface Target {
  /** The catalog model id the draft name resolved to. */
  modelId: string;
  projectId: string;
}

export interface GenerationOptions {
  sampling_params?: SamplingParamsDto;
  max_tokens?: number;
  logprobs?: boolean;
}

// A sampling strategy with the draft's default temperature (0) would silently be greedy again at the backend,
// so 0 there means "the model server's default temperature".
const samplingTemperature = (s: SamplingParamsDto | undefined) => (s?.temperature ? s.temperature : undefined);

function strategyOf(s: SamplingParamsDto | undefined): 'greedy' | 'top_p' | 'top_k' {
  const strategy = (s?.strategy ?? 'greedy') as 'greedy' | 'top_p' | 'top_k';
  if (strategy === 'top_k' && !s?.top_k)
    throw PlatformError.invalid('sampling_params.top_k must be at least 1 with strategy top_k.', 'sampling_params.top_k');
  return strategy;
}

// max_tokens 0 is the draft's "no explicit limit": leave it to the inference service's default.
const maxTokens = (n: number | undefined) => (n ? n : undefined);

/**
 * Options the draft cannot express (watsonx moderations) stay unset. Spread in rather than written out, so this
 * compiles against contract versions with and without those fields.
 */
const NOT_IN_DRAFT = { moderations: undefined };

export function completionRequest(content: unknown, field: string, o: GenerationOptions, t: Target): inferenceV1.GenerateRequest {
  const s = o.sampling_params;
  const strategy = strategyOf(s);
  return {
    ...NOT_IN_DRAFT,
    modelId: t.modelId,
    input: textOf(content, field),
    projectId: t.projectId,
    spaceId: '',
    parameters: {
      decodingMethod: strategy === 'greedy' ? 'greedy' : 'sample',
      temperature: strategy === 'greedy' ? undefined : samplingTemperature(s),
      topP: strategy === 'top_p' ? (s?.top_p ?? 0.95) : undefined,
      topK: strategy === 'top_k' ? s?.top_k : undefined,
      repetitionPenalty: s?.repetition_penalty,
      maxNewTokens: maxTokens(o.max_tokens),
      stopSequences: [],
      includeStopSequence: false,
      timeLimit: 0,
      returnOptions: o.logprobs
        ? { inputText: false, generatedTokens: true, inputTokens: false, tokenLogprobs: true, tokenRanks: false, topNTokens: 0 }
        : undefined,
    },
  };
}

const blankMessage = (role: string): inferenceV1.ChatMessage => ({
  role,
  content: '',
  contentParts: [],
  name: '',
  toolCallId: '',
  toolCalls: [],
});

/**
 * One draft message can be several contract messages: each tool response becomes its own `tool` message, tied to
 * the latest assistant call of the same tool, because OpenAI-style backends match results to calls by id.
 */
function messagesOf(m: MessageDto, field: string, index: number, callIds: Map<string, string>): inferenceV1.ChatMessage[] {
  if (m.role === 'tool' && m.tool_responses?.length) {
    return m.tool_responses.map((r, j) => ({
      ...blankMessage('tool'),
      ...chatContentOf(r.content, `${field}.tool_responses[${j}].content`),
      name: r.tool_name,
      toolCallId: callIds.get(r.tool_name) ?? `call_${r.tool_name}`,
    }));
  }
  const toolCalls = (m.tool_calls ?? []).map((c, j): inferenceV1.ToolCall => {
    const id = `call_${index}_${j}`;
    callIds.set(c.tool_name, id);
    return { id, type: 'function', index: j, function: { name: c.tool_name, arguments: JSON.stringify(c.arguments) } };
  });
  const last = [...callIds.values()].pop();
  return [
    {
      ...blankMessage(m.role),
      ...chatContentOf(m.content, `${field}.content`),
      toolCallId: m.role === 'tool' && last ? last : '',
      toolCalls,
    },
  ];
}

export function dialogMessages(d: DialogDto, field: string): inferenceV1.ChatMessage[] {
  const callIds = new Map<string, string>();
  const all = [...(d.message_history ?? []), d.message];
  return all.flatMap((m, i) => messagesOf(m, i < all.length - 1 ? `${field}.message_history[${i}]` : `${field}.message`, i, callIds));
}

export interface ChatOptions extends GenerationOptions, ChatToolOptionsDto {}

export function chatRequest(dialog: DialogDto, field: string, o: ChatOptions, t: Target): inferenceV1.ChatRequest {
  const s = o.sampling_params;
  const strategy = strategyOf(s);
  // ChatParameters has no top_k: refuse rather than sample without the cut the caller asked for.
  if (strategy === 'top_k')
    throw PlatformError.invalid(
      'sampling_params.strategy top_k is not supported for chat on this platform; use greedy or top_p.',
      'sampling_params.strategy',
    );
  return {
    modelId: t.modelId,
    projectId: t.projectId,
    spaceId: '',
    messages: dialogMessages(dialog, field),
    parameters: {
      guidedChoice: [],
      ...toolParameters(o),
      responseFormatJson: '',
      logitBiasJson: '',
      logprobs: o.logprobs || undefined,
      maxTokens: maxTokens(o.max_tokens),
      stop: [],
      // Greedy is temperature 0 for OpenAI-style backends.
      temperature: strategy === 'greedy' ? 0 : samplingTemperature(s),
      topP: strategy === 'top_p' ? (s?.top_p ?? 0.95) : undefined,
      timeLimit: 0,
      repetitionPenalty: s?.repetition_penalty,
    },
  };
}
