import { PlatformError } from '@platform/common';
import { inferenceV1 } from '@platform/contracts';
import type { ChatDelta, OpenAiChatBody } from './types';

/**
 * TGI's Messages API (`/v1/chat/completions`) speaks most of OpenAI's dialect but constrains output with its own
 * `response_format: {type: "json" | "regex", value}` (one grammar, never next to tools), reads `logit_bias` as a list
 * it then ignores, ignores `n` and has no `repetition_penalty` (it derives one from `presence_penalty`). What it
 * cannot honour is refused here, naming the option, instead of reaching TGI and being dropped.
 */
const TGI = 'text-generation-inference';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function refuse(field: string, what = field): never {
  throw PlatformError.invalid(`${what} is not supported by ${TGI}, which serves this model.`, field);
}

/** A literal string as a regular expression (TGI's regexes are Python-style and match the whole output). */
const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface TgiGrammar {
  grammar: { type: 'json' | 'regex'; value: unknown };
  /** The option the caller set, for refusals that mention it. */
  field: string;
}

function fromStructuredOutputs(so: unknown): TgiGrammar | undefined {
  if (!isObject(so)) return undefined;
  if (so.json !== undefined) return { grammar: { type: 'json', value: so.json }, field: 'guided_json' };
  if (typeof so.regex === 'string') return { grammar: { type: 'regex', value: so.regex }, field: 'guided_regex' };
  if (Array.isArray(so.choice))
    return { grammar: { type: 'regex', value: so.choice.map((c) => literal(String(c))).join('|') }, field: 'guided_choice' };
  if (so.grammar !== undefined) refuse('guided_grammar', 'guided_grammar (a context-free grammar)');
  return undefined;
}

function fromResponseFormat(format: unknown): TgiGrammar | undefined {
  if (!isObject(format) || format.type === 'text' || format.type === undefined) return undefined;
  if (format.type === 'json_object') return { grammar: { type: 'json', value: { type: 'object' } }, field: 'response_format' };
  if (format.type === 'json_schema') {
    const schema = isObject(format.json_schema) ? format.json_schema.schema : undefined;
    if (!isObject(schema))
      throw PlatformError.invalid('response_format.json_schema.schema must be a JSON Schema object.', 'response_format');
    return { grammar: { type: 'json', value: schema }, field: 'response_format' };
  }
  return refuse('response_format', `response_format ${JSON.stringify(format.type)}`);
}

/** The OpenAI chat body as TGI's Messages API takes it. */
export function tgiChatBody(body: OpenAiChatBody): OpenAiChatBody {
  const { structured_outputs, response_format, logit_bias, n, repetition_penalty, ...rest } = body;
  if (logit_bias !== undefined) refuse('logit_bias');
  if (n !== undefined && n !== 1) refuse('n', 'n greater than 1');
  if (repetition_penalty !== undefined && repetition_penalty !== 1) refuse('repetition_penalty');
  const constraint = fromStructuredOutputs(structured_outputs) ?? fromResponseFormat(response_format);
  if (!constraint) return rest as OpenAiChatBody;
  const tools = Array.isArray(rest.tools) && rest.tools.length > 0;
  // tool_choice "none" promises no call, so the tools can go and the grammar stay; otherwise TGI refuses the pair.
  if (tools && rest.tool_choice !== 'none')
    throw PlatformError.invalid(`${constraint.field} cannot be combined with tools on ${TGI}, which serves this model.`, constraint.field);
  const { tools: _tools, tool_choice: _choice, ...plain } = rest;
  return { ...plain, response_format: constraint.grammar } as OpenAiChatBody;
}

const S = inferenceV1.StopReason;

/**
 * TGI generates a tool call as constrained JSON and finishes it like any text (`stop`), and may end the stream
 * without a finishing chunk once the call's JSON is complete (chat.rs). A choice that streamed a call ends with
 * TOOL_CALLS, as OpenAI's servers say.
 */
export async function* toolCallFinishes(deltas: AsyncIterable<ChatDelta>): AsyncGenerator<ChatDelta> {
  const calling = new Set<number>();
  const finished = new Set<number>();
  // The usage-only chunk is held back so that it stays last, after any finish added below.
  let usage: ChatDelta | undefined;
  for await (const d of deltas) {
    if (d.index === undefined) {
      usage = d;
      continue;
    }
    if (d.toolCalls?.length) calling.add(d.index);
    if (d.finish !== undefined) {
      finished.add(d.index);
      if (calling.has(d.index) && (d.finish === S.STOP_REASON_EOS_TOKEN || d.finish === S.STOP_REASON_STOP_SEQUENCE)) {
        yield { ...d, finish: S.STOP_REASON_TOOL_CALLS };
        continue;
      }
    }
    yield d;
  }
  for (const index of calling) if (!finished.has(index)) yield { index, finish: S.STOP_REASON_TOOL_CALLS };
  if (usage) yield usage;
}
