import { ValidateBy } from 'class-validator';
import { findLimitBreach } from './json-limits';

export interface JsonBounds {
  /** UTF-8 bytes of the value written as JSON. */
  bytes: number;
  /** Nesting of its arrays and objects, the value itself counting as 1. */
  depth: number;
  /** Keys of any one object, items of any one array. */
  keys: number;
}

/** Whether `value` written as JSON keeps within `bounds`. */
export function withinJsonBounds(value: unknown, bounds: JsonBounds): boolean {
  const json = JSON.stringify(value) ?? '';
  if (Buffer.byteLength(json) > bounds.bytes) return false;
  const limits = {
    name: 'management' as const,
    bodyBytes: bounds.bytes,
    depth: bounds.depth,
    stringChars: bounds.bytes,
    collectionItems: bounds.keys,
  };
  return findLimitBreach(value, limits) === undefined;
}

/**
 * A free-form body field (a project's `storage`, a space's `settings`) bounded in size, depth and width, checked on
 * the value as sent, before the whitelist drops unknown keys: a field the API stores as it is cannot grow without end.
 */
export function BoundedJson(bounds: JsonBounds): PropertyDecorator {
  return ValidateBy({
    name: 'boundedJson',
    validator: {
      validate: (value: unknown) => withinJsonBounds(value, bounds),
      defaultMessage: (args) =>
        `${args?.property ?? 'value'} must be at most ${bounds.bytes} bytes of JSON, ${bounds.depth} levels deep, with at most ${bounds.keys} keys or items in any object or array.`,
    },
  });
}
