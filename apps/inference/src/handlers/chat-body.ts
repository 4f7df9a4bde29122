import { PlatformError } from '@platform/common';
import type { inferenceV1 } from '@platform/contracts';
import type { OpenAiChatBody } from '../backends/types';

/** The contract's chat request onto the OpenAI chat-completions body every backend dialect starts from. */

function json(text: string, field: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw PlatformError.invalid(`${field} is not valid JSON.`, field);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function messageOf(m: inferenceV1.ChatMessage): Record<string, unknown> {
  const content = m.contentParts.length
    ? m.contentParts.map((p) =>
        p.type === 'image_url' ? { type: 'image_url', image_url: { url: p.imageUrl } } : { type: 'text', text: p.text },
      )
    : m.content;
  return {
    role: m.role,
    content,
    ...(m.name ? { name: m.name } : {}),
    ...(m.toolCallId ? { tool_call_id: m.toolCallId } : {}),
    ...(m.toolCalls.length ? { tool_calls: m.toolCalls.map((t) => ({ id: t.id, type: t.type || 'function', function: t.function })) } : {}),
  };
}

/** One of the guided_* options, as vLLM's `structured_outputs` names it. */
interface Guided {
  field: 'guided_json' | 'guided_regex' | 'guided_choice' | 'guided_grammar';
  key: 'json' | 'regex' | 'choice' | 'grammar';
  value: unknown;
}

function guidedOf(p: inferenceV1.ChatParameters | undefined): Guided[] {
  const set: Guided[] = [];
  if (p?.guidedJson !== undefined) {
    const schema = json(p.guidedJson, 'guided_json');
    if (!isObject(schema)) throw PlatformError.invalid('guided_json must be a JSON Schema object.', 'guided_json');
    set.push({ field: 'guided_json', key: 'json', value: schema });
  }
  if (p?.guidedRegex !== undefined) set.push({ field: 'guided_regex', key: 'regex', value: p.guidedRegex });
  if (p?.guidedChoice.length) set.push({ field: 'guided_choice', key: 'choice', value: p.guidedChoice });
  if (p?.guidedGrammar !== undefined) set.push({ field: 'guided_grammar', key: 'grammar', value: p.guidedGrammar });
  for (const g of set) if (g.value === '') throw PlatformError.invalid(`${g.field} must not be empty.`, g.field);
  return set;
}

/** A response_format that constrains the output (anything but plain text). */
function constrainingFormat(format: unknown): string | undefined {
  if (!isObject(format)) return undefined;
  return format.type === 'text' || format.type === undefined ? undefined : String(format.type);
}

/** How a tool_choice that forces a call reads in a message; undefined when it leaves the model free. */
function forcingToolChoice(tools: unknown, choice: unknown): string | undefined {
  if (!Array.isArray(tools) || tools.length === 0) return undefined;
  if (choice === 'required') return 'tool_choice "required"';
  if (isObject(choice)) return 'a named tool_choice';
  return undefined;
}

/**
 * The guided_* options as vLLM (>= 0.12) and the engine server read them: `structured_outputs` with exactly one
 * constraint. Two constraints on one output cannot both hold, so more than one, or one next to a constraining
 * response_format or a tool_choice that forces a call, is refused rather than one of them silently winning.
 */
function structuredOutputs(
  p: inferenceV1.ChatParameters | undefined,
  body: { tools: unknown; tool_choice: unknown; response_format: unknown },
) {
  const guided = guidedOf(p);
  if (guided.length === 0) return undefined;
  const [first, second] = guided;
  if (second)
    throw PlatformError.invalid(
      `Only one of guided_json, guided_regex, guided_choice and guided_grammar may be set; this request sets ${guided.map((g) => g.field).join(', ')}.`,
      second.field,
    );
  const format = constrainingFormat(body.response_format);
  if (format)
    throw PlatformError.invalid(
      `${first.field} cannot be combined with response_format ${JSON.stringify(format)}: both constrain the output; use one.`,
      first.field,
    );
  const forcing = forcingToolChoice(body.tools, body.tool_choice);
  if (forcing)
    throw PlatformError.invalid(
      `${first.field} cannot be combined with ${forcing}: the tool call's arguments are already constrained.`,
      first.field,
    );
  return { [first.key]: first.value };
}

function toolChoiceOf(p: inferenceV1.ChatParameters | undefined): unknown {
  const named = json(p?.toolChoiceJson ?? '', 'tool_choice');
  if (named !== undefined && p?.toolChoiceOption)
    throw PlatformError.invalid('Only one of tool_choice_option and tool_choice may be set.', 'tool_choice');
  return named ?? (p?.toolChoiceOption || undefined);
}

/** watsonx chat fields onto the OpenAI body vLLM, TGI's Messages API and the engine server take. */
export function openAiChatBody(req: inferenceV1.ChatRequest): OpenAiChatBody {
  const p = req.parameters;
  if (req.messages.length === 0) throw PlatformError.invalid('messages must not be empty.', 'messages');
  const tools = json(p?.toolsJson ?? '', 'tools');
  const tool_choice = toolChoiceOf(p);
  const response_format = json(p?.responseFormatJson ?? '', 'response_format');
  return {
    messages: req.messages.map(messageOf),
    tools,
    tool_choice,
    response_format,
    structured_outputs: structuredOutputs(p, { tools, tool_choice, response_format }),
    logit_bias: json(p?.logitBiasJson ?? '', 'logit_bias'),
    // TGI makes one call per turn anyway; vLLM and the engine server keep to one when it is false.
    parallel_tool_calls: p?.parallelToolCalls,
    frequency_penalty: p?.frequencyPenalty,
    presence_penalty: p?.presencePenalty,
    logprobs: p?.logprobs,
    top_logprobs: p?.topLogprobs,
    max_tokens: p?.maxTokens,
    n: p?.n,
    seed: p?.seed,
    stop: p?.stop.length ? p.stop : undefined,
    temperature: p?.temperature,
    top_p: p?.topP,
    repetition_penalty: p?.repetitionPenalty,
  };
}
