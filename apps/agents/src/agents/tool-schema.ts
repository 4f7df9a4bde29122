import { PlatformError } from '@platform/common';

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

/**
 * A custom tool's draft parameters ({name: {param_type, description, required, default}}, `required` true unless
 * said otherwise, as llama-models' ToolParamDefinition) as the JSON Schema model servers take; a map that already
 * is a JSON Schema passes as is. The same reading as the gateway's Llama Stack chat route (tool-options.ts).
 */
export function toolSchema(parameters: Record<string, unknown>, field: string): Record<string, unknown> {
  if (parameters.type === 'object') return parameters;
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [name, def] of Object.entries(parameters)) {
    const at = `${field}.${name}`;
    if (typeof def !== 'object' || def === null || Array.isArray(def))
      throw PlatformError.invalid(`${at} must be a parameter definition {param_type, description, required, default}.`, at);
    const d = def as { param_type?: unknown; description?: unknown; required?: unknown; default?: unknown };
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
