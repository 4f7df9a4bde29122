import { ValidateBy } from 'class-validator';
import { withinJsonBounds, type JsonBounds } from '../http/bounded-json';

/**
 * Bounds of watsonx chat's guided_* options (structured output). Each one is compiled into a token mask by the
 * model server, so each is kept to what a real schema, pattern or grammar needs; the inference route's body limits
 * stay the outer bound.
 */
export const GUIDED_JSON_BOUNDS: JsonBounds = { bytes: 64 * 1024, depth: 32, keys: 1000 };
export const GUIDED_REGEX_MAX_CHARS = 8 * 1024;
export const GUIDED_GRAMMAR_MAX_CHARS = 64 * 1024;
export const GUIDED_CHOICE_MAX_ITEMS = 256;
export const GUIDED_CHOICE_MAX_CHARS = 1024;

/**
 * guided_json: a JSON Schema object, or its JSON text, which is how the official Node SDK types the field
 * (`guidedJSON?: string`). Whether the text is JSON is checked where it is read (the inference service).
 */
export function isGuidedJson(v: unknown): boolean {
  if (typeof v === 'string') return Buffer.byteLength(v) <= GUIDED_JSON_BOUNDS.bytes;
  return typeof v === 'object' && v !== null && !Array.isArray(v) && withinJsonBounds(v, GUIDED_JSON_BOUNDS);
}

export function IsGuidedJson(): PropertyDecorator {
  return ValidateBy({
    name: 'isGuidedJson',
    validator: {
      validate: isGuidedJson,
      defaultMessage: (args) =>
        `${args?.property ?? 'guided_json'} must be a JSON Schema object, or its JSON text, of at most ${GUIDED_JSON_BOUNDS.bytes} bytes and ${GUIDED_JSON_BOUNDS.depth} levels.`,
    },
  });
}
