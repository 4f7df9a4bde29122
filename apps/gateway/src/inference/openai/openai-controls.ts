import { PlatformError } from '@platform/common';
import {
  GUIDED_CHOICE_MAX_CHARS,
  GUIDED_CHOICE_MAX_ITEMS,
  GUIDED_GRAMMAR_MAX_CHARS,
  GUIDED_REGEX_MAX_CHARS,
  GUIDED_JSON_BOUNDS,
  isGuidedJson,
} from '../guided-options';

/**
 * Checks of the OpenAI generation controls whose shape class-validator cannot say (tools, tool_choice,
 * response_format, logit_bias), with OpenAI's wording for the field paths (`tools[0].function.name`). Each answers
 * a 400 naming the field instead of letting a model server refuse it in its own terms, or ignore it.
 */

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** OpenAI's rule for function and schema names. */
const NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** At most this many entries in one logit_bias; OpenAI's own bound is lower, vLLM has none. */
export const LOGIT_BIAS_MAX_ENTRIES = 1024;

/** OpenAI allows 128 functions per request. */
export const TOOLS_MAX = 128;

/** Several choices per request (OpenAI `n`), as watsonx chat allows. */
export const MAX_CHOICES = 16;

function invalid(message: string, field: string): PlatformError {
  return PlatformError.invalid(message, field);
}

/** The function names of `tools`, each checked to be `{type: "function", function: {name, description?, parameters?, strict?}}`. */
export function toolNames(tools: Record<string, unknown>[] | undefined): string[] {
  if (!tools) return [];
  if (tools.length > TOOLS_MAX) throw invalid(`tools must hold at most ${TOOLS_MAX} functions.`, 'tools');
  return tools.map((tool, i) => {
    const at = `tools[${i}]`;
    if (tool.type !== 'function') throw invalid(`${at}.type must be "function".`, `${at}.type`);
    const fn = tool.function;
    if (!isObject(fn)) throw invalid(`${at}.function must be an object with a name.`, `${at}.function`);
    if (typeof fn.name !== 'string' || !NAME.test(fn.name))
      throw invalid(`${at}.function.name must be 1 to 64 letters, digits, underscores or dashes.`, `${at}.function.name`);
    if (fn.description !== undefined && typeof fn.description !== 'string')
      throw invalid(`${at}.function.description must be a string.`, `${at}.function.description`);
    if (fn.parameters !== undefined && !isObject(fn.parameters))
      throw invalid(`${at}.function.parameters must be a JSON Schema object.`, `${at}.function.parameters`);
    if (fn.strict !== undefined && fn.strict !== null && typeof fn.strict !== 'boolean')
      throw invalid(`${at}.function.strict must be a boolean.`, `${at}.function.strict`);
    return fn.name;
  });
}

export type ToolChoice = { option: 'none' | 'auto' | 'required' } | { named: { type: 'function'; function: { name: string } } };

/** `tool_choice`: "none", "auto", "required" or `{type: "function", function: {name}}` naming one of `tools`. */
export function toolChoice(value: unknown, names: string[]): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'none' || value === 'auto' || value === 'required') {
    if (value !== 'none' && names.length === 0) throw invalid(`tool_choice "${value}" needs tools.`, 'tool_choice');
    return { option: value };
  }
  if (typeof value === 'string') throw invalid('tool_choice must be "none", "auto", "required" or a named function.', 'tool_choice');
  const fn = isObject(value) ? value.function : undefined;
  if (!isObject(value) || value.type !== 'function' || !isObject(fn) || typeof fn.name !== 'string')
    throw invalid('tool_choice must be "none", "auto", "required" or {"type": "function", "function": {"name": ...}}.', 'tool_choice');
  if (!names.includes(fn.name))
    throw invalid(`tool_choice names function "${fn.name}", which is not in tools.`, 'tool_choice.function.name');
  return { named: { type: 'function', function: { name: fn.name } } };
}

/** `response_format`: `{type: "text"}`, `{type: "json_object"}` or `{type: "json_schema", json_schema: {name, schema?, description?, strict?}}`. */
export function responseFormat(value: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  const type = value.type;
  if (type === 'text' || type === 'json_object') return { type };
  if (type !== 'json_schema') throw invalid('response_format.type must be "text", "json_object" or "json_schema".', 'response_format.type');
  const spec = value.json_schema;
  if (!isObject(spec)) throw invalid('response_format.json_schema is required with type "json_schema".', 'response_format.json_schema');
  if (typeof spec.name !== 'string' || !NAME.test(spec.name))
    throw invalid(
      'response_format.json_schema.name must be 1 to 64 letters, digits, underscores or dashes.',
      'response_format.json_schema.name',
    );
  if (spec.schema !== undefined && !isObject(spec.schema))
    throw invalid('response_format.json_schema.schema must be a JSON Schema object.', 'response_format.json_schema.schema');
  if (spec.description !== undefined && typeof spec.description !== 'string')
    throw invalid('response_format.json_schema.description must be a string.', 'response_format.json_schema.description');
  if (spec.strict !== undefined && spec.strict !== null && typeof spec.strict !== 'boolean')
    throw invalid('response_format.json_schema.strict must be a boolean.', 'response_format.json_schema.strict');
  return {
    type,
    json_schema: {
      name: spec.name,
      ...(spec.description !== undefined ? { description: spec.description } : {}),
      ...(spec.schema !== undefined ? { schema: spec.schema } : {}),
      ...(typeof spec.strict === 'boolean' ? { strict: spec.strict } : {}),
    },
  };
}

/** `logit_bias`: token ids (decimal strings, as JSON keys are) to biases in [-100, 100]. Empty reads as none. */
export function logitBias(value: Record<string, unknown> | undefined): Record<string, number> | undefined {
  if (value === undefined || value === null) return undefined;
  const entries = Object.entries(value);
  if (entries.length > LOGIT_BIAS_MAX_ENTRIES)
    throw invalid(`logit_bias must hold at most ${LOGIT_BIAS_MAX_ENTRIES} entries.`, 'logit_bias');
  for (const [token, bias] of entries) {
    if (!/^\d{1,10}$/.test(token) || Number(token) > 2 ** 31 - 1)
      throw invalid(`logit_bias keys must be token ids (non-negative integers); got ${JSON.stringify(token)}.`, 'logit_bias');
    if (typeof bias !== 'number' || !Number.isFinite(bias) || bias < -100 || bias > 100)
      throw invalid(`logit_bias values must be numbers from -100 to 100; token ${token} has ${JSON.stringify(bias)}.`, 'logit_bias');
  }
  return entries.length ? (value as Record<string, number>) : undefined;
}

/** The guided_* options of watsonx chat, which vLLM's `structured_outputs` names json, regex, choice and grammar. */
export interface Guided {
  guided_json?: Record<string, unknown> | string;
  guided_regex?: string;
  guided_choice?: string[];
  guided_grammar?: string;
}

const STRUCTURED_KEYS = ['json', 'regex', 'choice', 'grammar', 'json_object'];

/**
 * vLLM's extras on OpenAI chat (the `openai` client sends them through `extra_body`): `structured_outputs` (vLLM
 * >= 0.12) or the older top-level `guided_*`, as the inference contract's guided options; `structured_outputs.
 * json_object` is response_format json_object. Its other keys tune vLLM's own decoding backends and are refused.
 */
export function structuredOutputs(value: Record<string, unknown> | undefined, guided: Guided): { guided: Guided; jsonObject: boolean } {
  if (value === undefined || value === null) return { guided, jsonObject: false };
  const topLevel = Object.entries(guided).find(([, v]) => v !== undefined && v !== null);
  if (topLevel) throw invalid(`Use structured_outputs or ${topLevel[0]}, not both.`, topLevel[0]);
  for (const key of Object.keys(value))
    if (!STRUCTURED_KEYS.includes(key)) throw invalid(`structured_outputs.${key} is not supported.`, `structured_outputs.${key}`);
  const { json, regex, choice, grammar, json_object: jsonObject } = value;
  if (json !== undefined && !isGuidedJson(json))
    throw invalid(
      `structured_outputs.json must be a JSON Schema object, or its JSON text, of at most ${GUIDED_JSON_BOUNDS.bytes} bytes.`,
      'structured_outputs.json',
    );
  if (regex !== undefined && (typeof regex !== 'string' || regex.length > GUIDED_REGEX_MAX_CHARS))
    throw invalid(`structured_outputs.regex must be a string of at most ${GUIDED_REGEX_MAX_CHARS} characters.`, 'structured_outputs.regex');
  if (
    choice !== undefined &&
    (!Array.isArray(choice) ||
      choice.length === 0 ||
      choice.length > GUIDED_CHOICE_MAX_ITEMS ||
      !choice.every((c) => typeof c === 'string' && c.length <= GUIDED_CHOICE_MAX_CHARS))
  )
    throw invalid(
      `structured_outputs.choice must be 1 to ${GUIDED_CHOICE_MAX_ITEMS} strings of at most ${GUIDED_CHOICE_MAX_CHARS} characters.`,
      'structured_outputs.choice',
    );
  if (grammar !== undefined && (typeof grammar !== 'string' || grammar.length > GUIDED_GRAMMAR_MAX_CHARS))
    throw invalid(
      `structured_outputs.grammar must be a string of at most ${GUIDED_GRAMMAR_MAX_CHARS} characters.`,
      'structured_outputs.grammar',
    );
  if (jsonObject !== undefined && typeof jsonObject !== 'boolean')
    throw invalid('structured_outputs.json_object must be a boolean.', 'structured_outputs.json_object');
  return {
    guided: {
      guided_json: json as Guided['guided_json'],
      guided_regex: regex as string | undefined,
      guided_choice: choice as string[] | undefined,
      guided_grammar: grammar as string | undefined,
    },
    jsonObject: jsonObject === true,
  };
}
