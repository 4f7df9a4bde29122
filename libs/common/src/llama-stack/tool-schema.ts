import { PlatformError } from '../errors/platform-error';

/** Llama's parameter types (Python names in llama-models' examples, JSON Schema names elsewhere) as JSON Schema types. */
const PARAM_TYPES: Readonly<Record<string, string>> = {
  str: 'string',
  string: 'string',
  int: 'integer',
  integer: 'integer',
  float: 'number',
  number: 'number',
  bool: 'boolean',
  boolean: 'boolean',
  list: 'array',
  array: 'array',
  dict: 'object',
  object: 'object',
};

interface ParamDefinition {
  param_type?: unknown;
  description?: unknown;
  required?: unknown;
  default?: unknown;
}

/**
 * The Llama Stack draft's tool parameters map a name to its definition ({param_type, description, required, default}, with
 * `required` true unless said otherwise, as in llama-models' ToolParamDefinition); backends take a JSON schema, so
 * they become one. A map that already is a JSON schema passes as is. Shared by the gateway's Llama Stack chat route and
 * the agents service's tool definitions.
 */
export function toolSchema(parameters: Record<string, unknown> | undefined, field = 'parameters'): Record<string, unknown> {
  if (!parameters) return { type: 'object', properties: {} };
  if (parameters.type === 'object') return parameters;
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [name, def] of Object.entries(parameters)) {
    const at = `${field}.${name}`;
    if (typeof def !== 'object' || def === null || Array.isArray(def))
      throw PlatformError.invalid(`${at} must be a parameter definition {param_type, description, required, default}.`, at);
    const d = def as ParamDefinition;
    const type = typeof d.param_type === 'string' ? PARAM_TYPES[d.param_type] : undefined;
    if (d.param_type !== undefined && !type)
      throw PlatformError.invalid(`${at}.param_type must be one of ${Object.keys(PARAM_TYPES).join(', ')}.`, `${at}.param_type`);
    properties[name] = {
      ...(type ? { type } : {}),
      ...(typeof d.description === 'string' ? { description: d.description } : {}),
      ...(d.default !== undefined ? { default: d.default } : {}),
    };
    if (d.required !== false) required.push(name);
  }
  return { type: 'object', properties, ...(required.length ? { required } : {}) };
}
