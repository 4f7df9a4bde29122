import { anything, array, boolean, int, name, number, object, oneOf, optional, record, string, type Check } from './shape';
import { MAX_CHOICES } from '../openai/openai-controls';
import { chatMessageShape, guidedOptions } from './watsonx-shapes';

/** Accept-only mirrors of the DTOs in ../openai/openai.dto.ts (keep them in step). */

const sampling = {
  model: name(300),
  max_tokens: optional(int(1)),
  temperature: optional(number(0, 2)),
  top_p: optional(number(0, 1)),
  seed: optional(int()),
  stop: anything,
  n: optional(int(1, MAX_CHOICES)),
  stream: optional(boolean),
  stream_options: optional(object({ include_usage: optional(boolean) })),
  frequency_penalty: optional(number(-2, 2)),
  presence_penalty: optional(number(-2, 2)),
  user: optional(string),
};

export const completionShape: Check = object(
  {
    ...sampling,
    prompt: anything,
    logprobs: optional(int(0, 5)),
    echo: optional(boolean),
    logit_bias: optional(record),
    best_of: optional(int(1)),
    suffix: optional(string),
  },
  ['model'],
);

export const chatCompletionShape: Check = object(
  {
    ...sampling,
    messages: array(chatMessageShape, 1),
    max_completion_tokens: optional(int(1)),
    tools: optional(array(record)),
    tool_choice: anything,
    response_format: optional(record),
    logprobs: optional(boolean),
    top_logprobs: optional(int(0, 20)),
    logit_bias: optional(record),
    parallel_tool_calls: optional(boolean),
    structured_outputs: optional(record),
    ...guidedOptions,
  },
  ['model', 'messages'],
);

export const openAiEmbeddingsShape: Check = object(
  {
    model: name(300),
    input: anything,
    encoding_format: optional(oneOf(['float', 'base64'])),
    dimensions: optional(int(1)),
    user: optional(string),
  },
  ['model'],
);
