/**
 * The JSON Schema vocabulary as the converter reads it (draft 2020-12, with draft-07's `definitions`, array `items`
 * and `additionalItems`). Keywords not listed here are annotations to it, as the specification treats unknown
 * keywords; listed assertions it cannot honour are refused by name, never ignored.
 */

export type JsonType = 'null' | 'boolean' | 'object' | 'array' | 'number' | 'integer' | 'string';
export const JSON_TYPES: readonly JsonType[] = ['null', 'boolean', 'object', 'array', 'number', 'integer', 'string'];

/** Keywords that only apply to one type, so a schema without `type` that uses them means that type (as xgrammar infers). */
export const TYPE_KEYWORDS: Record<'object' | 'array' | 'string' | 'number', readonly string[]> = {
  object: [
    'properties',
    'required',
    'additionalProperties',
    'patternProperties',
    'propertyNames',
    'minProperties',
    'maxProperties',
    'dependentRequired',
    'dependentSchemas',
    'dependencies',
    'unevaluatedProperties',
  ],
  array: [
    'items',
    'prefixItems',
    'additionalItems',
    'minItems',
    'maxItems',
    'uniqueItems',
    'contains',
    'minContains',
    'maxContains',
    'unevaluatedItems',
  ],
  string: ['minLength', 'maxLength', 'pattern', 'format'],
  number: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'],
};

/** Keywords that combine subschemas; next to value keywords they would mean an intersection, which is refused. */
export const COMBINATORS = ['$ref', 'allOf', 'anyOf', 'oneOf'] as const;

/** Assertions with no grammar here (a context-free grammar cannot say most of them). */
export const UNSUPPORTED: Record<string, string> = {
  not: 'a grammar cannot exclude a schema',
  if: 'conditional schemas are not supported',
  then: 'conditional schemas are not supported',
  else: 'conditional schemas are not supported',
  dependentSchemas: 'dependent schemas are not supported',
  dependencies: 'dependencies are not supported',
  contains: 'contains is not supported',
  $dynamicRef: 'only $ref to #, #/$defs/… or #/definitions/… is supported',
  $recursiveRef: 'only $ref to #, #/$defs/… or #/definitions/… is supported',
  multipleOf: 'multipleOf is not supported',
};

/** Keywords that assert something about a value (everything but annotations and subschema containers). */
export const VALUE_KEYWORDS = new Set<string>([
  'type',
  'enum',
  'const',
  ...Object.values(TYPE_KEYWORDS).flat(),
  ...Object.keys(UNSUPPORTED),
]);

/** Keywords checked against enum/const values themselves; any other assertion next to them is refused. */
export const LITERAL_CHECKS = new Set([
  'type',
  'enum',
  'const',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
]);

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The type of a JSON value as `type` names it (integers are also numbers). */
export function typeOf(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(v) ? 'integer' : 'number';
    case 'string':
      return 'string';
    default:
      return 'object';
  }
}

/** JSON text with object keys sorted: equal JSON values (as `enum` and `const` compare them) have equal keys. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
