import { InvalidRequest } from '../../errors';
import { type Json, asObject, optBool, optString } from '../../http/body';

/** A function the model may call, as the request declared it. */
export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object; `{type: object, properties: {}}` when the request gave none, as vLLM does. */
  parameters: Json;
  /** The tool as it goes to a chat template (`{type: 'function', function: {...}}`, the HF convention). */
  template: Json;
}

export type ToolChoice = { kind: 'none' } | { kind: 'auto' } | { kind: 'required' } | { kind: 'named'; name: string };

export interface ToolRequest {
  tools: ToolDefinition[];
  choice: ToolChoice;
  /** `parallel_tool_calls`: false allows one call per reply. */
  parallel: boolean;
}

/** OpenAI's rule for function names. */
const NAME = /^[a-zA-Z0-9_-]{1,64}$/;

const CORRECT_USAGE = 'Correct usage: `{"type": "function", "function": {"name": "my_function"}}`';

/**
 * `tools`, `tool_choice` and `parallel_tool_calls` of a chat request, validated with vLLM's rules and messages
 * (`check_tool_usage`): tool_choice defaults to "auto" when tools are given, needs tools unless it is "none", and a
 * named choice must name one of them. Undefined when the request has no tools.
 */
export function readTools(body: Json): ToolRequest | undefined {
  const rawTools = body.tools;
  const rawChoice = body.tool_choice;
  const parallel = optBool(body, 'parallel_tool_calls') ?? true;
  if (rawTools === undefined || rawTools === null) {
    if (rawChoice !== undefined && rawChoice !== null && rawChoice !== 'none')
      throw new InvalidRequest('When using `tool_choice`, `tools` must be set.', 'tool_choice');
    return undefined;
  }
  if (!Array.isArray(rawTools)) throw new InvalidRequest('tools must be a list of tools', 'tools');
  if (rawTools.length === 0)
    throw new InvalidRequest('`tools` must not be an empty array. Either provide at least one tool or omit the field entirely.', 'tools');
  const tools = rawTools.map(readTool);
  return { tools, choice: readChoice(rawChoice, tools), parallel };
}

function readTool(raw: unknown, i: number): ToolDefinition {
  const tool = asObject(raw, `tools[${i}]`);
  const type = tool.type ?? 'function';
  if (type !== 'function') throw new InvalidRequest(`tools[${i}].type must be "function", got ${JSON.stringify(type)}`, 'tools');
  const fn = asObject(tool.function, `tools[${i}].function`);
  const name = fn.name;
  if (typeof name !== 'string' || !NAME.test(name))
    throw new InvalidRequest(
      `tools[${i}].function.name must be 1 to 64 letters, digits, underscores or dashes, got ${JSON.stringify(name)}`,
      'tools',
    );
  const description = optString(fn, 'description');
  const given = fn.parameters;
  if (given !== undefined && given !== null && (typeof given !== 'object' || Array.isArray(given)))
    throw new InvalidRequest(`tools[${i}].function.parameters must be a JSON Schema object`, 'tools');
  const parameters = given && Object.keys(given).length > 0 ? (given as Json) : { type: 'object', properties: {} };
  const template: Json = { type: 'function', function: { name, ...(description !== undefined ? { description } : {}), parameters } };
  return { name, description, parameters, template };
}

function readChoice(raw: unknown, tools: ToolDefinition[]): ToolChoice {
  if (raw === undefined || raw === null || raw === 'auto') return { kind: 'auto' };
  if (raw === 'none') return { kind: 'none' };
  if (raw === 'required') return { kind: 'required' };
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new InvalidRequest(
      `Invalid value for \`tool_choice\`: ${String(raw)}! Only named tools, "none", "auto" or "required" are supported.`,
      'tool_choice',
    );
  const fn = (raw as Json).function;
  if (typeof fn !== 'object' || fn === null || Array.isArray(fn))
    throw new InvalidRequest(
      `Invalid value for \`function\`: \`${JSON.stringify(fn)}\` in \`tool_choice\`! ${CORRECT_USAGE}`,
      'tool_choice',
    );
  const name = (fn as Json).name;
  if (name === undefined)
    throw new InvalidRequest(`Expected field \`name\` in \`function\` in \`tool_choice\`! ${CORRECT_USAGE}`, 'tool_choice');
  if (typeof name !== 'string' || name.length === 0)
    throw new InvalidRequest(
      `Invalid \`name\` in \`function\`: \`${JSON.stringify(name)}\` in \`tool_choice\`! ${CORRECT_USAGE}`,
      'tool_choice',
    );
  if (!tools.some((t) => t.name === name))
    throw new InvalidRequest('The tool specified in `tool_choice` does not match any of the specified `tools`', 'tool_choice');
  return { kind: 'named', name };
}
