import { PlatformError, toolSchema } from '@platform/common';
import { BUILTIN_TOOL_NAMES, isBuiltinTool } from '../tools/builtin-tools';
import { parseShields, type ShieldSpec } from './shield-config';

/** One of the agent's tools as the turn loop uses it. */
export interface AgentTool {
  name: string;
  /** Executed by the service (the built-ins and memory); otherwise a client-side custom tool. */
  builtin: boolean;
  description?: string;
  /** JSON Schema of the arguments sent to the model (a built-in's own unless the agent narrowed it). */
  schema?: Record<string, unknown>;
  /** Platform extension `parameters.tool_choice: "required"`: the first inference step of a turn must call this tool. */
  required: boolean;
  inputShields: ShieldSpec[];
  outputShields: ShieldSpec[];
}

/** A validated AgenticSystemCreateRequest: what is stored and what each turn runs. */
export interface AgentDefinition {
  uuid: string;
  instructions: string;
  /** The draft's model name, and the catalog model it resolved to. */
  model: string;
  modelId: string;
  tools: AgentTool[];
  memoryBankUuids: string[];
  inputShields: ShieldSpec[];
  outputShields: ShieldSpec[];
}

export const MAX_AGENT_UUID_CHARS = 256;
export const MAX_INSTRUCTIONS_CHARS = 64 * 1024;
export const MAX_TOOLS = 64;
export const MAX_MEMORY_BANKS = 32;
const TOOL_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
/** Keys of `parameters` that are platform options, not argument definitions. */
const EXTENSION_KEYS = ['tool_choice', 'description'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function stringField(body: Record<string, unknown>, key: string, max: number, allowEmpty = false): string {
  const v = body[key];
  if (typeof v !== 'string') throw PlatformError.invalid(`${key} must be a string.`, key);
  if (!allowEmpty && !v.trim()) throw PlatformError.invalid(`${key} must not be empty.`, key);
  if (v.length > max) throw PlatformError.invalid(`${key} is longer than ${max} characters.`, key);
  return v;
}

function stringList(body: Record<string, unknown>, key: string, max: number): string[] {
  const v = body[key] ?? [];
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string' && s.length > 0))
    throw PlatformError.invalid(`${key} must be an array of non-empty strings.`, key);
  if (v.length > max) throw PlatformError.invalid(`${key} has more than ${max} entries.`, key);
  const dup = v.find((s, i) => v.indexOf(s) !== i);
  if (dup !== undefined) throw PlatformError.invalid(`${key} names ${JSON.stringify(dup)} twice.`, key);
  return v as string[];
}

/** The built-in's own argument (math: expression, code_interpreter: code, the others: query or prompt). */
const BUILTIN_ARGUMENT: Record<string, string> = {
  math: 'expression',
  code_interpreter: 'code',
  memory: 'query',
  web_search: 'query',
  image_gen: 'prompt',
};

function parseTool(value: unknown, at: string): AgentTool {
  if (!isObject(value)) throw PlatformError.invalid(`${at} must be a tool definition object.`, at);
  const name = value.tool_name;
  if (typeof name !== 'string' || !TOOL_NAME.test(name))
    throw PlatformError.invalid(`${at}.tool_name must be a function name (letters, digits, _ and -, at most 64).`, `${at}.tool_name`);
  const builtin = isBuiltinTool(name);
  const parameters = value.parameters;
  if (parameters !== undefined && !isObject(parameters))
    throw PlatformError.invalid(`${at}.parameters must be an object.`, `${at}.parameters`);
  if (!builtin && parameters === undefined)
    throw PlatformError.invalid(
      `${at}: ${JSON.stringify(name)} is not a built-in tool (${BUILTIN_TOOL_NAMES.join(', ')}); a custom tool needs its parameters definition.`,
      `${at}.parameters`,
    );
  const params = { ...(parameters ?? {}) };
  const choice = params.tool_choice;
  if (choice !== undefined && choice !== 'required' && choice !== 'auto')
    throw PlatformError.invalid(`${at}.parameters.tool_choice must be "required" or "auto".`, `${at}.parameters.tool_choice`);
  const description = typeof params.description === 'string' ? params.description : undefined;
  for (const key of EXTENSION_KEYS) if (typeof params[key] === 'string') delete params[key];
  let schema: Record<string, unknown> | undefined;
  if (!builtin) schema = toolSchema(params, `${at}.parameters`);
  else if (Object.keys(params).length) {
    // A built-in's arguments may be narrowed by a JSON Schema (an enum of expressions, a pattern), which constrained
    // decoding then enforces; it must still ask for the built-in's own argument.
    const arg = BUILTIN_ARGUMENT[name];
    const props = params.properties;
    if (
      params.type !== 'object' ||
      !isObject(props) ||
      !isObject(props[arg]) ||
      !Array.isArray(params.required) ||
      !params.required.includes(arg)
    )
      throw PlatformError.invalid(
        `${at}.parameters of the built-in ${name} may only be a JSON Schema of type object requiring its "${arg}" argument.`,
        `${at}.parameters`,
      );
    schema = params;
  }
  return {
    name,
    builtin,
    ...(description ? { description } : {}),
    ...(schema ? { schema } : {}),
    required: choice === 'required',
    inputShields: parseShields(value.input_shields, `${at}.input_shields`),
    outputShields: parseShields(value.output_shields, `${at}.output_shields`),
  };
}

/**
 * Checks the domain rules of a draft AgenticSystemCreateRequest (the gateway checked its JSON shape): tool names
 * known or custom with a definition, no tool twice, at most one tool forced, executable_tools naming built-ins of
 * available_tools (custom tools run on the client), supported shields. The banks' existence is the service's check.
 */
export function parseAgentDefinition(json: string, modelId: string): AgentDefinition {
  let body: unknown;
  try {
    body = JSON.parse(json);
  } catch {
    throw PlatformError.invalid('agent_json is not JSON.', 'agent_json');
  }
  if (!isObject(body)) throw PlatformError.invalid('The agent definition must be a JSON object.', 'agent_json');
  const uuid = stringField(body, 'uuid', MAX_AGENT_UUID_CHARS);
  const instructions = stringField(body, 'instructions', MAX_INSTRUCTIONS_CHARS, true);
  const model = stringField(body, 'model', 256);
  if (!modelId) throw PlatformError.invalid('model_id (the catalog model of `model`) is required.', 'model');
  const rawTools = body.available_tools ?? [];
  if (!Array.isArray(rawTools)) throw PlatformError.invalid('available_tools must be an array.', 'available_tools');
  if (rawTools.length > MAX_TOOLS) throw PlatformError.invalid(`available_tools has more than ${MAX_TOOLS} tools.`, 'available_tools');
  const tools = rawTools.map((t, i) => parseTool(t, `available_tools[${i}]`));
  tools.forEach((t, i) => {
    if (tools.findIndex((o) => o.name === t.name) !== i)
      throw PlatformError.invalid(`available_tools names ${t.name} twice.`, `available_tools[${i}].tool_name`);
  });
  if (tools.filter((t) => t.required).length > 1)
    throw PlatformError.invalid('At most one tool may set parameters.tool_choice "required".', 'available_tools');
  const executable = stringList(body, 'executable_tools', MAX_TOOLS);
  executable.forEach((name, i) => {
    const tool = tools.find((t) => t.name === name);
    if (!tool)
      throw PlatformError.invalid(`executable_tools[${i}] ${JSON.stringify(name)} is not in available_tools.`, `executable_tools[${i}]`);
    if (!tool.builtin)
      throw PlatformError.invalid(
        `executable_tools[${i}] ${JSON.stringify(name)} is a custom tool: custom tools run on the client (the turn stops with the call).`,
        `executable_tools[${i}]`,
      );
  });
  const memoryBankUuids = stringList(body, 'memory_bank_uuids', MAX_MEMORY_BANKS);
  if (tools.some((t) => t.name === 'memory') && memoryBankUuids.length === 0)
    throw PlatformError.invalid('The memory tool needs memory_bank_uuids.', 'memory_bank_uuids');
  return {
    uuid,
    instructions,
    model,
    modelId,
    tools,
    memoryBankUuids,
    inputShields: parseShields(body.input_shields, 'input_shields'),
    outputShields: parseShields(body.output_shields, 'output_shields'),
  };
}
