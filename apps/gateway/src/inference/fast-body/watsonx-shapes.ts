import {
  GUIDED_CHOICE_MAX_CHARS,
  GUIDED_CHOICE_MAX_ITEMS,
  GUIDED_GRAMMAR_MAX_CHARS,
  GUIDED_REGEX_MAX_CHARS,
  isGuidedJson,
} from '../guided-options';
import { anything, array, boolean, int, name, number, object, oneOf, optional, record, string, type Check } from './shape';

/** Accept-only mirrors of the DTOs in ../inference.dto.ts and ../moderations.dto.ts (keep them in step). */

/** `@IsString() @MaxLength(max)` (empty allowed); raw UTF-16 length is never less than class-validator's count. */
const text =
  (max: number): Check =>
  (v) =>
    typeof v === 'string' && v.length <= max;

/** watsonx chat's structured-output options, which the OpenAI route also takes as vLLM's extras. */
export const guidedOptions = {
  guided_json: optional(isGuidedJson),
  guided_regex: optional(text(GUIDED_REGEX_MAX_CHARS)),
  guided_choice: optional(array(text(GUIDED_CHOICE_MAX_CHARS), 1, GUIDED_CHOICE_MAX_ITEMS)),
  guided_grammar: optional(text(GUIDED_GRAMMAR_MAX_CHARS)),
};

const scoped = { project_id: optional(string), space_id: optional(string) };

const moderation = object({ enabled: optional(boolean), threshold: optional(number(0, 1)) });
const moderationKind = object({
  input: optional(moderation),
  output: optional(moderation),
  mask: optional(object({ remove_entity_value: optional(boolean) })),
});
const moderations = object({
  hap: optional(moderationKind),
  pii: optional(moderationKind),
  input_ranges: optional(array(object({ start: int(0), end: int(0) }, ['start', 'end']))),
});

const returnOptions = object({
  input_text: optional(boolean),
  generated_tokens: optional(boolean),
  input_tokens: optional(boolean),
  token_logprobs: optional(boolean),
  token_ranks: optional(boolean),
  top_n_tokens: optional(int(0, 5)),
});

const textGenParameterFields = {
  decoding_method: optional(oneOf(['greedy', 'sample'])),
  temperature: optional(number(0, 2)),
  top_p: optional(number(0, 1)),
  top_k: optional(int(1, 100)),
  random_seed: optional(int(1, 4294967295)),
  repetition_penalty: optional(number(1, 2)),
  min_new_tokens: optional(int(0)),
  max_new_tokens: optional(int(0)),
  stop_sequences: optional(array(string, 0, 6)),
  include_stop_sequence: optional(boolean),
  time_limit: optional(int(1)),
  truncate_input_tokens: optional(int(0)),
  length_penalty: optional(object({ decay_factor: optional(number()), start_index: optional(int()) })),
  return_options: optional(returnOptions),
};
const textGenParameters = object(textGenParameterFields);

/** A template's model parameters are kept only where this vouches for them (deployment-prompt-template.ts). */
export const textGenParameter = (key: string, value: unknown): boolean =>
  key in textGenParameterFields && textGenParameters({ [key]: value });

const promptVariableValue: Check = (v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const promptVariables: Check = (v) => record(v) && Object.values(v as object).every(promptVariableValue);

const textGenerationFields = { ...scoped, input: string, parameters: optional(textGenParameters), moderations: optional(moderations) };

export const textGenerationShape: Check = object({ ...textGenerationFields, model_id: name(300) }, ['input', 'model_id']);

/**
 * A deployment's generation names no model (the deployment's own); `input` is optional (a prompt template deployment
 * ignores it, the route answers for the others) and `parameters` may hold the template's `prompt_variables`.
 */
export const deploymentTextGenerationShape: Check = object({
  ...textGenerationFields,
  input: optional(string),
  parameters: optional(object({ ...textGenParameterFields, prompt_variables: optional(promptVariables) })),
});

export const chatMessageShape: Check = object(
  {
    role: oneOf(['system', 'user', 'assistant', 'tool', 'control']),
    content: anything,
    name: optional(string),
    tool_call_id: optional(string),
    tool_calls: optional(array(record)),
  },
  ['role'],
);

const textChatFields = {
  ...scoped,
  messages: array(chatMessageShape, 1),
  tools: optional(array(record)),
  tool_choice_option: optional(oneOf(['none', 'auto', 'required'])),
  tool_choice: optional(record),
  frequency_penalty: optional(number(-2, 2)),
  presence_penalty: optional(number(-2, 2)),
  logit_bias: optional(record),
  logprobs: optional(boolean),
  top_logprobs: optional(int(0, 20)),
  max_tokens: optional(int(0)),
  max_completion_tokens: optional(int(0)),
  n: optional(int(1, 16)),
  response_format: optional(record),
  seed: optional(int()),
  stop: optional(array(string, 0, 4)),
  temperature: optional(number(0, 2)),
  top_p: optional(number(0, 1)),
  repetition_penalty: optional(number(1, 2)),
  time_limit: optional(int(1)),
  ...guidedOptions,
};

export const textChatShape: Check = object({ ...textChatFields, model_id: name(300) }, ['model_id', 'messages']);

export const deploymentTextChatShape: Check = object(textChatFields, ['messages']);

export const embeddingsShape: Check = object(
  {
    ...scoped,
    model_id: name(300),
    inputs: array(string, 1, 1000),
    parameters: optional(
      object({ truncate_input_tokens: optional(int(0)), return_options: optional(object({ input_text: optional(boolean) })) }),
    ),
  },
  ['model_id', 'inputs'],
);

export const tokenizationShape: Check = object(
  { ...scoped, model_id: name(300), input: string, parameters: optional(object({ return_tokens: optional(boolean) })) },
  ['model_id', 'input'],
);

export const rerankShape: Check = object(
  {
    ...scoped,
    model_id: name(300),
    inputs: array(object({ text: string }, ['text']), 1, 1000),
    query: (v) => typeof v === 'string' && v !== '',
    parameters: optional(
      object({
        truncate_input_tokens: optional(int(1)),
        return_options: optional(object({ top_n: optional(int(1)), inputs: optional(boolean), query: optional(boolean) })),
      }),
    ),
  },
  ['model_id', 'inputs', 'query'],
);
