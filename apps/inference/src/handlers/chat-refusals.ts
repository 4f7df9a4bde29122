import { PlatformError } from '@platform/common';
import { BackendError } from '../backends/backend-error';
import type { OpenAiChatBody } from '../backends/types';

/**
 * A model server's refusal of a chat option it was not started with. vLLM names its command-line flags ("\"auto\"
 * tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set"): the caller cannot set those
 * and must not learn how the server was started, so such refusals are said in the request's own terms.
 */
const SERVER_FLAG = /(^|[\s`'"(])--[a-z][a-z0-9-]*/i;

function toolChoiceWords(body: OpenAiChatBody): string {
  const choice = body.tool_choice;
  if (typeof choice === 'string') return `"${choice}"`;
  const name = (choice as { function?: { name?: unknown } } | undefined)?.function?.name;
  if (typeof name === 'string') return `naming function "${name}"`;
  // OpenAI-style servers default to "auto" when tools are given without a tool_choice.
  return '"auto"';
}

const GUIDED_FIELDS: Readonly<Record<string, string>> = {
  json: 'guided_json',
  regex: 'guided_regex',
  choice: 'guided_choice',
  grammar: 'guided_grammar',
};

/**
 * A refusal of the `structured_outputs` this service wrote for a guided_* option (blamed in `param`, or named in the
 * message: "structured_outputs.grammar: ...") names the option the caller set instead.
 */
function guidedRefusal(err: BackendError, body: OpenAiChatBody): PlatformError | undefined {
  const so = body.structured_outputs;
  if (typeof so !== 'object' || so === null) return undefined;
  if (!err.message.includes('structured_outputs') && !err.param?.startsWith('structured_outputs')) return undefined;
  const field = GUIDED_FIELDS[Object.keys(so)[0] ?? ''];
  return field ? PlatformError.invalid(err.message.replace(/structured_outputs(\.\w+)?/g, field), field) : undefined;
}

export function plainRefusal(err: unknown, body: OpenAiChatBody, modelId: string): unknown {
  if (!(err instanceof BackendError) || (err.status !== 400 && err.status !== 422)) return err;
  if (!SERVER_FLAG.test(err.message)) return guidedRefusal(err, body) ?? err;
  if (/tool/i.test(err.message))
    return PlatformError.invalid(`tool_choice ${toolChoiceWords(body)} is not enabled on the server of model ${modelId}.`, 'tool_choice');
  return PlatformError.invalid(`The server of model ${modelId} does not have an option this request needs enabled.`);
}

/** The backend stream with such refusals restated (they come before its first item). */
export async function* withPlainRefusals<T>(items: AsyncIterable<T>, body: OpenAiChatBody, modelId: string): AsyncGenerator<T> {
  try {
    yield* items;
  } catch (err) {
    throw plainRefusal(err, body, modelId);
  }
}
