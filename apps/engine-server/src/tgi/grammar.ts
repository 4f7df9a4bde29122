import type { ConstraintSpec } from '@platform/engine';
import { tgiValidation } from '../errors';
import type { Json } from '../http/body';

/**
 * TGI's `parameters.grammar`: `{type: "json" | "json_object", value: <JSON Schema, as an object or its text>}`,
 * `{type: "regex", value: "<pattern>"}` and the newer `{type: "json_schema", value: {name?, schema}}`, refused with
 * TGI's messages (`grammar is not valid: ...`, `grammar is not supported`).
 */
export function readTgiGrammar(p: Json): ConstraintSpec | undefined {
  const g = p.grammar;
  if (g === undefined || g === null) return undefined;
  if (typeof g !== 'object' || Array.isArray(g)) throw tgiValidation('grammar is not valid: expected an object with `type` and `value`');
  const { type, value } = g as Json;
  if (value === undefined) throw tgiValidation('grammar is not valid: missing field `value`');
  switch (type) {
    case 'json':
    case 'json_object':
      return { kind: 'json_schema', schema: schemaText(value) };
    case 'json_schema': {
      if (typeof value !== 'object' || value === null || Array.isArray(value) || (value as Json).schema === undefined)
        throw tgiValidation('grammar is not valid: `json_schema` needs a value with a `schema`');
      return { kind: 'json_schema', schema: schemaText((value as Json).schema) };
    }
    case 'regex':
      if (typeof value !== 'string') throw tgiValidation('grammar is not valid: a `regex` grammar is a string');
      return { kind: 'regex', pattern: value };
    default:
      throw tgiValidation(
        `grammar is not valid: unknown variant ${JSON.stringify(type)}, expected \`json\`, \`json_object\`, \`json_schema\` or \`regex\``,
      );
  }
}

function schemaText(value: unknown): string {
  if (typeof value === 'string') {
    try {
      JSON.parse(value);
    } catch (err) {
      throw tgiValidation(`grammar is not valid: ${(err as Error).message}`);
    }
    return value;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return JSON.stringify(value);
  throw tgiValidation('grammar is not supported');
}
