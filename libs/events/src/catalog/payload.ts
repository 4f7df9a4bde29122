import { PermanentEventError } from '../errors';

// Checks shared by the catalog's payload parsers: each turns an event's JSON `data` into its typed value or throws
// PermanentEventError (poison: the consumer terminates the message instead of retrying it).

export function fail(type: string, message: string): never {
  throw new PermanentEventError(`${type}: ${message}`);
}

export function objectOf(data: unknown, type: string, what = 'data'): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) fail(type, `${what} must be an object`);
  return data as Record<string, unknown>;
}

export function requiredString(o: Record<string, unknown>, key: string, type: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.trim() === '') fail(type, `${key} must be a non-empty string`);
  return v;
}

export function optionalString(o: Record<string, unknown>, key: string, type: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.trim() === '') fail(type, `${key} must be a non-empty string when given`);
  return v;
}

export function nonNegativeInt(o: Record<string, unknown>, key: string, type: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail(type, `${key} must be a non-negative integer`);
  return v;
}

export function finiteNumber(o: Record<string, unknown>, key: string, type: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(type, `${key} must be a finite number`);
  return v;
}

/** An object of finite numbers (e.g. task → score). */
export function numberMap(o: Record<string, unknown>, key: string, type: string): Record<string, number> {
  const m = objectOf(o[key], type, key);
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(m)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(type, `${key}.${k} must be a finite number`);
    out[k] = v;
  }
  return out;
}
